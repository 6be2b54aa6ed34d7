// The roll: every running node brought onto its config, a broker's tunables in place where Kafka takes
// them at run time, any other change by a restart, one node at a time behind the cluster's own gates.
import type { ClusterClient } from "../client/cluster";
import { quorumState } from "../ops/clusterState";
import { brokerStopProblems, controllerStopProblems, partitionList, partitionProblems, quorumProblems, quorumUnprotectable, unprotectable } from "../ops/gates";
import { waitUntil } from "../ops/wait";
import { progress } from "../provider/progress";
import type { NodeRun, Runtime } from "../runtime/runtime";
import type { RunningNodesInputs } from "./inputs";
import { startNode, stopNode } from "./lifecycle";
import { nodeAction, type RunningRecord, reconfiguration, restartOrder } from "./rollout";
import { readRunning, recordRunning } from "./running";

/** Every partition led and fully replicated, and the voters caught up. */
export function healthy(client: ClusterClient, inputs: RunningNodesInputs) {
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

/**
 * One node after another, brokers first and the active controller last: each stops only when the
 * cluster can spare it (stopProblems), then starts and is ready before the next. At the end, every
 * partition back in sync and its preferred leader elected.
 */
export async function rollingRestart(rt: Runtime, client: ClusterClient, nodes: NodeRun[], inputs: RunningNodesInputs): Promise<void> {
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
async function reconfigure(rt: Runtime, client: ClusterClient, node: NodeRun, record: RunningRecord, inputs: RunningNodesInputs): Promise<boolean> {
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
  await recordRunning(rt, node, record.ref, inputs.tls);
  return true;
}

/** Brings every running node onto its config: reconfigured in place where that is all it needs, else restarted in the roll. */
export async function roll(rt: Runtime, client: ClusterClient, inputs: RunningNodesInputs): Promise<void> {
  const records = await Promise.all(inputs.nodes.map((n) => readRunning(rt, n)));
  const toRoll: NodeRun[] = [];
  for (const [i, node] of inputs.nodes.entries()) {
    const action = nodeAction(node, records[i]);
    const record = records[i];
    const applied = action === "reconfigure" && record && (await reconfigure(rt, client, node, record, inputs));
    if (action === "restart" || (action === "reconfigure" && !applied)) toRoll.push(node);
  }
  await rollingRestart(rt, client, toRoll, inputs);
}

/**
 * For the preview: the changed tunables Kafka holds read-only, by broker to reconfigure, as the
 * cluster (`client`, made only when asked) describes them; undefined if it cannot say (the preview then hedges).
 */
export async function readOnlyKeys(
  client: () => ClusterClient,
  inputs: RunningNodesInputs,
  records: (RunningRecord | undefined)[],
): Promise<Record<number, string[]> | undefined> {
  const nodes = inputs.nodes.filter((n, i) => nodeAction(n, records[i]) === "reconfigure");
  if (nodes.length === 0) return {};
  try {
    const configs = await client().describeConfigs(nodes.map((n) => ({ type: "broker" as const, name: String(n.id) })));
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
