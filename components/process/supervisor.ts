// The running nodes of a cluster, as one resource: it starts the nodes that are not running, restarts
// those whose config changed one at a time behind health gates, writes the TLS files and has the
// nodes take them (a CA rotation in three phases), and drains and unregisters brokers that leave.
// Runs in the dynamic provider process (see resources.ts).
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { type Admin, electPreferredLeaders, partitionProblems, partitions, quorum, quorumProblems, tool, unregisterBroker, waitUntil } from "../ops/admin";
import type { QuorumState } from "../ops/clusterState";
import { drainPlan, reassign } from "../ops/reassign";
import { removalRefusals } from "../ops/removal";
import { brokerTlsListeners, type ListenerProtocols } from "../security/listeners";
import { recordedPid, runsWith, startDaemon, stopDaemon, waitReady } from "./daemon";
import { recordDrained } from "./drained";
import { type Handler, same } from "./handler";
import { fingerprint, type NodeRun, nodeAction, type RunningRecord, restartOrder, type TlsMaterial, tlsAction, trustBundles } from "./rollout";

export interface NodeProcessesInputs {
  kafkaHome: string;
  nodes: NodeRun[];
  /** The quorum's voters: a node stopping after its quorum is gone is killed sooner (see stopDaemon). */
  voters: { id: number; host: string; port: number }[];
  admin: Admin;
  /**
   * The protocol of each listener: broker TLS listeners reload their files in place, a TLS CONTROLLER
   * listener needs restarts (see tlsAction), and a protocol that changes restarts every node at once.
   */
  protocols: ListenerProtocols;
  /** The CA bundle and keystores, with security (secret: the keystores hold private keys). */
  tls?: TlsMaterial;
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
  return { ...record, alive: runsWith(record.pid, node.configFile) };
}

const fileHash = (file: string | undefined) => (file && fs.existsSync(file) ? fingerprint(fs.readFileSync(file, "latin1")) : "");

/** Records what the node runs with: its config, and the keystore and bundle now on disk (what it loaded). */
async function writeRunning(node: NodeRun, pid: number, tls: TlsMaterial | undefined): Promise<void> {
  const record: Omit<RunningRecord, "alive"> = {
    pid,
    configHash: node.configHash,
    keystoreHash: fileHash(tls?.keystores[String(node.id)]?.file),
    trustHash: fileHash(tls?.caFile),
  };
  await fsp.writeFile(path.join(node.dir, RUNNING), `${JSON.stringify(record)}\n`);
}

const pidOf = (node: Pick<NodeRun, "dir" | "configFile">) => {
  const running = readRunning(node);
  return running?.alive ? running.pid : 0;
};
const pidsOf = (nodes: NodeRun[]) => Object.fromEntries(nodes.map((n) => [String(n.id), pidOf(n)]));

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
  await writeRunning(node, pid, inputs.tls);
}

const stopNode = (node: Pick<NodeRun, "dir" | "configFile" | "pidFile">, inputs: Pick<NodeProcessesInputs, "stopTimeoutMs" | "voters">) =>
  stopDaemon(readRunning(node)?.pid || recordedPid(node.pidFile), node.configFile, inputs.stopTimeoutMs, inputs.voters);

/** Every partition led and fully replicated, and for a controller, the quorum caught up. */
function healthy(inputs: NodeProcessesInputs, withQuorum: boolean, seen?: { quorum?: QuorumState }) {
  return async () => {
    const [all, q] = await Promise.all([partitions(inputs.admin), withQuorum ? quorum(inputs.admin) : undefined]);
    if (seen && q) seen.quorum = q;
    return [
      ...partitionProblems(all),
      ...(q
        ? quorumProblems(
            q,
            inputs.voters.map((v) => v.id),
          )
        : []),
    ];
  };
}

/** Reloads the node's keystore and truststore on its TLS broker listeners (KIP-226), without a restart. */
async function reloadTls(node: NodeRun, inputs: NodeProcessesInputs, tls: TlsMaterial): Promise<void> {
  const keystore = tls.keystores[String(node.id)].file;
  const configs = brokerTlsListeners(inputs.protocols).flatMap((listener) => [
    `listener.name.${listener}.ssl.keystore.location=${keystore}`,
    `listener.name.${listener}.ssl.truststore.location=${tls.caFile}`,
  ]);
  await tool(inputs.admin, "kafka-configs", ["--entity-type", "brokers", "--entity-name", String(node.id), "--alter", "--add-config", configs.join(",")]);
  await writeRunning(node, pidOf(node), tls);
}

