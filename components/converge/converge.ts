// Converging the running nodes of a cluster: the order of the steps, each carried out by the module
// of its concern. Removals and a release change are refused before anything is touched; the nodes that
// do not run start; the quorum's voters follow the config; the TLS files roll out; the nodes whose
// config changed roll one at a time; the nodes that leave go; the features asked are finalized.
// It gets its Runtime and ClusterClient handed in (handler.ts makes them), and runs in the dynamic
// provider process.
import type { ClusterClient } from "../client/cluster";
import { quorumStatus } from "../ops/clusterState";
import { same } from "../provider/handler";
import type { NodeRun, Runtime } from "../runtime/runtime";
import type { Previous, RunningNodesInputs, RunningNodesOutputs } from "./inputs";
import { startTogether } from "./lifecycle";
import { checkRemovals, leaving, prepareStorage, removeNodes } from "./removal";
import { roll } from "./roll";
import { nodeAction } from "./rollout";
import { readRunning, runningOf } from "./running";
import { placeTls, rotateTls } from "./tls";
import { checkRelease, ensureKraftVersion, finalizeFeatures } from "./versions";
import { reconcileVoters } from "./voters";

/** The nodes that do not run: new, or dead. */
async function notRunning(rt: Runtime, nodes: NodeRun[]): Promise<NodeRun[]> {
  const actions = await Promise.all(nodes.map(async (n) => nodeAction(n, await readRunning(rt, n))));
  return nodes.filter((_, i) => actions[i] === "start");
}

/** Brings the running nodes from `olds` (undefined on create) to `inputs`. */
export async function converge(rt: Runtime, client: ClusterClient, olds: Previous | undefined, inputs: RunningNodesInputs): Promise<RunningNodesOutputs> {
  const removed = leaving(olds, inputs);
  if (olds) await checkRemovals(client, removed, inputs, olds);
  if (olds) await checkRelease(client, olds, inputs);
  const { tls } = inputs;
  const toStart = await notRunning(rt, inputs.nodes);
  // A listener that changes protocol cannot roll (nodes on both sides of it could not talk): every
  // node restarts at once, as at creation. New or dead nodes start together too.
  const restartAll = olds && !same(olds.protocols, inputs.protocols) ? inputs.nodes.filter((n) => !toStart.includes(n)) : [];
  if (tls) await placeTls(rt, [...toStart, ...restartAll], tls);
  await prepareStorage(rt, toStart, inputs, olds);
  await startTogether(rt, client, { start: toStart, restart: restartAll }, inputs, !olds);
  if (olds && inputs.quorum.mode === "dynamic") {
    await ensureKraftVersion(client, olds);
    await reconcileVoters(rt, client, inputs, olds, toStart);
  }
  if (tls) await rotateTls(rt, client, inputs.nodes, inputs, tls);
  await roll(rt, client, inputs);
  // A leaving controller left the voters above (reconcileVoters), before it stops.
  await removeNodes(rt, client, removed, inputs, olds);
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
