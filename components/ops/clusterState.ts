// Pure parsers of what the Kafka tools print about a running cluster: partitions and their replicas,
// the quorum's leader and lag. admin.ts runs the tools; the rolling restart, drain and rebalance read
// the cluster only through these.

/** One partition as `kafka-topics --describe` shows it. */
export interface PartitionState {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

const ids = (s: string | undefined) => (s ? s.split(",").filter(Boolean).map(Number) : []);

/** The partition lines of `kafka-topics --describe` (topic summary lines are skipped). */
export function parsePartitions(describe: string): PartitionState[] {
  const partitions: PartitionState[] = [];
  for (const line of describe.split("\n")) {
    const m = /Topic:\s*(\S+)\s+Partition:\s*(\d+)\s+Leader:\s*(-?\d+|none)\s+Replicas:\s*([\d,]*)\s+Isr:\s*([\d,]*)/.exec(line);
    if (!m) continue;
    partitions.push({ topic: m[1], partition: Number(m[2]), leader: m[3] === "none" ? -1 : Number(m[3]), replicas: ids(m[4]), isr: ids(m[5]) });
  }
  return partitions;
}

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

/** `kafka-metadata-quorum describe --replication`: one row per voter and observer, the leader's marked. */
export function parseQuorum(replication: string): QuorumState {
  const lines = replication.trim().split("\n").filter(Boolean);
  const header = (lines.shift() ?? "").trim().split(/\s+/);
  const col = (name: string) => header.indexOf(name);
  const rows = lines.map((line) => line.trim().split(/\s+/));
  const pick = (kinds: string[]) =>
    rows
      .filter((r) => kinds.includes(r[col("Status")]))
      .map((r) => ({
        id: Number(r[col("NodeId")]),
        directoryId: r[col("DirectoryId")] ?? "",
        lag: Number(r[col("Lag")]),
        lastFetch: Number(r[col("LastFetchTimestamp")]),
        lastCaughtUp: Number(r[col("LastCaughtUpTimestamp")]),
      }));
  return { leaderId: pick(["Leader"])[0]?.id ?? -1, voters: pick(["Leader", "Follower"]), observers: pick(["Observer"]) };
}

/**
 * Whether node `id` has caught up with the quorum leader, by the rule a leader itself applies to its
 * followers (and Strimzi to its controllers): it was caught up within controller.quorum.fetch.timeout.ms
 * of the leader's latest fetch.
 */
export function caughtUp(q: QuorumState, id: number, directoryId: string, fetchTimeoutMs: number): boolean {
  const leader = q.voters.find((v) => v.id === q.leaderId);
  // By directory too: a controller formatted again still shows, for a while, under its old directory.
  const replica = [...q.voters, ...q.observers].find((r) => r.id === id && r.directoryId === directoryId);
  if (!leader || !replica) return false;
  return leader.lastFetch - replica.lastCaughtUp < fetchTimeoutMs;
}