/** Writes `content` (base64 for keystores) with exactly `mode`, unless the file already holds it. */
async function writeTlsFile(file: string, content: string, encoding: "utf8" | "base64", mode: number): Promise<void> {
  const data = Buffer.from(content, encoding);
  if (fs.existsSync(file) && fs.readFileSync(file).equals(data)) return;
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await fsp.writeFile(file, data, { mode });
  await fsp.chmod(file, mode);
}

/** Has every running node take the TLS files now on disk: brokers reload them, the others roll. */
async function takeTls(nodes: NodeRun[], inputs: NodeProcessesInputs, tls: TlsMaterial): Promise<void> {
  const wanted = (n: NodeRun) => ({ keystoreHash: fileHash(tls.keystores[String(n.id)]?.file), trustHash: fileHash(tls.caFile) });
  const loaded = (n: NodeRun) => readRunning(n) ?? { keystoreHash: "", trustHash: "" };
  const action = (n: NodeRun) => tlsAction(n.roles, loaded(n), wanted(n), inputs.protocols.controller);
  for (const node of nodes.filter((n) => action(n) === "reload")) await reloadTls(node, inputs, tls);
  await rollingRestart(
    nodes.filter((n) => action(n) === "restart"),
    inputs,
  );
}

/**
 * Brings the TLS files to `tls` with the running nodes following each step: the trust bundle first
 * (old + new CA during a rotation), then the node keystores, then the bundle of the new CA alone.
 * Each step is taken by every node before the next is written, so no node ever serves a certificate
 * another does not trust; `stopAfter` pauses a rotation between steps.
 */
async function rotateTls(nodes: NodeRun[], inputs: NodeProcessesInputs, tls: TlsMaterial): Promise<void> {
  const onDisk = fs.existsSync(tls.caFile) ? fs.readFileSync(tls.caFile, "utf8") : undefined;
  const bundles = trustBundles(onDisk, tls);
  const rotating = bundles.first !== bundles.final;
  await writeTlsFile(tls.caFile, bundles.first, "utf8", 0o644);
  await takeTls(nodes, inputs, tls);
  if (rotating && tls.stopAfter === "trust") return;
  for (const [, keystore] of Object.entries(tls.keystores)) await writeTlsFile(keystore.file, keystore.content, "base64", 0o600);
  await takeTls(nodes, inputs, tls);
  if (rotating && tls.stopAfter === "reissue") return;
  await writeTlsFile(tls.caFile, bundles.final, "utf8", 0o644);
  await takeTls(nodes, inputs, tls);
}

/**
 * One node after another: SIGTERM (controlled shutdown), started, then healthy again before the next;
 * the active controller last. The cluster must be healthy before the first: the check after each node
 * is the check before the next.
 */
async function rollingRestart(nodes: NodeRun[], inputs: NodeProcessesInputs): Promise<void> {
  if (nodes.length === 0) return;
  const anyController = nodes.some((n) => n.roles.includes("controller"));
  // The first gate asks the quorum anyway: its answer names the active controller (restarted last).
  const seen: { quorum?: QuorumState } = {};
  await waitUntil("before the rolling restart", inputs.gateTimeoutMs, healthy(inputs, true, seen));
  for (const id of restartOrder(nodes, seen.quorum?.leaderId ?? -1)) {
    const node = nodes.find((n) => n.id === id) as NodeRun;
    await stopNode(node, inputs);
    await startNode(node, inputs);
    await waitUntil(`after restarting node ${id}`, inputs.gateTimeoutMs, healthy(inputs, anyController));
  }
  await electPreferredLeaders(inputs.admin);
}

/** Refuses, before anything is touched, to remove a controller or a broker that still holds replicas. */
async function checkRemovals(removed: NodeRun[], inputs: NodeProcessesInputs): Promise<void> {
  if (removed.length === 0) return;
  const all = removed.every((n) => n.roles.includes("controller")) ? [] : await partitions(inputs.admin);
  const refusals = removalRefusals(removed, inputs.drain, all);
  if (refusals.length > 0) throw new Error(refusals.join("\n"));
}

