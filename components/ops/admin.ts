// How the program asks the running cluster about its health and acts on it, through the Kafka tools
// on the INTERNAL listeners (as the nodes themselves, with security on). Used inside the dynamic
// provider process only.
import pWaitFor from "p-wait-for";
import { runtimeFor } from "../runtime/select";
import type { RuntimeSpec } from "../runtime/spec";
import { type PartitionState, parsePartitions, parseQuorum, type QuorumState } from "./clusterState";

/** Where and how the program connects to the cluster. */
export interface Admin {
  /** Where the tools run: from the local distribution, or inside a node's container. */
  runtime: RuntimeSpec;
  /** INTERNAL listeners of the brokers. */
  bootstrapServers: string;
  /** operator.properties; absent on an all-PLAINTEXT lab. */
  commandConfig?: string;
}

export const connectArgs = (admin: Admin) => [
  "--bootstrap-server",
  admin.bootstrapServers,
  ...(admin.commandConfig ? ["--command-config", admin.commandConfig] : []),
];

export const tool = (admin: Admin, name: string, args: string[], timeoutMs?: number) =>
  runtimeFor(admin.runtime).tool(name, [...connectArgs(admin), ...args], timeoutMs);

/** Every partition of every topic, internal ones included. */
export async function partitions(admin: Admin): Promise<PartitionState[]> {
  return parsePartitions(await tool(admin, "kafka-topics", ["--describe"]));
}

export async function quorum(admin: Admin): Promise<QuorumState> {
  return parseQuorum(await tool(admin, "kafka-metadata-quorum", ["describe", "--replication"]));
}

/** What is not healthy yet, in words; empty when every partition is fully replicated and led. */
export function partitionProblems(all: PartitionState[]): string[] {
  const offline = all.filter((p) => p.leader < 0);
  const under = all.filter((p) => p.isr.length < p.replicas.length);
  const name = (p: PartitionState) => `${p.topic}-${p.partition}`;
  const list = (ps: PartitionState[]) => `${ps.slice(0, 5).map(name).join(", ")}${ps.length > 5 ? ", …" : ""}`;
  return [
    ...(offline.length ? [`${offline.length} offline partition(s) (${list(offline)})`] : []),
    ...(under.length ? [`${under.length} under-replicated partition(s) (${list(under)})`] : []),
  ];
}

/** A quorum lag this small (records) counts as caught up: the leader appends a record every 500 ms. */
export const CAUGHT_UP_LAG = 10;

export function quorumProblems(q: QuorumState, voterIds: number[]): string[] {
  if (q.leaderId < 0) return ["the quorum to have a leader"];
  const behind = voterIds.filter((id) => {
    const voter = q.voters.find((v) => v.id === id);
    return !voter || voter.lag > CAUGHT_UP_LAG;
  });
  return behind.length ? [`controller(s) ${behind.join(", ")} to catch up with the quorum leader ${q.leaderId}`] : [];
}

/**
 * Polls `check` (which lists what is still wrong) until it lists nothing. After `timeoutMs` it fails
 * with `what` and the last problems; a tool failure counts as a problem (a node may be starting).
 */
export async function waitUntil(what: string, timeoutMs: number, check: () => Promise<string[]>): Promise<void> {
  let problems: string[] = [];
  await pWaitFor(
    async () => {
      problems = await check().catch((err: Error) => [err.message.split("\n")[0]]);
      return problems.length === 0;
    },
    {
      interval: 1_000,
      timeout: {
        milliseconds: timeoutMs,
        fallback: () => {
          throw new Error(`${what}: still waiting after ${Math.round(timeoutMs / 1000)} s for ${problems.join("; ")}`);
        },
      },
    },
  );
}

/** Moves each partition's leadership back to its preferred replica (after a rolling restart). */
export async function electPreferredLeaders(admin: Admin): Promise<void> {
  try {
    await tool(admin, "kafka-leader-election", ["--election-type", "PREFERRED", "--all-topic-partitions"]);
  } catch (err) {
    // Partitions already led by their preferred replica are reported as errors; nothing to do for them.
    if (!/ElectionNotNeeded|Election not needed|already/i.test((err as Error).message)) throw err;
  }
}

/** Removes a stopped broker's registration from the cluster metadata. */
export async function unregisterBroker(admin: Admin, id: number): Promise<void> {
  // kafka-cluster takes its connection options after the subcommand.
  await runtimeFor(admin.runtime).tool("kafka-cluster", ["unregister", ...connectArgs(admin), "--id", String(id)]);
}
