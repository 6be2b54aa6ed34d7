// The running nodes of a cluster, as one resource: it starts the nodes that are not running, reloads
// or restarts those whose config or TLS material changed, one at a time behind health gates, and
// drains and unregisters brokers that leave. Runs in the dynamic provider process (see resources.ts).
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { electPreferredLeaders, partitionProblems, partitions, quorum, quorumProblems, tool, unregisterBroker, waitUntil, type Admin } from "../ops/admin";
import { drainPlan, reassign } from "../ops/reassign";
import { isNodeProcess, recordedPid, startDaemon, stopDaemon, waitReady } from "./daemon";
import type { Handler } from "./handler";
import { nodeAction, restartOrder, type NodeRun, type RunningRecord } from "./rollout";

export interface NodeProcessesInputs {
  kafkaHome: string;
  nodes: NodeRun[];
  /** The quorum's voters: a node stopping after its quorum is gone is killed sooner (see stopDaemon). */
  voters: { id: number; host: string; port: number }[];
  admin: Admin;
  /** Lower-case names of the broker listeners that use TLS (reloaded in place). */
  tlsListeners: string[];
  /** Whether the CONTROLLER listener uses TLS (its material changes need a restart). */
  controllerTls: boolean;
  /** Brokers that may leave the cluster after their replicas are moved away. */
  drain: number[];
  throttleBytesPerSecond: number;
  readyTimeoutMs: number;
  stopTimeoutMs: number;
  /** How long a health gate of the rolling restart may wait. */
  gateTimeoutMs: number;
}
export interface NodeProcessesOutputs extends NodeProcessesInputs {
  /** Node id → pid (0 when not running). */
  pids: Record<string, number>;
}

const RUNNING = "running.json";

export function readRunning(node: Pick<NodeRun, "dir" | "configFile">): RunningRecord | undefined {
  const file = path.join(node.dir, RUNNING);
  if (!fs.existsSync(file)) return undefined;
  const record = JSON.parse(fs.readFileSync(file, "utf8")) as Omit<RunningRecord, "alive">;
  return { ...record, alive: isNodeProcess(record.pid, node.configFile) };
}

async function writeRunning(node: NodeRun, pid: number): Promise<void> {
  const record: Omit<RunningRecord, "alive"> = { pid, configHash: node.configHash, tlsHash: node.tlsHash };
  await fsp.writeFile(path.join(node.dir, RUNNING), `${JSON.stringify(record)}\n`);
}

const pidOf = (node: Pick<NodeRun, "dir" | "configFile">) => {
  const running = readRunning(node);
  return running?.alive ? running.pid : 0;
};

async function startNode(node: NodeRun, inputs: NodeProcessesInputs): Promise<void> {
  // A process left by an earlier attempt that failed is not what state knows: stop it, or it holds the ports.
  await stopDaemon(recordedPid(node.pidFile), node.configFile, inputs.stopTimeoutMs);
  const spec = { ...node, nodeId: node.id, kafkaHome: inputs.kafkaHome };
  const { pid, logOffset } = await startDaemon(spec);
  try {
    await waitReady(spec, pid, logOffset, inputs.readyTimeoutMs);
  } catch (err) {
    // Not ready means not started: stop it so that no process outlives what state knows of.
    await stopDaemon(pid, node.configFile, inputs.stopTimeoutMs);
    throw err;
  }
  await writeRunning(node, pid);
}

const stopNode = (node: Pick<NodeRun, "dir" | "configFile" | "pidFile">, inputs: Pick<NodeProcessesInputs, "stopTimeoutMs" | "voters">) =>
  stopDaemon(readRunning(node)?.pid || recordedPid(node.pidFile), node.configFile, inputs.stopTimeoutMs, inputs.voters);

/** Every partition led and fully replicated, and for a controller, the quorum caught up. */
function healthy(inputs: NodeProcessesInputs, withQuorum: boolean) {
  return async () => {
    const problems = partitionProblems(await partitions(inputs.admin));
    if (withQuorum) problems.push(...quorumProblems(await quorum(inputs.admin), inputs.voters.map((v) => v.id)));
    return problems;
  };
}

/** Reloads the node's keystore and truststore on its TLS broker listeners (KIP-226), without a restart. */
async function reloadTls(node: NodeRun, inputs: NodeProcessesInputs): Promise<void> {
  const configs = inputs.tlsListeners.flatMap((listener) => [
    `listener.name.${listener}.ssl.keystore.location=${node.keystoreFile}`,
    `listener.name.${listener}.ssl.truststore.location=${node.truststoreFile}`,
  ]);
  await tool(inputs.admin, "kafka-configs", ["--entity-type", "brokers", "--entity-name", String(node.id), "--alter", "--add-config", configs.join(",")]);
  await writeRunning(node, pidOf(node));
}

/**
 * One node after another: SIGTERM (controlled shutdown), started, then healthy again before the next;
 * the active controller last. The cluster must be healthy before the first: the check after each node
 * is the check before the next.
 */
