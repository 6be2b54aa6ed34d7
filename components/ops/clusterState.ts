// What the cluster client's answers mean for the rest of kraftlab: partitions, the quorum's replicas
// with their lag, voters and observers. Pure.
import type { PartitionInfo, QuorumDescription, QuorumReplica } from "../client/cluster";
import type { QuorumStatus } from "../quorum/outputs";

/** One partition: leader (-1 when none), replicas and ISR (the gates also read its min.insync.replicas). */
export type PartitionState = Omit<PartitionInfo, "minIsr">;

/** A replica of the metadata log as the leader sees it: records behind, and when it last fetched and was caught up (ms). */
export interface ReplicaState {
  id: number;
  /** Its storage's directory id: one node id may show twice while a replaced directory is forgotten. */
  directoryId: string;
  lag: number;
  lastFetch: number;
  lastCaughtUp: number;
}

export interface QuorumState {
  leaderId: number;
  /** Voters, the leader among them. */
  voters: ReplicaState[];
  /** Observers: brokers, and controllers that are not voters yet. */
  observers: ReplicaState[];
}

/** The quorum with each replica's lag behind the leader's log end, as `describe --replication` shows it. */
export function quorumState(q: QuorumDescription): QuorumState {
  const leaderEnd = q.voters.find((v) => v.id === q.leaderId)?.logEndOffset ?? q.highWatermark;
  const replica = (r: QuorumReplica): ReplicaState => ({
    id: r.id,
    directoryId: r.directoryId,
    lag: Math.max(0, leaderEnd - r.logEndOffset),
    lastFetch: r.lastFetchTimestamp,
    lastCaughtUp: r.lastCaughtUpTimestamp,
  });
  return { leaderId: q.leaderId, voters: q.voters.map(replica), observers: q.observers.map(replica) };
}

/** The voters (with directory ids and endpoint) and observers, as the stack outputs show them. */
export function quorumStatus(q: QuorumDescription): QuorumStatus {
  return {
    leaderId: q.leaderId,
    voters: q.voters.map((v) => ({ id: v.id, directoryId: v.directoryId, ...(v.endpoints[0] && { endpoint: v.endpoints[0] }) })),
    observers: q.observers.map((o) => ({ id: o.id, directoryId: o.directoryId })),
  };
}

/**
 * Whether node `id` has caught up with the quorum leader, by the rule a leader itself applies to its
 * followers (and Strimzi to its controllers): it was caught up within controller.quorum.fetch.timeout.ms
 * of the leader's latest fetch.
 */
export function caughtUp(q: QuorumState, id: number, directoryId: string | undefined, fetchTimeoutMs: number): boolean {
  const leader = q.voters.find((v) => v.id === q.leaderId);
  if (id === q.leaderId) return true;
  // By directory too: a controller formatted again still shows, for a while, under its old directory
  // (a static quorum shows none: "").
  const replica = [...q.voters, ...q.observers].find(
    (r) => r.id === id && (directoryId === undefined || r.directoryId === directoryId || r.directoryId === ""),
  );
  if (!leader || !replica || replica.lastCaughtUp < 0) return false;
  return leader.lastFetch - replica.lastCaughtUp < fetchTimeoutMs;
}
