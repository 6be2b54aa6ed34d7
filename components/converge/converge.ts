// The running nodes of a cluster, as one resource: it starts the nodes that are not running, restarts
// those whose config changed one at a time behind health gates, writes the TLS files and has the
// nodes take them (a CA rotation in three phases), and drains and unregisters brokers that leave.
// Runs in the dynamic provider process (see resources.ts).
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import type { ClusterClient } from "../client/cluster";
import { type Admin, clientFor } from "../client/connect";
import { putFile, readIfExists } from "../host/files";
import { fatalCause, lastLines } from "../host/kafkaLog";
import { fingerprint } from "../model/fingerprint";
import { quorumState, quorumStatus } from "../ops/clusterState";
import {
  brokerStopProblems,
  controllerStopProblems,
  metadataLagProblems,
  partitionList,
  partitionProblems,
  quorumProblems,
  quorumUnprotectable,
  readyProblems,
  unprotectable,
} from "../ops/gates";
import { drainPlan, reassign } from "../ops/reassign";
import { removalRefusals } from "../ops/removal";
import { waitUntil } from "../ops/wait";
import { type Handler, same } from "../provider/handler";
import { plan, progress } from "../provider/progress";
import { addController, removeController, upgradeFeature, waitCaughtUp } from "../quorum/admin";
import type { QuorumStatus } from "../quorum/outputs";
import { controllerIds, type FormatContext, formatFlags, shrinkRefusals, voterChanges, votersToCheck } from "../quorum/plan";
import type { QuorumMode } from "../quorum/schema";
import type { NodeRef, NodeRun, Runtime } from "../runtime/runtime";
import { runtimeFor } from "../runtime/select";
import { type RuntimeSpec, stateRuntime, updateRuntime } from "../runtime/spec";
import { brokerTlsListeners, type ListenerProtocols } from "../security/listeners";
import { recordDrained } from "../store/drained";
import { withLease } from "../store/lease";
import { downgradeRefusal, featureUpgrades, mappingRelease, mixedVersionRefusal, parseVersionMapping } from "../versions/plan";
import type { FeaturesConfig } from "../versions/schema";
import { previewLines } from "./preview";
import { nodeAction, type RunningRecord, reconfiguration, restartOrder, type TlsMaterial, tlsAction, trustBundles } from "./rollout";
import { ensureFormatted } from "./storage";

export interface NodeProcessesInputs {
  /** Where the nodes run (process, Docker or machines over SSH). */
  runtime: RuntimeSpec;
  /** The lab directory on this machine (absent in states from before it was an input: the nodes' parent). */
  labDir?: string;
  nodes: NodeRun[];
  /** What a node's storage is formatted for before it first starts. */
  clusterId: string;
  /** Dynamic or static, and the `--initial-controllers` of a dynamic lab (quorum/plan.ts). */
  quorum: { mode: QuorumMode; initialControllers: string };
  /** The release the nodes run: a node on another rolls onto it, unless the cluster finalized a newer one. */
  kafkaVersion: string;
  /** Features to finalize once every node runs kafkaVersion (versions/plan.ts). */
  features?: FeaturesConfig;
  /** The quorum's voters: a node stopping after its quorum is gone is killed sooner (see stopWithDeadline). */
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
  /** Node id → what runs as it: a pid or a container id ("" when nothing runs). */
  running: Record<string, string>;
  /** The quorum as the cluster last said it: voters (with directory ids and endpoints) and observers. */
  quorumStatus?: QuorumStatus;
  /** Finalized feature levels, by name. */
  finalized?: Record<string, string>;
  /** Node id → the release it runs ("" when not running). */
  versions?: Record<string, string>;
}

/** What the previous `up` left: its inputs, and (in states since the quorum outputs) what it read of the quorum. */
type Previous = NodeProcessesInputs & Partial<Pick<NodeProcessesOutputs, "quorumStatus" | "finalized">>;

/**
 * What a node was last started with lives beside it (`running.json` in its directory, where it runs),
 * written and read through the runtime: Pulumi writes nothing for a step still in flight, so an
 * interrupted run resumes from it.
 */
const runningFile = (node: NodeRef) => path.join(node.dir, "running.json");

