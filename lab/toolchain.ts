// Where `npm run setup` (scripts/setup.sh) put the tools, and the environment the Pulumi CLI runs
// in: offline-safe (local file backend, no update check, no plugin download).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR } from "../components/projectDir";
import { secretsEnv } from "./secrets";

export { PROJECT_DIR };

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

/** Directory holding bin/pulumi, at the version of the @pulumi/pulumi SDK. */
export function pulumiRoot(): string {
  const version = JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")).version;
  return path.join(cacheDir(), "pulumi", `v${version}`);
}

/** Makes `dir` (created if missing) and everything in it private: directories 0700, files 0600. */
function privateTree(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    fs.chmodSync(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o700 : 0o600);
  }
}

/**
 * Environment for every Pulumi CLI run; `overrides` (e.g. a test's own backend) win. The state
 * directory is private (0700), and secrets are sealed with a key kept outside it (see secrets.ts).
 */
export function pulumiEnv(overrides: Record<string, string> = {}, stack?: string): Record<string, string> {
  const backend = overrides.PULUMI_BACKEND_URL ?? process.env.PULUMI_BACKEND_URL ?? `file://${path.join(cacheDir(), "state")}`;
  const backendDir = backend.startsWith("file://") ? backend.slice("file://".length) : undefined;
  if (backendDir) privateTree(backendDir);
  return {
    PATH: `${path.join(pulumiRoot(), "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_BACKEND_URL: backend,
    ...secretsEnv({ cacheDir: cacheDir(), projectDir: PROJECT_DIR, backendDir, stack, given: { ...process.env, ...overrides } }),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
    ...overrides,
  };
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
