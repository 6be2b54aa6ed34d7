// What a drill measured, from what it recorded: the quorum and the partitions polled about every
// 100 ms, and every record's send, ack and read-back. Pure, so each figure is unit-tested.

/** The quorum as the surviving controllers answered at `at` (ms): leaderId -1 when none, or no answer. */
export interface QuorumSample {
  at: number;
  leaderId: number;
}

/** The partitions as the brokers answered at `at`; absent counts when the cluster did not answer. */
export interface LeadershipSample {
  at: number;
  /** Partitions the struck node leads. */
  ledByVictim?: number;
  /** Partitions whose in-sync replicas are fewer than their replicas. */
  underReplicated?: number;
}

/** When each struck node ran again, and was ready again, by id (absent: not within the drill). */
export interface Comeback {
  runsAt: Record<number, number>;
  readyAt: Record<number, number>;
}

/** One acknowledged record: when it was sent, after how long it was acked, where it went. */
export interface Ack {
  seq: number;
  partition: number;
  sentAt: number;
  latencyMs: number;
}

export interface DrillRecording {
  victims: number[];
  /** Whether the struck node was made unable to lead (killed, cut off, stopped), not only slowed. */
  victimsGone: boolean;
  startedAt: number;
  /** Where the latencies before the fault start: past the load's warm-up. */
  measuredFrom: number;
  faultAt: number;
  /** When the drill ran `up` to bring the struck nodes back (absent: the lab recovered by itself). */
  upAt?: number;
  comeback?: Comeback;
  /** When the drill saw the lab whole again (its recovery done, a quorum leader, every partition fully replicated). */
  wholeAt: number;
  endAt: number;
  quorum: QuorumSample[];
  leadership: LeadershipSample[];
  acks: Ack[];
  /** Records the producer sent, and the seqs read back (a seq twice is a duplicate). */
  sent: number;
  consumed: number[];
  /** Sends the producer gave up on. */
  errors: string[];
  /** The read-back reached the end of every partition. */
  complete: boolean;
}

export interface Latency {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface Measures {
  /** The longest time after the fault with no quorum leader (undefined: one never came back). */
  leaderlessMs?: number;
  /** From the fault until the struck node leads no partition (undefined: it still did at the end). */
  victimLeadsMs?: number;
  /** From the fault until every partition was fully replicated again (undefined: not within the drill). */
  fullyReplicatedMs?: number;
  /** Where recovering by `up` spent its time, each step from the end of the one before (undefined: not seen). */
  back?: {
    /** From `up`'s start until every struck node runs again: kraftlab's own time. */
    upToRunsMs?: number;
    /** Then until each is ready by the cluster's answer: Kafka's start. */
    runsToReadyMs?: number;
    /** Then until every partition is fully replicated. */
    readyToReplicatedMs?: number;
  };
  /** The longest time without any ack, and without an ack on one partition. */
  longestAckGapMs: number;
  longestPartitionGap: { ms: number; partition: number };
  latency: { before: Latency; during: Latency; after: Latency };
  sent: number;
  acked: number;
  consumed: number;
  lost: number[];
  duplicated: number[];
  errors: string[];
  complete: boolean;
}

/** The nearest-rank percentile of sorted values (0 when there are none). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function latencyOf(values: number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 };
}

/** The longest gap between consecutive times (sorted here); 0 for fewer than two. */
export function longestGap(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < sorted.length; i++) gap = Math.max(gap, sorted[i] - sorted[i - 1]);
  return gap;
}

/**
 * The longest stretch after `faultAt` during which `bad` samples ran: from the last good answer before
 * it (or the fault) to the first good one after. undefined when the last answers were still bad.
 */
export function longestStretch<T extends { at: number }>(samples: T[], faultAt: number, bad: (s: T) => boolean): number | undefined {
  let longest = 0;
  let lastGood = faultAt;
  // Bad from the fault on when the last answer before it is bad by now (the leader it named was struck):
  // an answer held up until the new leader came would otherwise hide the whole stretch.
  const previous = samples.filter((s) => s.at < faultAt).at(-1);
  let since: number | undefined = previous && bad(previous) ? faultAt : undefined;
  for (const s of samples) {
    if (s.at < faultAt) continue;
    if (bad(s)) since ??= lastGood;
    else {
      if (since !== undefined) longest = Math.max(longest, s.at - since);
      since = undefined;
      lastGood = s.at;
    }
  }
  return since === undefined ? longest : undefined;
}

