// The SSH runtime: each node a JVM on its machine, started detached (its own session, every stream
// on its log) so it outlives the SSH session, from the release copied there (distribution.ts). The
// node's files and data stay on its machine; the Kafka tools run here, against the nodes' listeners.
import { createHash } from "node:crypto";
import { getProperties } from "properties-file";
import { quorumAlive, stopWithDeadline } from "../../host/daemon";
import { kafkaTool } from "../kafkaTool";
import type { NodeRef, NodeRun, Runtime } from "../runtime";
import { machineKafkaHome, type SshMachine, type SshSpec } from "../spec";
import { metaOf } from "../storageMeta";
import { factsOnce, machineBusyPorts, machineNodes, machineProblems } from "./checks";
import { exec, run, shq } from "./connection";

/** How much of a log's end is read (as on this machine, see host/daemon.ts). */
const LOG_END_BYTES = 256 * 1024;

/** `JAVA_HOME=… ` when the machine names its Java; else the login PATH's `java`. */
const javaEnv = (m: SshMachine) => (m.javaHome ? `JAVA_HOME=${shq(m.javaHome)} ` : "");

/** A shell test that the process `pid` runs (not a zombie) with `configFile` as an argument. */
const runsTest = (pid: string, configFile: string) =>
  `p=${shq(pid)}; s=$(cat /proc/$p/stat 2>/dev/null) || exit 1; case "$s" in *") Z "*) exit 1;; esac; ` +
  `tr '\\0' '\\n' < /proc/$p/cmdline | grep -qxF -- ${shq(configFile)}`;

