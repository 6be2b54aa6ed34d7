// Where `npm run setup` (scripts/setup.sh) put the tools on this machine: its cache, the Kafka
// distributions, the exporter agent, Prometheus and Grafana, and the Docker engines to try.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR } from "./projectDir";

export function cacheDir(): string {
  return process.env.KRAFTLAB_CACHE ?? path.join(os.homedir(), ".cache", "kraftlab");
}

export function kafkaVersion(): string {
  const pom = fs.readFileSync(path.join(PROJECT_DIR, "setup", "kafka", "pom.xml"), "utf8");
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  if (!version) throw new Error("setup/kafka/pom.xml has no <kafka.version>");
  return version;
}

/** The Kafka distribution `npm run setup` installs. */
export function defaultKafkaHome(): string {
  return path.join(cacheDir(), "kafka", kafkaVersion());
}

/**
 * Kafka `version`'s home, laid out from Maven Central the first time (setup/kafka/layout.sh: a minute
 * or so, then cached per version), or the one line saying why it cannot be (with the known versions).
 */
export function layoutKafka(version: string): { home: string } | { problem: string } {
  const out = spawnSync("bash", [path.join(PROJECT_DIR, "setup", "kafka", "layout.sh"), version], {
    encoding: "utf8",
    env: { ...process.env, KRAFTLAB_CACHE: cacheDir() },
  });
  if (out.status === 0) return { home: out.stdout.trim() };
  const lines = `${out.stderr ?? ""}${out.error?.message ?? ""}`.trim().split("\n");
  const why = (lines.filter((l) => l.includes("ERROR:")).pop() ?? lines.pop() ?? "").replace(/^kraftlab setup: ERROR: /, "");
  return { problem: `kraftlab:kafkaVersion: ${why}` };
}

/** The release of a Kafka distribution, from its kafka_2.13-<version>.jar; undefined if it has none. */
export function distributionVersion(kafkaHome: string): string | undefined {
  const libs = path.join(kafkaHome, "libs");
  if (!fs.existsSync(libs)) return undefined;
  for (const jar of fs.readdirSync(libs)) {
    const m = /^kafka_2\.1\d-(\d[^-]*?)\.jar$/.exec(jar);
    if (m) return m[1];
  }
  return undefined;
}

/** The JMX exporter agent `npm run setup` fetches (version in setup/monitoring/pom.xml). */
export function defaultExporterJar(): string {
  const pom = fs.readFileSync(path.join(PROJECT_DIR, "setup", "monitoring", "pom.xml"), "utf8");
  const version = /<jmx-exporter\.version>([^<]+)<\/jmx-exporter\.version>/.exec(pom)?.[1];
  if (!version) throw new Error("setup/monitoring/pom.xml has no <jmx-exporter.version>");
  return path.join(cacheDir(), "jmx-exporter", version, `jmx_prometheus_javaagent-${version}.jar`);
}

/** The first of `names` on PATH, or undefined. */
export function onPath(...names: string[]): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const file = path.join(dir, name);
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Prometheus: one on PATH, else the one `npm run setup` unpacks from Debian's package. */
export function defaultPrometheus(): string {
  return onPath("prometheus") ?? path.join(cacheDir(), "prometheus", "current", "bin", "prometheus");
}

/** A Grafana server on PATH (`grafana` since 10, `grafana-server` before), or undefined. */
export function defaultGrafana(): string | undefined {
  return onPath("grafana", "grafana-server");
}

/** kraftlab's own Docker engine (setup/docker/engine.sh): its socket. */
export const privateEngineSocket = () => path.join(cacheDir(), "docker", "engine.sock");

/** The Docker engines to try, in order: DOCKER_HOST, the default socket, kraftlab's own. */
export function dockerEngines(): string[] {
  const given = process.env.DOCKER_HOST?.startsWith("unix://") ? [process.env.DOCKER_HOST] : [];
  return [...new Set([...given, "unix:///var/run/docker.sock", `unix://${privateEngineSocket()}`])];
}

/** The JRE root filesystem the setup builds for kraftlab's image (setup/docker/rootfs.sh). */
export const jreRootfs = () => path.join(cacheDir(), "docker", "jre-rootfs.tar");
