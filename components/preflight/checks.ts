// Checks of where the lab will run, by the program before any resource is touched: a Kafka distribution
// and Java 17+ here, what the runtime finds where the nodes run (the host, the engine, the machines), free
// ports (those of this lab's own running nodes are fine), and what the running cluster can take.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { labClient } from "../cluster/client";
import { recordedPid, runsWith } from "../host/daemon";
import { javaCommand, javaMajorOf } from "../host/javaVersion";
import { portIsFree } from "../host/thisMachine";
import type { MonitoringPlan } from "../model/monitoringPlan";
import type { ClusterPlan, PortKind } from "../model/topology";
import { busyPortProblems, labMoveProblem } from "../model/validate";
import { grafanaConfigFile } from "../monitoring/grafana";
import type { MonitoringTools } from "../monitoring/monitoring";
import { prometheusArgs } from "../monitoring/prometheus";
import { serverPidFile } from "../monitoring/server";
import { quorumChangeRefusals, removalRefusals, unknownDrains } from "../ops/removal";
import { controllerIds, shrinkRefusals } from "../quorum/plan";
import type { RuntimePlan } from "../runtime/plan";
import type { LabCheck, BusyPort as RuntimeBusyPort } from "../runtime/runtime";
import { runtimeFor } from "../runtime/select";
import type { RuntimeSpec } from "../runtime/spec";
import { inspectDirectory, readDrained, readRunningRecord, recordedRuntime } from "../store/labStore";
import { claimProblem, describeRuntime, runtimeChangeProblem } from "../store/problems";
import { downgradeRefusal, parseVersionMapping, type VersionMapping } from "../versions/plan";
import { portHolder } from "./portHolder";

export function kafkaHomeProblems(kafkaHome: string): string[] {
  const missing = ["bin/kafka-server-start.sh", "bin/kafka-storage.sh"].filter((f) => !fs.existsSync(path.join(kafkaHome, f)));
  const libs = path.join(kafkaHome, "libs");
  const hasJars = fs.existsSync(libs) && fs.readdirSync(libs).some((f) => /^kafka_2\.1\d-.*\.jar$/.test(f));
  if (!hasJars) missing.push("libs/kafka_2.13-*.jar");
  if (missing.length === 0) return [];
  return [
    `kraftlab:kafkaHome: ${kafkaHome} is not a Kafka distribution (missing ${missing.join(", ")}); run \`npm run setup\`, or set kraftlab:kafkaHome to an unpacked Kafka 4.x tarball`,
  ];
}

export function javaProblems(): string[] {
  const java = javaCommand();
  const major = javaMajorOf(java);
  if (major === undefined) return [`Java was not found (${java}); Kafka needs Java 17+: apt-get install -y openjdk-17-jre-headless, or set JAVA_HOME`];
  if (major < 17) return [`Java ${major} found (${java}); Kafka 4 needs Java 17+: apt-get install -y openjdk-17-jre-headless, or set JAVA_HOME`];
  return [];
}

/** What the runtime is asked of where the lab will run. */
const labCheck = (plan: ClusterPlan, runtimePlan: RuntimePlan, stack: string): LabCheck => {
  const dir = inspectDirectory(plan.labDir).kind;
  return { host: plan.host, labDir: plan.labDir, stack, isNew: dir === "absent" || dir === "empty", nodes: plan.nodes, setup: runtimePlan.setup };
};

/**
 * Ports of the lab's nodes that do not run, held by something else: here, with what holds each (a
 * node of another lab, a process), or on a node's machine.
 */
function busyPortMessages(busy: RuntimeBusyPort[], lab: { labDir: string; stack: string }): string[] {
  const here = busy.filter((b) => !b.machine).map((b) => ({ ...b, kind: b.kind as PortKind, holder: portHolder(b.port) }));
  const there = busy.flatMap(({ nodeId, kind, port, machine }) =>
    machine
      ? [
          `node ${nodeId} ${kind} port ${port} is already in use on machine ${machine.name} (${machine.address}); stop what listens there (ss -ltnp on it), ` +
            `or set kraftlab:nodes[].ports.${kind} (or kraftlab:ports) to a free port`,
        ]
      : [],
  );
  return [...busyPortProblems(here, lab), ...there];
}