/** What the node was last started with, running or not; undefined before its first start. */
export async function readRecord(rt: Runtime, node: NodeRef): Promise<Omit<RunningRecord, "alive"> | undefined> {
  const data = await rt.read(node, runningFile(node));
  if (!data) return undefined;
  // Records of kraftlab before the runtime seam hold a pid.
  const record = JSON.parse(data.toString("utf8")) as Omit<RunningRecord, "alive"> & { pid?: number };
  return { ...record, ref: record.ref ?? String(record.pid ?? "") };
}

/** What the node was started with, and whether that still runs. */
export async function readRunning(rt: Runtime, node: NodeRun): Promise<RunningRecord | undefined> {
  const record = await readRecord(rt, node);
  return record && { ...record, alive: record.ref !== "" && (await rt.runs(node, record.ref)) };
}

/** Where the node reads its trust bundle: the lab's, or a copy beside it on a machine of its own. */
const trustFileOf = (tls: TlsMaterial, node: NodeRef) => tls.keystores[String(node.id)]?.trustFile ?? tls.caFile;

/** The fingerprint of a node's file where it runs ("" when there is none). */
const placedHash = async (rt: Runtime, node: NodeRef, file: string | undefined) => {
  const data = file ? await rt.read(node, file) : undefined;
  return data ? fingerprint(data.toString("latin1")) : "";
};

/** Records what the node runs with: its config, and the keystore and bundle now beside it (what it loaded). */
async function writeRunning(rt: Runtime, node: NodeRun, ref: string, tls: TlsMaterial | undefined): Promise<void> {
  const record: Omit<RunningRecord, "alive"> = {
    ref,
    configHash: node.configHash,
    staticHash: node.staticHash,
    tunables: node.tunables,
    version: node.version,
    keystoreHash: await placedHash(rt, node, tls?.keystores[String(node.id)]?.file),
    trustHash: tls ? await placedHash(rt, node, trustFileOf(tls, node)) : "",
  };
  await rt.put(node, runningFile(node), Buffer.from(`${JSON.stringify(record)}\n`), 0o644);
}

const refOf = async (rt: Runtime, node: NodeRun) => {
  const running = await readRunning(rt, node);
  return running?.alive ? running.ref : "";
};
/** Node id → what runs as it, and the release it runs ("" for both when it does not run): one read of each node. */
async function runningOf(rt: Runtime, nodes: NodeRun[]): Promise<{ running: Record<string, string>; versions: Record<string, string> }> {
  const records = await Promise.all(nodes.map((n) => readRunning(rt, n)));
  const of = (pick: (r: RunningRecord) => string) => Object.fromEntries(nodes.map((n, i) => [String(n.id), records[i]?.alive ? pick(records[i]) : ""]));
  return { running: of((r) => r.ref), versions: of((r) => r.version ?? "") };
}

/**
 * Waits until the node is ready by the cluster's own answer: a broker registered and unfenced, a
 * controller caught up with the quorum leader. Fails at once if it stops running, with its log's end.
 */
async function waitNodeReady(rt: Runtime, client: ClusterClient, node: NodeRun, ref: string, timeoutMs: number): Promise<void> {
  let exited = false;
  const directoryId = node.roles.includes("controller") ? (await rt.meta(node))?.directoryId : undefined;
  try {
    await waitUntil(`node ${node.id} was not ready`, timeoutMs, async () => {
      if (!(await rt.runs(node, ref))) {
        exited = true;
        return [];
      }
      const [cluster, q] = await Promise.all([
        node.roles.includes("broker") ? client.brokers() : undefined,
        node.roles.includes("controller") ? client.quorum().then(quorumState) : undefined,
      ]);
      return readyProblems(node.id, node.roles, cluster?.brokers, q, directoryId);
    });
  } catch (err) {
    throw new Error(
      `${(err as Error).message}; raise kraftlab:readyTimeoutSeconds if the machine is slow. The end of ${node.logFile}:\n${lastLines(await rt.log(node))}`,
    );
  }
  if (exited) {
    const log = await rt.log(node);
    const cause = fatalCause(log);
    throw new Error(
      cause
        ? `node ${node.id} exited while starting: ${cause}; its log: ${node.logFile}`
        : `node ${node.id} exited while starting; the end of ${node.logFile}:\n${lastLines(log)}`,
    );
  }
}

