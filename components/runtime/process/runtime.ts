// The process runtime: each node a local JVM started from the Kafka distribution at `kafkaHome`,
// detached so it outlives `pulumi up` (see host/daemon.ts); tools run from the same distribution.
import * as fsp from "node:fs/promises";
import { isAlive, readLogEnd, recordedPid, runsWith, signal, startDaemon, stopDaemon } from "../../host/daemon";
import { putFile, readIfExists } from "../../host/files";
import { hostBindProblems } from "../../host/thisMachine";
import { kafkaTool } from "../kafkaTool";
import { localBusyPorts, nodesOnDisk } from "../localChecks";
import type { NodeRef, Runtime } from "../runtime";
import type { ProcessSpec } from "../spec";
import { readMeta } from "../storageMeta";

/** The node's own process (its JVM: the start script execs java), signalled; nothing when it does not run. */
function signalNode(node: NodeRef, sig: NodeJS.Signals): void {
  const pid = recordedPid(node.pidFile);
  if (runsWith(pid, node.configFile)) signal(pid, sig);
}

export function processRuntime(spec: ProcessSpec): Runtime {
  const pidOf = (node: NodeRef) => recordedPid(node.pidFile);
  return {
    kind: "process",
    faults: {
      kill: async (node) => signalNode(node, "SIGKILL"),
      freeze: async (node) => signalNode(node, "SIGSTOP"),
      thaw: async (node) => signalNode(node, "SIGCONT"),
      isolation: {
        unavailable:
          "nodes that are processes share this machine's network, so one cannot be cut off the others; run the lab on Docker (kraftlab:runtime: docker) or on machines over SSH",
      },
      wipe: (node) => fsp.rm(node.dataDir, { recursive: true, force: true }),
    },
    async format(node, clusterId, flags) {
      const meta = readMeta(node.dataDir);
      if (!meta) await kafkaTool(spec.kafkaHome, "kafka-storage", ["format", "--config", node.configFile, "--cluster-id", clusterId, ...flags]);
      return meta;
    },
    meta: async (node) => readMeta(node.dataDir),
    async start(node) {
      const { pid } = await startDaemon({ ...node, kafkaHome: spec.kafkaHome });
      return { ref: String(pid) };
    },
    // While it starts, the command line changes as the scripts exec java: our own child counts by pid.
    runs: async (node, ref) => runsWith(Number(ref), node.configFile) || (Number(ref) === pidOf(node) && isAlive(Number(ref))),
    running: async (node) => (runsWith(pidOf(node), node.configFile) ? String(pidOf(node)) : undefined),
    storageName: (node) => node.dataDir,
    stop: (node, timeoutMs, voters) => stopDaemon(pidOf(node), node.configFile, timeoutMs, voters),
    log: async (node) => readLogEnd(node.logFile),
    put: (_node, file, data, mode) => putFile(file, data, mode),
    read: (_node, file) => readIfExists(file),
    async remove(node) {
      await this.stop(node, 30_000, []);
      await fsp.rm(node.dir, { recursive: true, force: true });
    },
    tool: (name, args, timeoutMs) => kafkaTool(spec.kafkaHome, name, args, timeoutMs),
    problems: (lab) => hostBindProblems(lab.host),
    busyPorts(lab) {
      return localBusyPorts(this, lab);
    },
    nodesOnDisk: async (labDir) => nodesOnDisk(labDir),
  };
}
