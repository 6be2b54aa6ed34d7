// The health gates of a roll, a drain and a quorum change, as pure decisions on the cluster client's
// answers (Strimzi's rules); wait.ts polls them. Each decision lists what is still
// wrong, in words: the gate's message names what it waited for.
import type { BrokerInfo, PartitionInfo, QuorumDescription } from "../client/cluster";
import { caughtUp, type PartitionState, type QuorumState } from "./clusterState";

const name = (p: PartitionState) => `${p.topic}-${p.partition}`;
/** Partitions by name, the first five: for messages. */
export const partitionList = (ps: PartitionState[]) => `${ps.slice(0, 5).map(name).join(", ")}${ps.length > 5 ? ", …" : ""}`;

/** Partitions whose replication factor is at most their min.insync.replicas: no roll could keep them writable (Strimzi skips them). */
export const unprotectable = (all: PartitionInfo[]) => all.filter((p) => p.replicas.length <= p.minIsr);

/** What is not healthy, in words: offline and under-replicated partitions; empty when every partition is led and fully replicated. */
export function partitionProblems(all: PartitionState[]): string[] {
  const offline = all.filter((p) => p.leader < 0);
  const under = all.filter((p) => p.isr.length < p.replicas.length);
  return [
    ...(offline.length ? [`${offline.length} offline partition(s) (${partitionList(offline)})`] : []),
    ...(under.length ? [`${under.length} under-replicated partition(s) (${partitionList(under)})`] : []),
  ];
}

/**
 * Why broker `id` may not stop now: a partition it replicates would fall below min.insync.replicas
 * (acks=all writes would fail), or is offline. Partitions that cannot be protected (unprotectable) are
 * not waited for.
 */
export function brokerStopProblems(all: PartitionInfo[], id: number): string[] {
  const mine = all.filter((p) => p.replicas.includes(id) && p.replicas.length > p.minIsr);
  const offline = mine.filter((p) => p.leader < 0);
  const short = mine.filter((p) => p.leader >= 0 && p.isr.filter((r) => r !== id).length < p.minIsr);
  return [
    ...(offline.length ? [`${offline.length} offline partition(s) (${partitionList(offline)})`] : []),
    ...(short.length ? [`${short.length} partition(s) that would fall below min.insync.replicas without broker ${id} (${partitionList(short)})`] : []),
  ];
}

/** The default controller.quorum.fetch.timeout.ms: the leader's own measure of a follower caught up. */
export const FETCH_TIMEOUT_MS = 2_000;

/** Whether a quorum of `voters` loses its majority whenever one of them stops (1 or 2 voters): no roll keeps it available. */
export const quorumUnprotectable = (voters: number) => voters - 1 < Math.floor((voters + 2) / 2);

/**
 * Why controller `id` may not stop now: without it, fewer than a majority of the voters, ⌊(N+2)/2⌋,
 * would be caught up with the leader (Strimzi's rule), or the quorum has no leader.
 */
export function controllerStopProblems(q: QuorumState, id: number, fetchTimeoutMs = FETCH_TIMEOUT_MS): string[] {
  if (q.leaderId < 0) return ["the quorum to have a leader"];
  if (quorumUnprotectable(q.voters.length)) return [];
  const majority = Math.floor((q.voters.length + 2) / 2);
  const others = q.voters.filter((v) => v.id !== id && caughtUp(q, v.id, v.directoryId, fetchTimeoutMs));
  if (others.length >= majority) return [];
  const behind = q.voters.filter((v) => v.id !== id && !others.includes(v)).map((v) => v.id);
  return [`controller(s) ${behind.join(", ")} to catch up with the quorum leader ${q.leaderId} (${others.length} of ${majority} needed without node ${id})`];
}

/** Why the voters `ids` are not all caught up (a quorum change waits for the voters that stay). */
export function quorumProblems(q: QuorumState, ids: number[], fetchTimeoutMs = FETCH_TIMEOUT_MS): string[] {
  if (q.leaderId < 0) return ["the quorum to have a leader"];
  const behind = ids.filter((id) => !caughtUp(q, id, q.voters.find((v) => v.id === id)?.directoryId, fetchTimeoutMs));
  return behind.length ? [`controller(s) ${behind.join(", ")} to catch up with the quorum leader ${q.leaderId}`] : [];
}

/**
 * Replicas of the metadata log (voters and observers: every node) whose log does not reach `offset` yet:
 * a change the controller committed at `offset` is not in their metadata.
 */
export function metadataLagProblems(q: QuorumDescription, offset: number): string[] {
  const behind = [...q.voters, ...q.observers].filter((r) => r.logEndOffset < offset).map((r) => r.id);
  return behind.length ? [`node(s) ${[...new Set(behind)].join(", ")} to replicate the metadata log up to offset ${offset}`] : [];
}

/**
 * Why node `id` is not ready: a broker registered and unfenced, a controller caught up with the leader
 * on the storage it has now (`directoryId`: one formatted again still shows under its old one too).
 */
export function readyProblems(
  id: number,
  roles: readonly string[],
  brokers: BrokerInfo[] | undefined,
  q: QuorumState | undefined,
  directoryId?: string,
): string[] {
  const problems: string[] = [];
  if (roles.includes("broker")) {
    const broker = brokers?.find((b) => b.id === id);
    if (!broker) problems.push(`broker ${id} to register`);
    else if (broker.fenced) problems.push(`broker ${id} to be unfenced`);
  }
  if (roles.includes("controller") && !(q && caughtUp(q, id, directoryId, FETCH_TIMEOUT_MS)))
    problems.push(`controller ${id} to catch up with the quorum leader`);
  return problems;
}