async function startNode(rt: Runtime, client: ClusterClient, node: NodeRun, inputs: NodeProcessesInputs): Promise<void> {
  // What an earlier attempt that failed left running is not what state knows: stop it, or it holds the ports.
  await rt.stop(node, inputs.stopTimeoutMs, []);
  const { ref } = await rt.start(node);
  try {
    await waitNodeReady(rt, client, node, ref, inputs.readyTimeoutMs);
  } catch (err) {
    // Not ready means not started: stop it so that nothing runs beyond what state knows of.
    await rt.stop(node, inputs.stopTimeoutMs, []);
    throw err;
  }
  await writeRunning(rt, node, ref, inputs.tls);
}

const stopNode = (rt: Runtime, node: NodeRun, inputs: Pick<NodeProcessesInputs, "stopTimeoutMs" | "voters">) =>
  rt.stop(node, inputs.stopTimeoutMs, inputs.voters);

/** Every partition led and fully replicated, and the voters caught up. */
function healthy(client: ClusterClient, inputs: NodeProcessesInputs) {
  return async () => {
    const [all, q] = await Promise.all([client.partitions(), client.quorum().then(quorumState)]);
    return [
      ...partitionProblems(all),
      ...quorumProblems(
        q,
        inputs.voters.map((v) => v.id),
      ),
    ];
  };
}

/** Why `node` may not stop now (Strimzi's rules): a broker's partitions would fall below min ISR, a controller's quorum below a caught-up majority. */
async function stopProblems(client: ClusterClient, node: NodeRun): Promise<string[]> {
  const [all, q] = await Promise.all([
    node.roles.includes("broker") ? client.partitions() : undefined,
    node.roles.includes("controller") ? client.quorum().then(quorumState) : undefined,
  ]);
  return [...(all ? brokerStopProblems(all, node.id) : []), ...(q ? controllerStopProblems(q, node.id) : [])];
}

/** Reloads the node's keystore and truststore on its TLS broker listeners (KIP-226), without a restart. */
async function reloadTls(rt: Runtime, client: ClusterClient, node: NodeRun, inputs: NodeProcessesInputs, tls: TlsMaterial): Promise<void> {
  const keystore = tls.keystores[String(node.id)].file;
  const configs = Object.fromEntries(
    brokerTlsListeners(inputs.protocols).flatMap((listener) => [
      [`listener.name.${listener}.ssl.keystore.location`, keystore],
      [`listener.name.${listener}.ssl.truststore.location`, tls.caFile],
    ]),
  );
  await client.alterConfigs({ type: "broker", name: String(node.id) }, configs, []);
  await writeRunning(rt, node, await refOf(rt, node), tls);
}

/**
 * Writes the lab's trust bundle: here for the clients (caFile), and beside every node that reads a
 * copy of its own (on a machine of its own).
 */
async function writeTrust(rt: Runtime, nodes: NodeRun[], tls: TlsMaterial, bundle: string): Promise<void> {
  const data = Buffer.from(bundle, "utf8");
  await putFile(tls.caFile, data, 0o644);
  await Promise.all(nodes.filter((n) => trustFileOf(tls, n) !== tls.caFile).map((n) => rt.put(n, trustFileOf(tls, n), data, 0o644)));
}

/** Writes node `node`'s keystore where it reads it. */
const writeKeystore = (rt: Runtime, node: NodeRef, tls: TlsMaterial) => {
  const keystore = tls.keystores[String(node.id)];
  return rt.put(node, keystore.file, Buffer.from(keystore.content, "base64"), 0o600);
};

/** Has every running node take the TLS files now beside it: brokers reload them, the others roll. */
async function takeTls(rt: Runtime, client: ClusterClient, nodes: NodeRun[], inputs: NodeProcessesInputs, tls: TlsMaterial, phase: string): Promise<void> {
  const wanted = async (n: NodeRun) => ({
    keystoreHash: await placedHash(rt, n, tls.keystores[String(n.id)]?.file),
    trustHash: await placedHash(rt, n, trustFileOf(tls, n)),
  });
  const actions = await Promise.all(
    nodes.map(async (n) => tlsAction(n.roles, (await readRunning(rt, n)) ?? { keystoreHash: "", trustHash: "" }, await wanted(n), inputs.protocols.controller)),
  );
  const reloads = nodes.filter((_, i) => actions[i] === "reload");
  const restarts = nodes.filter((_, i) => actions[i] === "restart");
  const what = [
    ...(reloads.length ? [`node(s) ${reloads.map((n) => n.id).join(", ")} reload in place`] : []),
    ...(restarts.length ? [`node(s) ${restarts.map((n) => n.id).join(", ")} restart`] : []),
  ];
  if (what.length > 0) progress(`${phase}: ${what.join(", ")}`);
  for (const node of reloads) await reloadTls(rt, client, node, inputs, tls);
  await rollingRestart(rt, client, restarts, inputs);
}

