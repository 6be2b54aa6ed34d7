// Checks of the machine, run by the program before any resource is touched: a Kafka distribution,
// Java 17+, and free ports (ports held by this lab's own running nodes are fine).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { getProperties } from "properties-file";
import { clientFor } from "./client/connect";
import { readDrained } from "./cluster/drained";
import { claimProblem, inspectDirectory, labMoveProblem } from "./cluster/ownership";
import { readRecord } from "./cluster/supervisor";
import { grafanaConfigFile } from "./monitoring/grafana";
import type { MonitoringTools } from "./monitoring/monitoring";
import type { MonitoringPlan } from "./monitoring/plan";
import { prometheusArgs } from "./monitoring/prometheus";
import { serverPidFile } from "./monitoring/server";
import { type LeavingNode, quorumChangeRefusals, removalRefusals, unknownDrains } from "./ops/removal";
import { portHolder } from "./portHolder";
import { controllerIds, shrinkRefusals } from "./quorum/plan";
import { recordedPid, runsWith } from "./runtime/daemon";
import { engine } from "./runtime/docker";
import { describeRuntime, recordedRuntime, runtimeChangeProblem } from "./runtime/handlers";
import { hasImage } from "./runtime/image";
import type { Placement } from "./runtime/place";
import type { Runtime } from "./runtime/runtime";
import { runtimeFor } from "./runtime/select";
import { machineLabDir, type RuntimeSpec, type SshSpec } from "./runtime/spec";
import { run, shq } from "./runtime/ssh/connection";
import { javaMajor, listeningPorts, type MachineFacts, machineDirProblem, machineFacts } from "./runtime/ssh/machines";
import type { ClusterPlan, NodePlan, PortKind } from "./topology";
import { type BusyPort, busyPortProblems } from "./validate";
import { downgradeRefusal, parseVersionMapping, type VersionMapping } from "./versions/plan";

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
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, "bin", "java") : "java";
  const out = spawnSync(java, ["-version"], { encoding: "utf8" });
  const major = javaMajor(`${out.stderr}${out.stdout}`);
  if (out.error) return [`Java was not found (${java}); Kafka needs Java 17+: apt-get install -y openjdk-17-jre-headless, or set JAVA_HOME`];
  if (major < 17) return [`Java ${major} found (${java}); Kafka 4 needs Java 17+: apt-get install -y openjdk-17-jre-headless, or set JAVA_HOME`];
  return [];
}

/**
 * Whether `host` is an address of this machine, by binding it (port 0): nothing is sent anywhere.
 * Kafka binds and advertises it, so an address of another machine could never start a node.
 */
export function hostBindProblems(host: string): Promise<string[]> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (err: NodeJS.ErrnoException) => {
      const why =
        err.code === "EADDRNOTAVAIL"
          ? "is not an address of this machine"
          : err.code === "ENOTFOUND" || err.code === "EAI_AGAIN"
            ? "is not a name this machine can resolve"
            : `cannot be bound (${err.code ?? err.message})`;
      resolve([`kraftlab:host: ${host} ${why}; every node binds and advertises kraftlab:host, so set it to an address of this machine, e.g. 127.0.0.1`]);
    });
    server.listen({ host, port: 0, exclusive: true }, () => server.close(() => resolve([])));
  });
}

export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Whether this lab's own node runs, as its runtime says (its ports are then its own). */
async function ownNodeRuns(rt: Runtime, node: NodePlan): Promise<boolean> {
  const record = await readRecord(rt, node);
  return record !== undefined && record.ref !== "" && (await rt.runs(node, record.ref));
}

/** The ports a node holds on this machine: all of them as a process; in a container, only those published. */
const hostPorts = (placement: Placement, node: NodePlan) =>
  (Object.entries(node.ports) as [PortKind, number][]).filter(([kind]) => placement.spec.kind === "process" || kind === "external" || kind === "metrics");