export function sshRuntime(spec: SshSpec): Runtime {
  const machineOf = (node: NodeRef): SshMachine => {
    const m = node.machine ? spec.machines[node.machine] : undefined;
    if (!m) throw new Error(`node ${node.id}: its machine ${node.machine ?? "(none)"} is not in kraftlab:machines; give it one with nodes[].machine`);
    return m;
  };
  // The checks of one preflight (its problems, its ports) share one look at each machine.
  const factsOf = factsOnce(spec);
  const kafkaHome = (m: SshMachine) => machineKafkaHome(m, spec.distribution);
  const script = (m: SshMachine, tool: string) => shq(`${kafkaHome(m)}/bin/${tool}.sh`);
  const runs = async (node: NodeRef, pid: string) => pid !== "" && (await exec(machineOf(node), runsTest(pid, node.configFile))).code === 0;
  const recordedPid = async (node: NodeRef) => (await exec(machineOf(node), `cat ${shq(node.pidFile)} 2>/dev/null`)).stdout.toString("utf8").trim();
  const storage = async (node: NodeRef, format?: { clusterId: string; flags: string[] }) => {
    const m = machineOf(node);
    const meta = `${node.dataDir}/meta.properties`;
    const formatting = format
      ? `else ${javaEnv(m)}KAFKA_HEAP_OPTS=-Xmx128m bash ${script(m, "kafka-storage")} format --config ${shq(node.configFile)} ` +
        `--cluster-id ${shq(format.clusterId)} ${format.flags.map(shq).join(" ")} >&2; `
      : "";
    const out = await run(m, `if [ -f ${shq(meta)} ]; then echo formatted; cat ${shq(meta)}; ${formatting}fi`, `storage of node ${node.id}`);
    const [first, ...lines] = out.split("\n");
    return first === "formatted" ? metaOf(getProperties(lines.join("\n"))) : undefined;
  };
  /** Signals the node's process on its machine, when it runs as this node. */
  const signal = async (node: NodeRef, name: string) => {
    const pid = await recordedPid(node);
    if (await runs(node, pid)) await run(machineOf(node), `kill -${name} ${shq(pid)}`, `signalling node ${node.id}`);
  };
  return {
    kind: "ssh",
    faults: {
      kill: (node) => signal(node, "KILL"),
      freeze: (node) => signal(node, "STOP"),
      thaw: (node) => signal(node, "CONT"),
      isolation: {
        unavailable:
          "cutting a machine off the network would cut kraftlab's own SSH connection to it, and mending it needs a way in that kraftlab does not have; take its link down from the machine's console",
      },
      wipe: (node) => run(machineOf(node), `rm -rf ${shq(node.dataDir)}`, `removing the data of node ${node.id}`).then(() => undefined),
    },
    format: (node, clusterId, flags) => storage(node, { clusterId, flags }),
    meta: (node) => storage(node),
    async start(node: NodeRun) {
      const m = machineOf(node);
      const logDir = node.logFile.replace(/\/[^/]*$/, "");
      const env = `${javaEnv(m)}KAFKA_HEAP_OPTS=${shq(`-Xms${node.heap} -Xmx${node.heap}`)} KAFKA_OPTS=${shq(node.jvmOptions)} LOG_DIR=${shq(logDir)}`;
      // setsid: a session of its own, so the node outlives this SSH session; no stream left open on it.
      const pid = await run(
        m,
        // (Only the node in the background: a list there would keep a shell, and this session, open.)
        `mkdir -p ${shq(logDir)} && cd ${shq(node.dir)} || exit 1; ${env} setsid bash ${script(m, "kafka-server-start")} ${shq(node.configFile)} ` +
          `</dev/null >>${shq(node.logFile)} 2>&1 & echo $! > ${shq(node.pidFile)}; echo $!`,
        `starting node ${node.id}`,
      );
      return { ref: pid.trim() };
    },
    runs: (node, ref) => runs(node, ref),
    async running(node) {
      const pid = await recordedPid(node);
      return (await runs(node, pid)) ? pid : undefined;
    },
    storageName: (node) => `${node.machine}:${node.dataDir}`,
    async stop(node, timeoutMs, voters) {
      const m = machineOf(node);
      const pid = await recordedPid(node);
      const signal = (name: string) => exec(m, `kill -${name} ${shq(pid)} 2>/dev/null`).then(() => undefined);
      return stopWithDeadline({
        running: () => runs(node, pid),
        terminate: () => signal("TERM"),
        kill: () => signal("KILL"),
        quorumAlive: () => quorumAlive(voters),
        timeoutMs,
      });
    },
    log: async (node) => (await exec(machineOf(node), `tail -c ${LOG_END_BYTES} ${shq(node.logFile)} 2>/dev/null`)).stdout.toString("utf8"),
    async put(node, file, data, mode) {
      const m = machineOf(node);
      const octal = mode.toString(8);
      const hash = createHash("sha256").update(data).digest("hex");
      const f = shq(file);
      // Unless it holds `data` with `mode` already; written aside, then moved in place.
      await run(
        m,
        `if [ -f ${f} ] && [ "$(sha256sum < ${f} | cut -c1-64)" = ${hash} ] && [ "$(stat -c %a ${f})" = ${octal} ]; then cat >/dev/null; exit 0; fi; ` +
          `mkdir -p "$(dirname ${f})" && umask 077 && cat > ${f}.tmp && chmod ${octal} ${f}.tmp && mv -f ${f}.tmp ${f}`,
        `writing ${file}`,
        { stdin: data },
      );
    },
    async read(node, file) {
      const result = await exec(machineOf(node), `[ -f ${shq(file)} ] || exit 3; cat ${shq(file)}`);
      if (result.code === 3) return undefined;
      if (result.code !== 0) throw new Error(`reading ${file} on machine ${node.machine} failed: ${result.stderr}`);
      return result.stdout;
    },
    async remove(node) {
      await this.stop(node, 30_000, []);
      await run(machineOf(node), `rm -rf ${shq(node.dir)}`, `removing node ${node.id}`);
    },
    // The tools run here, with the release this machine has, against the nodes' listeners.
    tool: (name, args, timeoutMs) => kafkaTool(spec.kafkaHome, name, args, timeoutMs),
    problems: (lab) => machineProblems(spec, lab, factsOf),
    busyPorts(lab) {
      return machineBusyPorts(this, lab, factsOf);
    },
    nodesOnDisk: () => machineNodes(spec),
  };
}