/**
 * Brings the TLS files to `tls` with the running nodes following each step: the trust bundle first
 * (old + new CA during a rotation), then the node keystores, then the bundle of the new CA alone.
 * Each step is taken by every node before the next is written, so no node ever serves a certificate
 * another does not trust; `stopAfter` pauses a rotation between steps.
 */
async function rotateTls(rt: Runtime, client: ClusterClient, nodes: NodeRun[], inputs: NodeProcessesInputs, tls: TlsMaterial): Promise<void> {
  // The clients' bundle here says which phase the lab is in: the nodes' copies follow it.
  const onDisk = (await readIfExists(tls.caFile))?.toString("utf8");
  const bundles = trustBundles(onDisk, tls);
  const rotating = bundles.first !== bundles.final;
  const phase = (n: number, what: string) => (rotating ? `CA rotation, phase ${n} of 3 (${what})` : "certificates");
  await writeTrust(rt, nodes, tls, bundles.first);
  await takeTls(rt, client, nodes, inputs, tls, phase(1, "trust the old and the new CA"));
  if (rotating && tls.stopAfter === "trust") return;
  await Promise.all(nodes.map((n) => writeKeystore(rt, n, tls)));
  await takeTls(rt, client, nodes, inputs, tls, phase(2, "certificates from the new CA"));
  if (rotating && tls.stopAfter === "reissue") return;
  await writeTrust(rt, nodes, tls, bundles.final);
  await takeTls(rt, client, nodes, inputs, tls, phase(3, "trust the new CA alone"));
}

/**
 * One node after another, brokers first and the active controller last: each stops only when the
 * cluster can spare it (stopProblems), then starts and is ready before the next. At the end, every
 * partition back in sync and its preferred leader elected.
 */
async function rollingRestart(rt: Runtime, client: ClusterClient, nodes: NodeRun[], inputs: NodeProcessesInputs): Promise<void> {
  if (nodes.length === 0) return;
  const [all, q] = await Promise.all([client.partitions(), client.quorum().then(quorumState)]);
  const skipped = unprotectable(all).filter((p) => nodes.some((n) => p.replicas.includes(n.id)));
  if (skipped.length > 0) {
    progress(
      `not waiting for ${skipped.length} partition(s) (${partitionList(skipped)}): replication factor ≤ min.insync.replicas, no roll keeps them writable`,
    );
  }
  if (quorumUnprotectable(q.voters.length) && nodes.some((n) => n.roles.includes("controller"))) {
    progress(`not waiting for the quorum: with ${q.voters.length} voter(s) it is unavailable while a controller restarts, whatever the order`);
  }
  const order = restartOrder(nodes, q.leaderId);
  for (const [i, id] of order.entries()) {
    const node = nodes.find((n) => n.id === id) as NodeRun;
    await waitUntil(`before restarting node ${id}`, inputs.gateTimeoutMs, () => stopProblems(client, node));
    progress(`restarting node ${id} (${i + 1} of ${order.length})`);
    await stopNode(rt, node, inputs);
    await startNode(rt, client, node, inputs);
  }
  await waitUntil("after the rolling restart", inputs.gateTimeoutMs, healthy(client, inputs));
  await client.electPreferred();
}

/** Whether a key may change at run time, by a broker's describeConfigs: one Kafka does not know may not. */
const dynamicIn = (configs: Record<string, { readOnly: boolean }>) => (key: string) => configs[key] !== undefined && !configs[key].readOnly;

/**
 * Has a running broker take its new tunables at run time (KIP-226), where Kafka itself says it can:
 * changed keys set and removed ones deleted as the broker's own dynamic configs (so no stale override
 * outlives a restart either). True when nothing else needs a restart: the node is then up to date.
 */
