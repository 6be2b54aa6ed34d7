import { describe, expect, it } from "vitest";
import { type Ack, type DrillRecording, latencyOf, longestGap, longestStretch, measure, percentile } from "./measure";

describe("percentile, latencyOf, longestGap", () => {
  it("nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([], 50)).toBe(0);
    expect(latencyOf([5, 1, 3])).toEqual({ count: 3, p50: 3, p99: 5, max: 5 });
  });
  it("the longest gap between times, in any order", () => {
    expect(longestGap([10, 0, 3, 30])).toBe(20);
    expect(longestGap([7])).toBe(0);
  });
});

describe("longestStretch", () => {
  const bad = (s: { at: number; ok: boolean }) => !s.ok;
  it("runs from the last good answer before the stretch to the first good one after", () => {
    const samples = [
      { at: 900, ok: true },
      { at: 1_100, ok: true },
      { at: 1_200, ok: false },
      { at: 1_300, ok: false },
      { at: 3_400, ok: true },
    ];
    expect(longestStretch(samples, 1_000, bad)).toBe(2_300);
  });
  it("starts at the fault when the answer before it is bad by now (an answer held up until a new leader came)", () => {
    expect(
      longestStretch(
        [
          { at: 900, ok: false },
          { at: 3_044, ok: true },
        ],
        1_000,
        bad,
      ),
    ).toBe(2_044);
  });
  it("is undefined when the last answers are still bad, 0 when none was", () => {
    expect(longestStretch([{ at: 1_100, ok: false }], 1_000, bad)).toBeUndefined();
    expect(longestStretch([{ at: 1_100, ok: true }], 1_000, bad)).toBe(0);
  });
});

describe("measure", () => {
  const ack = (seq: number, partition: number, sentAt: number, latencyMs: number): Ack => ({ seq, partition, sentAt, latencyMs });
  const recording = (over: Partial<DrillRecording> = {}): DrillRecording => ({
    victims: [3],
    victimsGone: true,
    startedAt: 0,
    measuredFrom: 0,
    faultAt: 10_000,
    wholeAt: 25_000,
    endAt: 30_000,
    quorum: [
      { at: 9_900, leaderId: 3 },
      { at: 10_100, leaderId: 3 },
      { at: 12_100, leaderId: 1 },
    ],
    leadership: [
      { at: 9_900, ledByVictim: 2, underReplicated: 0 },
      { at: 10_100, ledByVictim: 2, underReplicated: 4 },
      { at: 15_000 },
      { at: 19_000, ledByVictim: 0, underReplicated: 4 },
      { at: 25_000, ledByVictim: 0, underReplicated: 0 },
    ],
    // Partition 0 waits from 9 s to 19 s; partition 1 acks throughout.
    acks: [ack(0, 0, 8_000, 5), ack(1, 1, 9_000, 4), ack(2, 0, 9_990, 9_010), ack(3, 1, 12_000, 3), ack(5, 1, 20_000, 2), ack(4, 1, 26_000, 2)],
    sent: 6,
    consumed: [0, 1, 2, 3, 3, 5],
    errors: [],
    complete: true,
    ...over,
  });

  it("times the failover from the polls", () => {
    const m = measure(recording());
    expect(m.leaderlessMs).toBe(2_100); // node 3 named leader until 12.1 s: it was struck
    expect(m.victimLeadsMs).toBe(9_000);
    expect(m.fullyReplicatedMs).toBe(15_000);
  });

  it("gaps, latencies by phase, and what came back", () => {
    const m = measure(recording());
    expect(m.longestPartitionGap).toEqual({ ms: 10_995, partition: 0 });
    expect(m.longestAckGapMs).toBe(6_997); // 12 003 to 19 000
    expect(m.latency.before).toEqual({ count: 2, p50: 4, p99: 5, max: 5 });
    expect(m.latency.during).toEqual({ count: 3, p50: 3, p99: 9_010, max: 9_010 });
    expect(m.latency.after).toEqual({ count: 1, p50: 2, p99: 2, max: 2 });
    expect(m.lost).toEqual([4]);
    expect(m.duplicated).toEqual([3]);
  });

  it("a frozen node is slowed, not gone: naming it leader is not a stretch without one", () => {
    expect(measure(recording({ victimsGone: false })).leaderlessMs).toBe(0);
  });

  it("splits a recovery by `up` into its steps: kraftlab's until the node runs, then Kafka's", () => {
    const back = (comeback: DrillRecording["comeback"]) => measure(recording({ upAt: 20_000, comeback })).back;
    expect(measure(recording()).back).toBeUndefined();
    expect(back({ runsAt: { 3: 21_500 }, readyAt: { 3: 24_000 } })).toEqual({ upToRunsMs: 1_500, runsToReadyMs: 2_500, readyToReplicatedMs: 1_000 });
    // Several struck nodes: each step ends with the last of them; one never ready leaves the rest unmeasured.
    const two = measure(recording({ victims: [2, 3], upAt: 20_000, comeback: { runsAt: { 2: 21_000, 3: 22_000 }, readyAt: { 2: 23_000 } } }));
    expect(two.back).toEqual({ upToRunsMs: 2_000, runsToReadyMs: undefined, readyToReplicatedMs: undefined });
  });

  it("leaves what did not end within the drill unmeasured", () => {
    const m = measure(recording({ quorum: [{ at: 10_100, leaderId: -1 }], leadership: [{ at: 10_100, ledByVictim: 1, underReplicated: 1 }] }));
    expect(m.leaderlessMs).toBeUndefined();
    expect(m.victimLeadsMs).toBeUndefined();
    expect(m.fullyReplicatedMs).toBeUndefined();
  });
});