async function rollingRestart(nodes: NodeRun[], inputs: NodeProcessesInputs): Promise<void> {
  if (nodes.length === 0) return;
  const anyController = nodes.some((n) => n.roles.includes("controller"));
  await waitUntil("before the rolling restart", inputs.gateTimeoutMs, healthy(inputs, anyController));
  const active = (await quorum(inputs.admin)).leaderId;
  for (const id of restartOrder(nodes, active)) {
    const node = nodes.find((n) => n.id === id) as NodeRun;
    await stopNode(node, inputs);
    await startNode(node, inputs);
    await waitUntil(`after restarting node ${id}`, inputs.gateTimeoutMs, healthy(inputs, anyController));
  }
  await electPreferredLeaders(inputs.admin);
}

/** Refuses, before anything is touched, to remove a controller or a broker that still holds replicas. */
async function checkRemovals(removed: NodeRun[], inputs: NodeProcessesInputs): Promise<void> {
  for (const node of removed.filter((n) => n.roles.includes("controller"))) {
    throw new Error(`node ${node.id} is a controller: kraftlab's quorum is static, so a controller cannot leave it; put node ${node.id} back in kraftlab:nodes`);
  }
  if (removed.length === 0) return;
  const all = await partitions(inputs.admin);
  for (const node of removed.filter((n) => !inputs.drain.includes(n.id))) {
    const held = all.filter((p) => p.replicas.includes(node.id));
    if (held.length > 0) {
      throw new Error(
        `broker ${node.id} still holds ${held.length} replica(s) (${held.slice(0, 5).map((p) => `${p.topic}-${p.partition}`).join(", ")}…); ` +
          `add ${node.id} to kraftlab:drainBrokers to move them away first, or put node ${node.id} back in kraftlab:nodes`,
      );
    }
  }
}

/** Moves a leaving broker's replicas to the remaining brokers, stops it and unregisters it. */
async function removeBroker(node: NodeRun, remaining: number[], inputs: NodeProcessesInputs): Promise<void> {
  const plan = drainPlan(await partitions(inputs.admin), node.id, remaining);
  await reassign(inputs.admin, plan, { workDir: node.dir, throttleBytesPerSecond: inputs.throttleBytesPerSecond, timeoutMs: inputs.gateTimeoutMs });
  await stopNode(node, inputs);
  await unregisterBroker(inputs.admin, node.id);
}

async function converge(olds: NodeProcessesInputs | undefined, inputs: NodeProcessesInputs): Promise<NodeProcessesOutputs> {
  const removed = (olds?.nodes ?? []).filter((old) => !inputs.nodes.some((n) => n.id === old.id));
  await checkRemovals(removed, inputs);
  const actions = new Map(inputs.nodes.map((n) => [n.id, nodeAction(n, readRunning(n), inputs.controllerTls)]));
  const withAction = (a: string) => inputs.nodes.filter((n) => actions.get(n.id) === a);

  // New or dead nodes start together: a new cluster needs its quorum up at once.
  const started = await Promise.allSettled(withAction("start").map((n) => startNode(n, inputs)));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    if (!olds) await Promise.all(inputs.nodes.map((n) => stopNode(n, inputs))); // a failed create leaves nothing running
    throw failed.reason;
  }
  for (const node of withAction("reload")) await reloadTls(node, inputs);
  await rollingRestart(withAction("restart"), inputs);
  const brokers = inputs.nodes.filter((n) => n.roles.includes("broker")).map((n) => n.id);
  for (const node of removed) await removeBroker(node, brokers, inputs);
  return { ...inputs, pids: Object.fromEntries(inputs.nodes.map((n) => [String(n.id), pidOf(n)])) };
}

export const nodeProcesses: Handler = {
  async create(inputs: NodeProcessesInputs) {
    return { id: "nodes", outs: await converge(undefined, inputs) };
  },
  async diff(_id, olds: NodeProcessesOutputs, news: NodeProcessesInputs) {
    const removed = olds.nodes.some((old) => !news.nodes.some((n) => n.id === old.id));
    const pending = news.nodes.some((n) => nodeAction(n, readRunning(n), news.controllerTls) !== "keep");
    const pidsMoved = news.nodes.some((n) => (olds.pids[String(n.id)] ?? 0) !== pidOf(n));
    return { changes: removed || pending || pidsMoved };
  },
  async update(_id, olds: NodeProcessesOutputs, news: NodeProcessesInputs) {
    return { outs: await converge(olds, news) };
  },
  async delete(_id, olds: NodeProcessesOutputs) {
    await Promise.all(olds.nodes.map((n) => stopNode(n, olds)));
  },
  async read(id, olds: NodeProcessesOutputs) {
    // A dead node reads back with pid 0, so the next `up` starts it again.
    return { id, props: { ...olds, pids: Object.fromEntries(olds.nodes.map((n) => [String(n.id), pidOf(n)])) } };
  },
};