async function reconfigure(rt: Runtime, client: ClusterClient, node: NodeRun, record: RunningRecord, inputs: NodeProcessesInputs): Promise<boolean> {
  const broker = { type: "broker" as const, name: String(node.id) };
  const [configs] = await client.describeConfigs([broker]);
  const change = reconfiguration(record.tunables ?? {}, node.tunables, dynamicIn(configs));
  const keys = [...Object.keys(change.set), ...change.remove];
  if (keys.length > 0) {
    const what = [...Object.entries(change.set).map(([k, v]) => `${k}=${v}`), ...change.remove.map((k) => `${k} removed`)];
    progress(`node ${node.id}: ${what.join(", ")} in place (dynamic broker config, no restart)`);
    await client.alterConfigs(broker, change.set, change.remove);
  }
  if (change.readOnly.length > 0 || record.staticHash !== node.staticHash) return false;
  await writeRunning(rt, node, record.ref, inputs.tls);
  return true;
}

/**
 * For the preview: the changed tunables Kafka holds read-only, by broker to reconfigure, as the
 * cluster describes them; undefined if it cannot say (the preview then hedges).
 */
async function readOnlyKeys(inputs: NodeProcessesInputs, records: (RunningRecord | undefined)[]): Promise<Record<number, string[]> | undefined> {
  const nodes = inputs.nodes.filter((n, i) => nodeAction(n, records[i]) === "reconfigure");
  if (nodes.length === 0) return {};
  try {
    const client = clientFor(inputs.admin);
    const configs = await client.describeConfigs(nodes.map((n) => ({ type: "broker" as const, name: String(n.id) })));
    return Object.fromEntries(
      nodes.map((n, i) => {
        const record = records[inputs.nodes.indexOf(n)];
        const change = reconfiguration(record?.tunables ?? {}, n.tunables, dynamicIn(configs[i]));
        return [n.id, change.readOnly];
      }),
    );
  } catch {
    return undefined;
  }
}

/** Refuses, before anything is touched, to remove a controller of a static quorum, too many voters at once, or a broker that still holds replicas. */
async function checkRemovals(client: ClusterClient, removed: NodeRun[], inputs: NodeProcessesInputs, olds: NodeProcessesInputs): Promise<void> {
  if (removed.length === 0) return;
  const dynamic = inputs.quorum.mode === "dynamic";
  const all = removed.every((n) => n.roles.includes("controller") && !n.roles.includes("broker")) ? [] : await client.partitions();
  const refusals = [
    ...removalRefusals(removed, inputs.drain, all, inputs.quorum.mode),
    ...(dynamic ? shrinkRefusals(controllerIds(olds.nodes), controllerIds(removed)) : []),
  ];
  if (refusals.length > 0) throw new Error(refusals.join("\n"));
}

/**
 * Formats the storage of nodes about to start for the first time (see formatFlags); formatted storage
 * is only checked. A controller of a static quorum whose storage is gone is refused before anything
 * is touched: it would vote with a log it no longer has.
 */
async function prepareStorage(rt: Runtime, nodes: NodeRun[], inputs: NodeProcessesInputs, olds: NodeProcessesInputs | undefined): Promise<void> {
  if (inputs.quorum.mode === "static" && olds) {
    const known = nodes.filter((n) => n.roles.includes("controller") && olds.nodes.some((o) => o.id === n.id));
    const wiped = (await Promise.all(known.map(async (n) => ((await rt.meta(n)) ? [] : [n.id])))).flat();
    if (wiped.length > 0) {
      throw new Error(
        `controller(s) ${wiped.join(", ")} lost their storage, and a static quorum cannot take a voter back without it (it would vote with a log it no longer has); ` +
          `migrate the lab with kraftlab:quorum: dynamic (kraftlab then replaces the voter), or restore the directory from a backup`,
      );
    }
  }
  const ctx: FormatContext = { ...inputs.quorum, creating: !olds };
  await Promise.all(nodes.map((n) => ensureFormatted(rt, n, inputs.clusterId, formatFlags(n, ctx))));
}

/**
 * A static lab asked to become dynamic: kraft.version 1, by name (never a release version), before any
 * node rolls onto bootstrap servers. Once the previous `up` saw it at 1 it stays there: nothing to ask.
 */
