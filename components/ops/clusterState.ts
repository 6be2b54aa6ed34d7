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

export interface QuorumState {
  leaderId: number;
  /** Voters with their lag behind the leader, in records. */
  voters: { id: number; lag: number }[];
  /** Observers (brokers that are not controllers), same shape. */
  observers: { id: number; lag: number }[];
}

/** `kafka-metadata-quorum describe --replication`: one row per voter and observer, the leader's marked. */
export function parseQuorum(replication: string): QuorumState {
  const lines = replication.trim().split("\n").filter(Boolean);
  const header = (lines.shift() ?? "").trim().split(/\s+/);
  const col = (name: string) => header.indexOf(name);
  const rows = lines.map((line) => line.trim().split(/\s+/));
  const pick = (kinds: string[]) =>
    rows.filter((r) => kinds.includes(r[col("Status")])).map((r) => ({ id: Number(r[col("NodeId")]), lag: Number(r[col("Lag")]) }));
  return { leaderId: pick(["Leader"])[0]?.id ?? -1, voters: pick(["Leader", "Follower"]), observers: pick(["Observer"]) };
}
