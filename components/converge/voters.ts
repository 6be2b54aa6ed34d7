// The quorum's voters made those of kraftlab:nodes, in a dynamic quorum: one change at a time, each
// once the voters that stay can commit it.
import type { ClusterClient } from "../client/cluster";
import { quorumState, quorumStatus } from "../ops/clusterState";
import { quorumProblems } from "../ops/gates";
import { waitUntil } from "../ops/wait";
import { controllerIds, voterChanges, votersToCheck } from "../quorum/plan";
import type { NodeRun, Runtime } from "../runtime/runtime";
import type { Previous, RunningNodesInputs } from "./inputs";
import { addController, removeController, waitCaughtUp } from "./quorumAdmin";
import { healthy } from "./roll";

/**
 * Makes the voters those of kraftlab:nodes, one change at a time: first the voters to drop (a node
 * leaving, or one whose storage was formatted again and so has a new directory id), then each new
 * controller, once it has caught up as an observer. Only asks the cluster when the controllers, the
 * ones just started or the voters the previous `up` saw say something may have changed (votersToCheck).
 */
export async function reconcileVoters(rt: Runtime, client: ClusterClient, inputs: RunningNodesInputs, olds: Previous, started: NodeRun[]): Promise<void> {
  const lastVoters = olds.quorumStatus?.voters.map((v) => v.id);
  if (!votersToCheck(controllerIds(inputs.nodes), controllerIds(started), lastVoters)) return;
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
