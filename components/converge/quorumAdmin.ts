// How the reconcilers read and change the quorum and the features of a running cluster, through the
// cluster client it is handed.
import { setTimeout as sleep } from "node:timers/promises";
import type { ClusterClient } from "../client/cluster";
import { LISTENER } from "../model/topology";
import { caughtUp, quorumState } from "../ops/clusterState";
import { FETCH_TIMEOUT_MS } from "../ops/gates";
import { waitUntil } from "../ops/wait";
import { progress } from "../provider/progress";
import type { Voter } from "../quorum/plan";

/** Finalizes one feature at `level`, by name: never a release version, which would move kraft.version too. */
export async function upgradeFeature(client: ClusterClient, name: string, level: string, shown = level): Promise<void> {
  progress(`finalizing ${name}=${shown}`);
  await client.updateFeatures({ [name]: Number(level) });
}

/**
 * Runs a voter change again while Kafka answers that it reached a node that is not (or no longer) the
 * quorum's leader, or could not route it yet (right after a quorum change a broker may still point at
 * the old leader): such a request was not applied. `done` says whether an earlier try took effect after all.
 */
async function onLeader(run: () => Promise<void>, done: () => Promise<boolean>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const retriable = /NotLeaderOrFollower|NOT_LEADER_OR_FOLLOWER|NotController|BROKER_NOT_AVAILABLE|TimeoutException/.test((err as Error).message);
      if (attempt >= 5 || !retriable) throw err;
      await sleep(1_000);
      if (await done().catch(() => false)) return;
    }
  }
}

const isVoter = async (client: ClusterClient, id: number, directoryId: string) =>
  (await client.quorum()).voters.some((v) => v.id === id && v.directoryId === directoryId);

/** Waits until node `id`, on the storage of `directoryId` (a controller not yet a voter), has caught up with the leader. */
export const waitCaughtUp = (client: ClusterClient, id: number, directoryId: string, timeoutMs: number) =>
  waitUntil(`before controller ${id} joins the quorum`, timeoutMs, async () =>
    caughtUp(quorumState(await client.quorum()), id, directoryId, FETCH_TIMEOUT_MS) ? [] : [`controller ${id} to catch up with the quorum leader`],
  );

/** Makes controller `id`, on the storage of `directoryId`, a voter at its CONTROLLER endpoint. */
export async function addController(client: ClusterClient, voter: { id: number; directoryId: string; host: string; port: number }): Promise<void> {
  progress(`adding controller ${voter.id} to the quorum`);
  await onLeader(
    () => client.addVoter(voter.id, voter.directoryId, [{ name: LISTENER.controller, host: voter.host, port: voter.port }]),
    () => isVoter(client, voter.id, voter.directoryId),
  );
}

export async function removeController(client: ClusterClient, voter: Voter): Promise<void> {
  progress(`removing controller ${voter.id} (directory ${voter.directoryId}) from the quorum`);
  await onLeader(
    () => client.removeVoter(voter.id, voter.directoryId),
    async () => !(await isVoter(client, voter.id, voter.directoryId)),
  );
}