/** The kernel's ephemeral port range (Linux), or undefined where it cannot be read. */
export function ephemeralPortRange(): [number, number] | undefined {
  try {
    const [low, high] = fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    return [low, high];
  } catch {
    return undefined;
  }
}

/**
 * Membership changes the running lab cannot take: a node whose roles change, a new controller, a
 * drain of a node that never was, and a node leaving the config that may not leave the cluster (a
 * controller, or a broker with replicas and no drain). The cluster is asked where the replicas are;
 * if it cannot be reached the reconcilers check again before they stop anything (converge/removal.ts).
 */
export async function removalProblems(plan: ClusterPlan, runtime: RuntimeSpec, kafkaHome: string, drain: number[], commandConfig?: string): Promise<string[]> {
  const onDisk = await runtimeFor(runtime).nodesOnDisk(plan.labDir);
  const leaving = onDisk.filter(({ id }) => !plan.nodes.some((n) => n.id === id));
  const refused = [
    ...quorumChangeRefusals(onDisk, plan.nodes, plan.quorum.mode),
    ...(plan.quorum.mode === "dynamic"
      ? shrinkRefusals(
          controllerIds(onDisk),
          leaving.map((n) => n.id),
        )
      : []),
    ...unknownDrains(
      drain,
      leaving.map((n) => n.id),
      readDrained(plan.labDir),
    ),
  ];
  if (refused.length > 0 || leaving.length === 0) return refused;
  const all = await labClient(programAdmin(plan, runtime, kafkaHome, commandConfig))
    .partitions()
    .catch(() => []);
  return removalRefusals(leaving, drain, all, plan.quorum.mode);
}

/** How the program asks the running cluster before anything is touched: with the lab's client file once it has one. */
const programAdmin = (plan: ClusterPlan, runtime: RuntimeSpec, kafkaHome: string, commandConfig?: string) => ({
  runtime,
  kafkaHome,
  bootstrapServers: plan.internalBootstrapServers,
  commandConfig: commandConfig && fs.existsSync(commandConfig) ? commandConfig : undefined,
});

/**
 * A running lab asked to run a release older than what it finalized (metadata.version): refused before
 * any node rolls. If the cluster cannot be asked, converging asks again before the roll (converge/versions.ts).
 */
export async function versionProblems(plan: ClusterPlan, runtime: RuntimeSpec, kafkaHome: string, target: string, commandConfig?: string): Promise<string[]> {
  // Only a lab some of whose nodes were started with another release is asked (a no-op up asks nothing).
  const rt = runtimeFor(runtime);
  const records = await Promise.all(plan.nodes.map((n) => readRunningRecord(rt, n)));
  if (records.every((record) => !record || record.version === target)) return [];
  const finalized = await labClient(programAdmin(plan, runtime, kafkaHome, commandConfig))
    .features()
    .catch(() => ({}));
  const refused = downgradeRefusal(finalized, target);
  return refused ? [refused] : [];
}

/**
 * The feature levels of the release in `kafkaHome`, as the setup kept them beside it
 * (version-mapping.txt), else as its kafka-features tool prints them (a distribution of one's own).
 */
export function releaseVersionMapping(kafkaHome: string): VersionMapping {
  const kept = path.join(kafkaHome, "version-mapping.txt");
  // (Releases before 4.3 want a bootstrap server even for version-mapping, which asks none.)
  if (fs.existsSync(kept)) return parseVersionMapping(fs.readFileSync(kept, "utf8"));
  const tool = spawnSync(path.join(kafkaHome, "bin", "kafka-features.sh"), ["--bootstrap-server", "127.0.0.1:1", "version-mapping"], {
    encoding: "utf8",
    timeout: 60_000,
  });
  return parseVersionMapping(tool.stdout ?? "");
}