async function ensureKraftVersion(client: ClusterClient, olds: Previous): Promise<void> {
  if (olds.finalized?.["kraft.version"] === "1") return;
  const kraft = (await client.features())["kraft.version"];
  if (kraft && Number(kraft.finalized) < 1) {
    progress("migrating the static quorum to a dynamic one (KIP-853): kraft.version 1, then a roll onto controller.quorum.bootstrap.servers");
    await upgradeFeature(client, "kraft.version", "1");
  }
}

/**
 * Finalizes what kraftlab:features asks, feature by feature and by name, once every node runs
 * kafkaVersion; never kraft.version (see ensureKraftVersion) and never on a mixed-version cluster.
 */
async function finalizeFeatures(rt: Runtime, client: ClusterClient, inputs: NodeProcessesInputs, versions: Record<string, string>): Promise<void> {
  if (!inputs.features) return;
  const mixed = mixedVersionRefusal(versions, inputs.kafkaVersion);
  if (mixed) throw new Error(mixed);
  const release = mappingRelease(inputs.features, inputs.kafkaVersion);
  const connect = [
    "--bootstrap-server",
    inputs.admin.bootstrapServers,
    ...(inputs.admin.commandConfig ? ["--command-config", inputs.admin.commandConfig] : []),
  ];
  const [finalized, mapping] = await Promise.all([
    client.features(),
    rt.tool("kafka-features", [...connect, "version-mapping", "--release-version", release]).then(parseVersionMapping),
  ]);
  const upgrades = featureUpgrades(inputs.features, finalized, mapping);
  if (upgrades.length === 0) return;
  for (const upgrade of upgrades) await upgradeFeature(client, upgrade.name, upgrade.level, upgrade.shown);
  // The controller answers once the change is committed; each node applies it later. Until every node
  // has it, Kafka may still describe the old level (and the outputs would show it).
  const committed = (await client.quorum()).highWatermark;
  await waitUntil("after finalizing the features", inputs.gateTimeoutMs, async () => {
    const [q, now] = await Promise.all([client.quorum(), client.features()]);
    const pending = featureUpgrades(inputs.features, now, mapping).map((u) => `${u.name} to show ${u.shown}`);
    return [...metadataLagProblems(q, committed), ...pending];
  });
}

/**
 * Makes the voters those of kraftlab:nodes, one change at a time: first the voters to drop (a node
 * leaving, or one whose storage was formatted again and so has a new directory id), then each new
 * controller, once it has caught up as an observer.
 */
async function reconcileVoters(rt: Runtime, client: ClusterClient, inputs: NodeProcessesInputs): Promise<void> {
  const controllers = inputs.nodes.filter((n) => n.roles.includes("controller"));
  const planned = await Promise.all(controllers.map(async (n) => ({ id: n.id, directoryId: (await rt.meta(n))?.directoryId ?? "" })));
  const status = quorumStatus(await client.quorum());
  const { remove, add } = voterChanges(planned, status.voters);
  let voters = status.voters;
  for (const voter of remove) {
    // The voters that stay must have a leader and be caught up: they alone commit the change.
    voters = voters.filter((v) => v !== voter);
    const staying = voters.map((v) => v.id);
    await waitUntil(`before removing controller ${voter.id} from the quorum`, inputs.gateTimeoutMs, async () =>
      quorumProblems(quorumState(await client.quorum()), staying),
    );
    await removeController(client, voter);
  }
  for (const id of add) {
    const directoryId = planned.find((p) => p.id === id)?.directoryId ?? "";
    const endpoint = inputs.voters.find((v) => v.id === id) as { host: string; port: number };
    await waitCaughtUp(client, id, directoryId, inputs.gateTimeoutMs);
    await addController(client, { id, directoryId, host: endpoint.host, port: endpoint.port });
  }
  if (remove.length + add.length > 0) {
    await waitUntil("after the quorum change", inputs.gateTimeoutMs, healthy(client, inputs));
  }
}

/** Moves a leaving broker's replicas to the remaining brokers, stops it and unregisters it. */
async function removeBroker(rt: Runtime, client: ClusterClient, node: NodeRun, remaining: number[], inputs: NodeProcessesInputs): Promise<void> {
  progress(`draining broker ${node.id}`);
  const plan = drainPlan(await client.partitions(), node.id, remaining);
  await reassign(client, plan, { throttleBytesPerSecond: inputs.throttleBytesPerSecond, timeoutMs: inputs.gateTimeoutMs });
  await stopNode(rt, node, inputs);
  await client.unregisterBroker(node.id);
  recordDrained(inputs.labDir ?? path.dirname(node.dir), node.id);
}

