// Partition reassignment in the lab's three steps, through the reassignment tool's own logic in the
// cluster client: a plan (its generator, or our own minimal plan to drain a broker), execute with a
// replication throttle, then verify until done (which also removes the throttle). The plans are pure.
import type { Assignment, ClusterClient } from "../client/cluster";
import { progress } from "../provider/progress";
import type { PartitionState } from "./clusterState";
import { waitUntil } from "./wait";

export type { Assignment };
/** A partition that moved, as reported in the stack outputs. */
export interface Move {
  topic: string;
  partition: number;
  from: number[];
  to: number[];
}

const key = (p: { topic: string; partition: number }) => `${p.topic}-${p.partition}`;
const sameSet = (a: number[], b: number[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * Moves every replica on `brokerId` to one of `remaining`, the least loaded that does not already hold
 * the partition; the other replicas stay where they are, in the same order.
 */
export function drainPlan(all: PartitionState[], brokerId: number, remaining: number[]): Assignment[] {
  const load = new Map(remaining.map((id) => [id, 0]));
  for (const p of all) for (const r of p.replicas) if (load.has(r)) load.set(r, (load.get(r) ?? 0) + 1);
  const plan: Assignment[] = [];
  for (const p of all.filter((p) => p.replicas.includes(brokerId))) {
    const candidates = remaining.filter((id) => !p.replicas.includes(id)).sort((a, b) => (load.get(a) ?? 0) - (load.get(b) ?? 0) || a - b);
    if (candidates.length === 0) {
      throw new Error(
        `${key(p)} has ${p.replicas.length} replicas and only ${remaining.length} other broker(s) would remain, so broker ${brokerId} cannot be drained; ` +
          `add a broker first, or lower that topic's replication factor`,
      );
    }
    const target = candidates[0];
    load.set(target, (load.get(target) ?? 0) + 1);
    plan.push({ topic: p.topic, partition: p.partition, replicas: p.replicas.map((r) => (r === brokerId ? target : r)) });
  }
  return plan;
}

/** The partitions of `proposed` whose replica set differs from the current one. */
export function moves(current: PartitionState[], proposed: Assignment[]): Move[] {
  const now = new Map(current.map((p) => [key(p), p.replicas]));
  return proposed
    .filter((p) => !sameSet(now.get(key(p)) ?? [], p.replicas))
    .map((p) => ({ topic: p.topic, partition: p.partition, from: now.get(key(p)) ?? [], to: p.replicas }));
}

/** Executes `plan` with a replication throttle and waits until the tool's verify reports it complete (which removes the throttle). */
export async function reassign(client: ClusterClient, plan: Assignment[], opts: { throttleBytesPerSecond: number; timeoutMs: number }): Promise<void> {
  if (plan.length === 0) return;
  progress(`moving ${plan.length} partition(s), throttled to ${opts.throttleBytesPerSecond} bytes/s`);
  await client.executeReassignment(plan, opts.throttleBytesPerSecond);
  await waitUntil("the partition reassignment", opts.timeoutMs, async () => (await client.verifyReassignment(plan)).pending);
}

/** Spreads `topics` over `brokers` with the reassignment tool's own generator; runs the partitions that change and returns them. */
export async function rebalance(
  client: ClusterClient,
  current: PartitionState[],
  topics: string[],
  brokers: number[],
  opts: { throttleBytesPerSecond: number; timeoutMs: number },
): Promise<Move[]> {
  if (topics.length === 0) return [];
  const moved = moves(current, await client.generateAssignment(topics, brokers));
  await reassign(
    client,
    moved.map(({ topic, partition, to }) => ({ topic, partition, replicas: to })),
    opts,
  );
  return moved;
}