/** Every machine-level problem with this plan, each naming its fix. */
export async function preflightProblems(plan: ClusterPlan, runtimePlan: RuntimePlan, kafkaHome: string, stack: string): Promise<string[]> {
  const rt = runtimeFor(runtimePlan.spec);
  const lab = labCheck(plan, runtimePlan, stack);
  const [where, ports] = await Promise.all([rt.problems(lab), rt.busyPorts(lab)]);
  const busy = busyPortMessages(ports, { labDir: plan.labDir, stack });
  // This machine runs the Kafka tools and the cluster client: a distribution and Java here, whatever the runtime.
  return [...kafkaHomeProblems(kafkaHome), ...javaProblems(), ...where, ...busy];
}

/** A lab that exists on one runtime, configured for another: refused, with the way to move it. */
export function runtimeChangeProblems(labDir: string, wanted: RuntimeSpec["kind"]): string[] {
  const recorded = fs.existsSync(labDir) ? recordedRuntime(labDir) : undefined;
  return recorded && recorded.kind !== wanted ? [runtimeChangeProblem(describeRuntime(recorded.kind, recorded.dockerHost), describeRuntime(wanted))] : [];
}

/**
 * The directories this stack writes (labDir, certsDir): each must be new, empty or already this
 * stack's (see store/labStore.ts); checked before anything is written, in preview too.
 */
export function directoryProblems(dirs: { key: string; dir: string }[], stack: string): string[] {
  const problems = dirs.flatMap(({ key, dir }) => claimProblem(key, dir, inspectDirectory(dir), stack, true) ?? []);
  const [first, ...rest] = dirs;
  for (const other of rest) {
    if (other.dir === first.dir) problems.push(`${other.key}: ${other.dir} is also ${first.key}; give each its own directory`);
  }
  return problems;
}

/** Whether `binary` runs (`--version`). */
const runs = (binary: string) => {
  const out = spawnSync(binary, ["--version"], { encoding: "utf8", timeout: 20_000 });
  return !out.error && out.status === 0;
};

/** The exporter agent and the servers' binaries, and free ports for the servers (or held by this lab's own). */
export async function monitoringProblems(plan: MonitoringPlan, tools: MonitoringTools, lab: { labDir: string; stack: string }): Promise<string[]> {
  const problems: string[] = [];
  if (!fs.existsSync(tools.exporterJar)) {
    problems.push(
      `kraftlab:monitoring: the JMX exporter agent ${tools.exporterJar} is missing; run \`npm run setup\`, or set kraftlab:monitoring.exporterJar to a jmx_prometheus_javaagent jar`,
    );
  }
  if (!runs(tools.prometheus)) {
    problems.push(
      `kraftlab:monitoring: Prometheus ${tools.prometheus} does not run; run \`npm run setup\` (it unpacks Debian's prometheus package), put prometheus on PATH, or set kraftlab:monitoring.prometheus`,
    );
  }
  if (tools.grafana && !runs(tools.grafana)) {
    problems.push(`kraftlab:monitoring.grafana: ${tools.grafana} does not run; set it to a Grafana server binary, or remove it to only write the provisioning`);
  }
  const servers = [
    { key: "prometheusPort", port: plan.prometheusPort, configFile: prometheusArgs(plan).configFile },
    ...(tools.grafana ? [{ key: "grafanaPort", port: plan.grafanaPort, configFile: grafanaConfigFile(plan) }] : []),
  ];
  for (const { key, port, configFile } of servers) {
    if (runsWith(recordedPid(serverPidFile(path.dirname(configFile))), configFile)) continue; // this lab's own server
    if (!(await portIsFree(plan.host, port))) {
      const holder = portHolder(port)?.lab;
      if (holder?.stack === lab.stack && holder.labDir !== lab.labDir) problems.push(labMoveProblem("kraftlab:labDir", holder.labDir, lab.labDir));
      else {
        const by = holder ? `the monitoring of kraftlab stack ${holder.stack} (${holder.labDir})` : "another process";
        problems.push(`kraftlab:monitoring.${key}: ${port} is already in use by ${by}; stop that process, or set kraftlab:monitoring.${key} to a free port`);
      }
    }
  }
  return problems;
}