const actionsOf = (rt: Runtime, nodes: NodeRun[]) => Promise.all(nodes.map(async (n) => nodeAction(n, await readRunning(rt, n))));

/** Brings the running nodes from `olds` (undefined on create) to `inputs`; exported for the roller's tests on a fake runtime. */
export async function converge(rt: Runtime, client: ClusterClient, olds: Previous | undefined, inputs: NodeProcessesInputs): Promise<NodeProcessesOutputs> {
  const removed = (olds?.nodes ?? []).filter((old) => !inputs.nodes.some((n) => n.id === old.id));
  if (olds) await checkRemovals(client, removed, inputs, olds);
  const dynamic = inputs.quorum.mode === "dynamic";
  // (A state from before kraftlab recorded the release has none: its nodes ran the default one.)
  if (olds?.kafkaVersion && olds.kafkaVersion !== inputs.kafkaVersion) {
    // Before any node rolls onto a release that could not read what the cluster finalized.
    const refused = downgradeRefusal(await client.features(), inputs.kafkaVersion);
    if (refused) throw new Error(refused);
    progress(`rolling the nodes from Kafka ${olds.kafkaVersion} to ${inputs.kafkaVersion}, one at a time`);
  }
  const { tls } = inputs;
  const firstActions = await actionsOf(rt, inputs.nodes);
  const toStart = inputs.nodes.filter((_, i) => firstActions[i] === "start");
  // A listener that changes protocol cannot roll (nodes on both sides of it could not talk): every
  // node restarts at once, as at creation. New or dead nodes start together too.
  const restartAll = olds && !same(olds.protocols, inputs.protocols) ? inputs.nodes.filter((n) => !toStart.includes(n)) : [];
  if (tls) {
    // A node about to start needs its files (on a new lab, the whole material at once); files already
    // there are replaced by rotateTls, in an order the running nodes can follow.
    const held = await readIfExists(tls.caFile);
    const bundle = held ?? Buffer.from(trustBundles(undefined, tls).final, "utf8");
    if (!held) await putFile(tls.caFile, bundle, 0o644);
    for (const node of [...toStart, ...restartAll]) {
      if (!(await rt.read(node, trustFileOf(tls, node)))) await rt.put(node, trustFileOf(tls, node), bundle, 0o644);
      if (!(await rt.read(node, tls.keystores[String(node.id)].file))) await writeKeystore(rt, node, tls);
    }
  }
  await prepareStorage(rt, toStart, inputs, olds);
  await Promise.all(restartAll.map((n) => stopNode(rt, n, inputs)));
  const started = await Promise.allSettled([...toStart, ...restartAll].map((n) => startNode(rt, client, n, inputs)));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    if (!olds) await Promise.all(inputs.nodes.map((n) => stopNode(rt, n, inputs))); // a failed create leaves nothing running
    throw failed.reason;
  }
  if (olds && dynamic) {
    await ensureKraftVersion(client, olds);
    const lastVoters = olds.quorumStatus?.voters.map((v) => v.id);
    if (votersToCheck(controllerIds(inputs.nodes), controllerIds(toStart), lastVoters)) await reconcileVoters(rt, client, inputs);
  }
  if (tls) await rotateTls(rt, client, inputs.nodes, inputs, tls);
  const records = await Promise.all(inputs.nodes.map((n) => readRunning(rt, n)));
  const toRoll: NodeRun[] = [];
  for (const [i, node] of inputs.nodes.entries()) {
    const action = nodeAction(node, records[i]);
    const record = records[i];
    const applied = action === "reconfigure" && record && (await reconfigure(rt, client, node, record, inputs));
    if (action === "restart" || (action === "reconfigure" && !applied)) toRoll.push(node);
  }
  await rollingRestart(rt, client, toRoll, inputs);
  const brokers = inputs.nodes.filter((n) => n.roles.includes("broker")).map((n) => n.id);
  for (const node of removed) {
    // A leaving controller left the voters above (reconcileVoters), before it stops.
    if (node.roles.includes("broker")) await removeBroker(rt, client, node, brokers, inputs);
    else await stopNode(rt, node, inputs);
    // Its keystore here (on a machine of its own, it goes with the node's directory).
    const keystore = olds?.tls?.keystores[String(node.id)];
    if (keystore && !node.machine) await fsp.rm(keystore.file, { force: true });
  }
  const running = await runningOf(rt, inputs.nodes);
  await finalizeFeatures(rt, client, inputs, running.versions);
  const [status, finalized] = await Promise.all([client.quorum().then(quorumStatus), client.features()]);
  return {
    ...inputs,
    ...running,
    quorumStatus: status,
    finalized: Object.fromEntries(Object.entries(finalized).map(([name, f]) => [name, f.finalized])),
  };
}