/** Ports of nodes that are not running, and that something else already holds. */
export async function busyPorts(plan: ClusterPlan, placement: Placement): Promise<BusyPort[]> {
  const busy: BusyPort[] = [];
  const rt = runtimeFor(placement.spec);
  for (const node of plan.nodes) {
    if (await ownNodeRuns(rt, node)) continue;
    for (const [kind, port] of hostPorts(placement, node)) {
      if (!(await portIsFree(plan.host, port))) busy.push({ nodeId: node.id, kind, port, holder: portHolder(port) });
    }
  }
  return busy;
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
 * The nodes of the lab where they run, with their roles: on this machine, or on the machines of an
 * SSH lab (each machine's `<baseDir>/<stack>/node-<id>/server.properties`).
 */
async function labNodes(plan: ClusterPlan, runtime: RuntimeSpec): Promise<LeavingNode[]> {
  if (runtime.kind !== "ssh") return nodesOnDisk(plan.labDir);
  const used = new Set(plan.nodes.map((n) => n.machine));
  const found = await Promise.all(
    Object.values(runtime.machines).map(async (m) => {
      // A declared machine no node names may be gone: it holds no node then, as far as this check goes.
      const listing = await run(
        m,
        `for f in ${shq(machineLabDir(m, runtime.lab))}/node-*/server.properties; do [ -f "$f" ] && echo "$f $(grep '^process.roles=' "$f")"; done; exit 0`,
        "listing the lab's nodes",
      ).catch((err: Error) => {
        if (used.has(m.name)) throw err;
        return "";
      });
      return [...listing.matchAll(/\/node-(\d+)\/server\.properties process\.roles=(\S*)/g)].map((m) => ({ id: Number(m[1]), roles: m[2].split(",") }));
    }),
  );
  return found.flat();
}

/** The nodes of this lab on disk (`<labDir>/node-<id>` with a server.properties), with their roles. */
export function nodesOnDisk(labDir: string): LeavingNode[] {
  if (!fs.existsSync(labDir)) return [];
  return fs
    .readdirSync(labDir)
    .map((entry) => ({ entry, id: Number(/^node-(\d+)$/.exec(entry)?.[1] ?? NaN) }))
    .filter(({ entry, id }) => !Number.isNaN(id) && fs.existsSync(path.join(labDir, entry, "server.properties")))
    .map(({ entry, id }) => {
      const props = getProperties(fs.readFileSync(path.join(labDir, entry, "server.properties"), "utf8"));
      return { id, roles: (props["process.roles"] ?? "").split(",") };
    });
}

/**
 * Membership changes the running lab cannot take: a node whose roles change, a new controller, a
 * drain of a node that never was, and a node leaving the config that may not leave the cluster (a
 * controller, or a broker with replicas and no drain). The cluster is asked where the replicas are;
 * if it cannot be reached the nodes' supervisor checks again before it stops anything.
 */
export async function removalProblems(plan: ClusterPlan, runtime: RuntimeSpec, kafkaHome: string, drain: number[], commandConfig?: string): Promise<string[]> {
  const onDisk = await labNodes(plan, runtime);
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
  const all = await clientFor(programAdmin(plan, runtime, kafkaHome, commandConfig))
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
 * any node rolls. If the cluster cannot be asked, the supervisor asks again before the roll.
 */
export async function versionProblems(plan: ClusterPlan, runtime: RuntimeSpec, kafkaHome: string, target: string, commandConfig?: string): Promise<string[]> {
  // Only a lab some of whose nodes were started with another release is asked (a no-op up asks nothing).
  const rt = runtimeFor(runtime);
  const records = await Promise.all(plan.nodes.map((n) => readRecord(rt, n)));
  if (records.every((record) => !record || record.version === target)) return [];
  const finalized = await clientFor(programAdmin(plan, runtime, kafkaHome, commandConfig))
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
export async function preflightProblems(plan: ClusterPlan, placement: Placement, kafkaHome: string, stack: string): Promise<string[]> {
  // This machine runs the Kafka tools and the cluster client: a distribution and Java here, whatever the runtime.
  if (placement.spec.kind === "ssh") return [...kafkaHomeProblems(kafkaHome), ...javaProblems(), ...(await machineProblems(plan, placement.spec, stack))];
  const host = await hostBindProblems(plan.host);
  // Ports on a host that cannot be bound would all read as busy: the host is the one problem then.
  const busy = host.length === 0 ? busyPortProblems(await busyPorts(plan, placement), { labDir: plan.labDir, stack }) : [];
  const docker = [...(await imageProblems(placement)), ...(await leftoverProblems(plan, placement))];
  return [...kafkaHomeProblems(kafkaHome), ...javaProblems(), ...docker, ...host, ...busy];
}

/**
 * A new lab (its directory absent or empty) whose containers or volumes are already on the engine: a
 * lab of the same stack name whose directory went without `destroy`. Its volumes hold data: refused,
 * with nothing removed, rather than taken over.
 */
async function leftoverProblems(plan: ClusterPlan, placement: Placement): Promise<string[]> {
  const spec = placement.spec;
  const state = inspectDirectory(plan.labDir).kind;
  if (spec.kind !== "docker" || (state !== "absent" && state !== "empty")) return [];
  const docker = engine(spec.dockerHost);
  const filters = { label: [`org.kraftlab.lab=${spec.lab}`] };
  const left = [
    ...(await docker.listContainers({ all: true, filters })).map((c) => `container ${c.Names[0]?.replace(/^\//, "")}`).sort(),
    ...((await docker.listVolumes({ filters })).Volumes ?? []).map((v) => `volume ${v.Name}`).sort(),
  ];
  if (left.length === 0) return [];
  return [
    `kraftlab:runtime: the engine ${spec.dockerHost} holds ${left.join(", ")} of a lab of stack ${spec.lab} whose lab directory ${plan.labDir} is gone; ` +
      `kraftlab does not take them over: run \`npm run down\` if this stack made them, else remove them (docker -H ${spec.dockerHost} rm -f, volume rm) or use another stack name`,
  ];
}

/** A lab that exists on one runtime, configured for another: refused, with the way to move it. */
export function runtimeChangeProblems(labDir: string, wanted: RuntimeSpec["kind"]): string[] {
  const recorded = fs.existsSync(labDir) ? recordedRuntime(labDir) : undefined;
  return recorded && recorded.kind !== wanted ? [runtimeChangeProblem(describeRuntime(recorded.kind, recorded.dockerHost), describeRuntime(wanted))] : [];
}

/**
 * Each machine of an SSH lab: it answers with the configured host key and takes the key, has Java
 * 17+ and a base directory to write, its lab directory is none of another's, and the ports of nodes
 * not yet running there are free. One message per machine that does not answer.
 */
async function machineProblems(plan: ClusterPlan, spec: SshSpec, stack: string): Promise<string[]> {
  const rt = runtimeFor(spec);
  const used = Object.values(spec.machines).filter((m) => plan.nodes.some((n) => n.machine === m.name));
  const perMachine = await Promise.all(
    used.map(async (m): Promise<string[]> => {
      let facts: MachineFacts;
      try {
        facts = await machineFacts(m, spec.lab);
      } catch (err) {
        return [(err as Error).message];
      }
      const problems: string[] = [];
      const key = `kraftlab:machines.${m.name}`;
      const major = javaMajor(facts.java);
      if (major < 17) {
        const found = major > 0 ? `Java ${major}` : "no Java";
        problems.push(
          `${key}: ${found} on ${m.address} (${m.javaHome ? `${m.javaHome}/bin/java` : "java on the login PATH"}: ${facts.java.split("\n")[0] || "nothing"}); ` +
            `Kafka 4 needs Java 17+: install it there (apt-get install -y openjdk-17-jre-headless), or set ${key}.javaHome to one`,
        );
      }
      if (!facts.writable) problems.push(`${key}.baseDir: ${m.user} cannot write ${m.baseDir} on ${m.address}; set ${key}.baseDir to a directory it may write`);
      const dir = machineDirProblem(m, spec.lab, stack, facts.labDir);
      if (dir) problems.push(dir);
      const listening = listeningPorts(facts.sockets, m.address);
      for (const node of plan.nodes.filter((n) => n.machine === m.name)) {
        const taken = (Object.entries(node.ports) as [PortKind, number][]).filter(([, port]) => listening.has(port));
        if (taken.length === 0 || (await ownNodeRuns(rt, node))) continue;
        for (const [kind, port] of taken) {
          problems.push(
            `node ${node.id} ${kind} port ${port} is already in use on machine ${m.name} (${m.address}); stop what listens there (ss -ltnp on it), ` +
              `or set kraftlab:nodes[].ports.${kind} (or kraftlab:ports) to a free port`,
          );
        }
      }
      return problems;
    }),
  );
  return perMachine.flat();
}

/** kraftlab's image can be built (or is there), or the user's image is on the engine: no registry is ever asked. */
async function imageProblems(placement: Placement): Promise<string[]> {
  const docker = placement.resource.docker;
  if (!docker || (await hasImage(engine(docker.dockerHost), docker.image))) return [];
  if (!docker.build) {
    return [
      `kraftlab:runtime.image: ${docker.image} is not on the engine ${docker.dockerHost} and no registry is used; load it there (docker load), or leave runtime.image unset for kraftlab's own`,
    ];
  }
  if (!fs.existsSync(docker.build.rootfs)) {
    return [
      `kraftlab:runtime: kraftlab's image needs the JRE root filesystem ${docker.build.rootfs}; run \`npm run up\` (a Docker lab prepares it the first time) or \`bash setup/docker/prepare.sh\`, as root (it builds it with debootstrap)`,
    ];
  }
  return [];
}

/**
 * The directories this stack writes (labDir, certsDir): each must be new, empty or already this
 * stack's (see ownership.ts); checked before anything is written, in preview too.
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