/** Moves a leaving broker's replicas to the remaining brokers, stops it and unregisters it. */
async function removeBroker(node: NodeRun, remaining: number[], inputs: NodeProcessesInputs): Promise<void> {
  const plan = drainPlan(await partitions(inputs.admin), node.id, remaining);
  await reassign(inputs.admin, plan, { workDir: node.dir, throttleBytesPerSecond: inputs.throttleBytesPerSecond, timeoutMs: inputs.gateTimeoutMs });
  await stopNode(node, inputs);
  await unregisterBroker(inputs.admin, node.id);
  recordDrained(path.dirname(node.dir), node.id);
}

async function converge(olds: NodeProcessesInputs | undefined, inputs: NodeProcessesInputs): Promise<NodeProcessesOutputs> {
  const removed = (olds?.nodes ?? []).filter((old) => !inputs.nodes.some((n) => n.id === old.id));
  await checkRemovals(removed, inputs);
  const { tls } = inputs;
  const toStart = inputs.nodes.filter((n) => nodeAction(n, readRunning(n)) === "start");
  // A listener that changes protocol cannot roll (nodes on both sides of it could not talk): every
  // node restarts at once, as at creation. New or dead nodes start together too.
  const restartAll = olds && !same(olds.protocols, inputs.protocols) ? inputs.nodes.filter((n) => !toStart.includes(n)) : [];
  if (tls) {
    // A node about to start needs its files (on a new lab, the whole material at once); files already
    // there are replaced by rotateTls, in an order the running nodes can follow.
    if (!fs.existsSync(tls.caFile)) await writeTlsFile(tls.caFile, trustBundles(undefined, tls).final, "utf8", 0o644);
    for (const node of [...toStart, ...restartAll]) {
      const keystore = tls.keystores[String(node.id)];
      if (!fs.existsSync(keystore.file)) await writeTlsFile(keystore.file, keystore.content, "base64", 0o600);
    }
  }
  await Promise.all(restartAll.map((n) => stopNode(n, inputs)));
  const started = await Promise.allSettled([...toStart, ...restartAll].map((n) => startNode(n, inputs)));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    if (!olds) await Promise.all(inputs.nodes.map((n) => stopNode(n, inputs))); // a failed create leaves nothing running
    throw failed.reason;
  }
  if (tls) await rotateTls(inputs.nodes, inputs, tls);
  await rollingRestart(
    inputs.nodes.filter((n) => nodeAction(n, readRunning(n)) === "restart"),
    inputs,
  );
  const brokers = inputs.nodes.filter((n) => n.roles.includes("broker")).map((n) => n.id);
  for (const node of removed) {
    await removeBroker(node, brokers, inputs);
    const keystore = olds?.tls?.keystores[String(node.id)]?.file;
    if (keystore) await fsp.rm(keystore, { force: true });
  }
  return { ...inputs, pids: pidsOf(inputs.nodes) };
}

/** Whether the TLS files on disk, or what a node loaded, differ from `tls`. */
function tlsPending(nodes: NodeRun[], tls: TlsMaterial | undefined): boolean {
  if (!tls) return false;
  const bundle = trustBundles(fs.existsSync(tls.caFile) ? fs.readFileSync(tls.caFile, "utf8") : undefined, tls).final;
  const trustHash = fingerprint(bundle);
  return nodes.some((n) => {
    const keystoreHash = fingerprint(Buffer.from(tls.keystores[String(n.id)].content, "base64").toString("latin1"));
    const r = readRunning(n);
    return r?.keystoreHash !== keystoreHash || r?.trustHash !== trustHash;
  });
}

export const nodeProcesses: Handler = {
  async create(inputs: NodeProcessesInputs) {
    return { id: "nodes", outs: await converge(undefined, inputs) };
  },
  async diff(_id, olds: NodeProcessesOutputs, news: NodeProcessesInputs) {
    const removed = olds.nodes.some((old) => !news.nodes.some((n) => n.id === old.id));
    const pending = news.nodes.some((n) => nodeAction(n, readRunning(n)) !== "keep") || tlsPending(news.nodes, news.tls);
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
    return { id, props: { ...olds, pids: pidsOf(olds.nodes) } };
  },
};