/** Whether the TLS files on disk, or what a node loaded (`records`, in the order of `nodes`), differ from `tls`. */
async function tlsPending(nodes: NodeRun[], records: (RunningRecord | undefined)[], tls: TlsMaterial | undefined): Promise<boolean> {
  if (!tls) return false;
  const bundle = trustBundles((await readIfExists(tls.caFile))?.toString("utf8"), tls).final;
  const trustHash = fingerprint(bundle);
  return nodes.some((n, i) => {
    const keystoreHash = fingerprint(Buffer.from(tls.keystores[String(n.id)].content, "base64").toString("latin1"));
    return records[i]?.keystoreHash !== keystoreHash || records[i]?.trustHash !== trustHash;
  });
}

/** The lab's lease (lease.ts), in its lab directory (a state from before `labDir`: the nodes' parent). */
const leaseOf = (inputs: Pick<NodeProcessesInputs, "labDir" | "nodes">) => {
  const labDir = inputs.labDir ?? (inputs.nodes[0] && path.dirname(inputs.nodes[0].dir));
  return labDir && path.join(labDir, "converge.lease");
};

export const nodeProcesses: Handler = {
  async create(inputs: NodeProcessesInputs) {
    const outs = await withLease(leaseOf(inputs), () => converge(runtimeFor(inputs.runtime), clientFor(inputs.admin), undefined, inputs));
    return { id: "nodes", outs };
  },
  async diff(_id, olds: NodeProcessesOutputs, news: NodeProcessesInputs) {
    const rt = runtimeFor(news.runtime);
    // One read of each node's record (a process check, or an engine request) serves every question below.
    const records = await Promise.all(news.nodes.map((n) => readRunning(rt, n)));
    const removed = olds.nodes.some((old) => !news.nodes.some((n) => n.id === old.id));
    const tls = await tlsPending(news.nodes, records, news.tls);
    const pending = news.nodes.some((n, i) => nodeAction(n, records[i]) !== "keep") || tls;
    // A state from before the runtime seam has pids, not `running`: an update (that restarts nothing) records it.
    const moved = olds.running === undefined || news.nodes.some((n, i) => (olds.running[String(n.id)] ?? "") !== (records[i]?.alive ? records[i].ref : ""));
    // A state from before the quorum outputs: an update (that restarts nothing) reads them.
    const unread = olds.quorumStatus === undefined;
    const readOnly = await readOnlyKeys(news, records);
    const lines = previewLines({
      olds: { nodes: olds.nodes, kafkaVersion: olds.kafkaVersion, protocolsChanged: !same(olds.protocols, news.protocols) },
      nodes: news.nodes,
      kafkaVersion: news.kafkaVersion,
      quorumMode: news.quorum.mode,
      records,
      tlsPending: tls,
      readOnly,
    });
    for (const line of lines) plan(line);
    return { changes: removed || pending || moved || unread };
  },
  async update(_id, olds: NodeProcessesOutputs, news: NodeProcessesInputs) {
    const rt = runtimeFor(updateRuntime(stateRuntime(olds), news.runtime));
    return { outs: await withLease(leaseOf(news), () => converge(rt, clientFor(news.admin), olds, news)) };
  },
  async delete(_id, olds: NodeProcessesOutputs) {
    const rt = runtimeFor(stateRuntime(olds));
    await withLease(leaseOf(olds), () => Promise.all(olds.nodes.map((n) => stopNode(rt, n, olds))));
  },
  async read(id, olds: NodeProcessesOutputs) {
    // A node that no longer runs reads back with "", so the next `up` starts it again.
    return { id, props: { ...olds, running: (await runningOf(runtimeFor(stateRuntime(olds)), olds.nodes)).running } };
  },
};
