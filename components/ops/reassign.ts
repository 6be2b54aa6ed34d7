// Partition reassignment in the lab's three steps: a plan (kafka-reassign-partitions --generate, or
// our own minimal plan to drain a broker), --execute with a replication throttle, then --verify until
// done (which also removes the throttle). The plans are pure; `reassign` runs them.
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { type Admin, tool, waitUntil } from "./admin";
import type { PartitionState } from "./clusterState";

export interface Assignment {
  topic: string;
  partition: number;
  replicas: number[];
}
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

/** The proposed assignment printed by `--generate`. */
export function parseGenerated(output: string): Assignment[] {
  const json = output.split(/Proposed partition reassignment configuration/)[1];
  if (!json) throw new Error(`kafka-reassign-partitions --generate printed no proposal:\n${output}`);
  return (JSON.parse(json.trim().split("\n")[0]) as { partitions: Assignment[] }).partitions.map(({ topic, partition, replicas }) => ({
    topic,
    partition,
    replicas,
  }));
}

/** The partitions of `proposed` whose replica set differs from the current one. */
export function moves(current: PartitionState[], proposed: Assignment[]): Move[] {
  const now = new Map(current.map((p) => [key(p), p.replicas]));
  return proposed
    .filter((p) => !sameSet(now.get(key(p)) ?? [], p.replicas))
    .map((p) => ({ topic: p.topic, partition: p.partition, from: now.get(key(p)) ?? [], to: p.replicas }));
}

/** The verify output's partitions that are not done yet. */
export function pendingReassignments(verify: string): string[] {
  return verify
    .split("\n")
    .filter((line) => /Reassignment of partition .* is (still in progress|failed)|There is an active reassignment/.test(line))
    .map((line) => line.trim());
}

/** Executes `plan` with a replication throttle and waits for --verify to report it complete. */
export async function reassign(admin: Admin, plan: Assignment[], opts: { workDir: string; throttleBytesPerSecond: number; timeoutMs: number }): Promise<void> {
  if (plan.length === 0) return;
  await fsp.mkdir(opts.workDir, { recursive: true });
  const file = path.join(opts.workDir, "reassignment.json");
  await fsp.writeFile(file, JSON.stringify({ version: 1, partitions: plan }));
  await tool(admin, "kafka-reassign-partitions", ["--reassignment-json-file", file, "--execute", "--throttle", String(opts.throttleBytesPerSecond)]);
  await waitUntil("the partition reassignment", opts.timeoutMs, async () =>
    pendingReassignments(await tool(admin, "kafka-reassign-partitions", ["--reassignment-json-file", file, "--verify"])),
  );
  await fsp.rm(file, { force: true });
}

/** Spreads `topics` over `brokers` with `--generate`; runs the partitions that change and returns them. */
export async function rebalance(
  admin: Admin,
  current: PartitionState[],
  topics: string[],
  brokers: number[],
  opts: { workDir: string; throttleBytesPerSecond: number; timeoutMs: number },
): Promise<Move[]> {
  if (topics.length === 0) return [];
  await fsp.mkdir(opts.workDir, { recursive: true });
  const file = path.join(opts.workDir, "topics-to-move.json");
  await fsp.writeFile(file, JSON.stringify({ version: 1, topics: topics.map((topic) => ({ topic })) }));
  const generated = await tool(admin, "kafka-reassign-partitions", ["--topics-to-move-json-file", file, "--broker-list", brokers.join(","), "--generate"]);
  await fsp.rm(file, { force: true });
  const moved = moves(current, parseGenerated(generated));
  await reassign(
    admin,
    moved.map(({ topic, partition, to }) => ({ topic, partition, replicas: to })),
    opts,
  );
  return moved;
}