/** The latest of each victim's times, undefined when one of them has none. */
const lastOf = (victims: number[], at: Record<number, number>) =>
  victims.every((id) => at[id] !== undefined) ? Math.max(...victims.map((id) => at[id])) : undefined;

/** The steps of a recovery by `up`, each from the end of the one before; undefined without an `up`. */
function backSteps(r: DrillRecording, healedAt: number | undefined): Measures["back"] {
  if (r.upAt === undefined || !r.comeback) return undefined;
  const runsAt = lastOf(r.victims, r.comeback.runsAt);
  const readyAt = lastOf(r.victims, r.comeback.readyAt);
  const since = (end: number | undefined, start: number | undefined) => (end === undefined || start === undefined ? undefined : Math.max(0, end - start));
  return { upToRunsMs: since(runsAt, r.upAt), runsToReadyMs: since(readyAt, runsAt), readyToReplicatedMs: since(healedAt, readyAt) };
}

export function measure(r: DrillRecording): Measures {
  const gone = (id: number) => r.victimsGone && r.victims.includes(id);
  const leaderlessMs = longestStretch(r.quorum, r.faultAt, (s) => s.leaderId < 0 || gone(s.leaderId));
  const answered = r.leadership.filter((s) => s.at >= r.faultAt);
  // A node that led nothing before the fault (a dedicated controller) leads nothing after it either.
  const ledBefore = r.leadership.filter((s) => s.at < r.faultAt && s.ledByVictim !== undefined).at(-1)?.ledByVictim;
  const led = ledBefore === 0 ? { at: r.faultAt } : answered.find((s) => s.ledByVictim === 0);
  // Fully replicated: the first answer after the last one that was not (or did not come).
  let lastImpaired = -1;
  answered.forEach((s, i) => {
    if (s.underReplicated !== 0) lastImpaired = i;
  });
  const healed = lastImpaired === -1 ? r.faultAt : answered[lastImpaired + 1]?.at;
  const ackAt = (a: Ack) => a.sentAt + a.latencyMs;
  const byPartition = new Map<number, number[]>();
  for (const a of r.acks) {
    const times = byPartition.get(a.partition) ?? [];
    times.push(ackAt(a));
    byPartition.set(a.partition, times);
  }
  const longestPartitionGap = { ms: 0, partition: -1 };
  for (const [partition, times] of [...byPartition].sort(([a], [b]) => a - b)) {
    const ms = longestGap(times);
    if (ms > longestPartitionGap.ms) Object.assign(longestPartitionGap, { ms, partition });
  }
  // Before: acked before the fault. After: sent once the lab was whole again. During: the rest, the
  // records in flight at the fault included.
  const phase = (keep: (a: Ack) => boolean) => latencyOf(r.acks.filter(keep).map((a) => a.latencyMs));
  const before = (a: Ack) => a.sentAt >= r.measuredFrom && ackAt(a) < r.faultAt;
  const after = (a: Ack) => a.sentAt >= r.wholeAt;
  const seen = new Map<number, number>();
  for (const seq of r.consumed) seen.set(seq, (seen.get(seq) ?? 0) + 1);
  return {
    leaderlessMs,
    victimLeadsMs: led ? led.at - r.faultAt : undefined,
    fullyReplicatedMs: healed === undefined ? undefined : healed - r.faultAt,
    back: backSteps(r, healed),
    longestAckGapMs: longestGap(r.acks.map(ackAt)),
    longestPartitionGap,
    latency: { before: phase(before), during: phase((a) => ackAt(a) >= r.faultAt && !after(a)), after: phase(after) },
    sent: r.sent,
    acked: r.acks.length,
    consumed: r.consumed.length,
    lost: r.acks.filter((a) => !seen.has(a.seq)).map((a) => a.seq),
    duplicated: [...seen].filter(([, n]) => n > 1).map(([seq]) => seq),
    errors: r.errors,
    complete: r.complete,
  };
}
