import { describe, expect, it } from "vitest";
import { expectedFor, failoverSettings, KAFKA_DEFAULTS } from "./expected";

describe("failoverSettings", () => {
  it("reads the cluster's values, Kafka's defaults for what it did not say", () => {
    expect(failoverSettings({ "broker.session.timeout.ms": "6000", "controller.quorum.fetch.timeout.ms": null })).toEqual({
      ...KAFKA_DEFAULTS,
      sessionTimeoutMs: 6_000,
    });
  });
});

describe("expectedFor", () => {
  const s = KAFKA_DEFAULTS;
  it("an active controller killed: the fetch timeout, then an election", () => {
    const e = expectedFor("kill-controller", ["controller"], s, { holdMs: 0, leader: true });
    expect(e.leaderless?.range).toEqual([2_000, 5_500]);
    expect(e.leaderless?.because).toContain("controller.quorum.fetch.timeout.ms 2000");
    expect(e.victimLeads).toBeUndefined(); // a dedicated controller leads no partition
  });

  it("a combined active controller: its partitions move once the new controller fences it", () => {
    expect(expectedFor("kill-controller", ["broker", "controller"], s, { holdMs: 0, leader: true }).victimLeads?.range).toEqual([9_000, 16_000]);
  });

  it("a broker killed: fenced a session after its last heartbeat; the quorum keeps its leader", () => {
    const e = expectedFor("kill-broker", ["broker"], s, { holdMs: 0, leader: false });
    expect(e.leaderless?.range).toEqual([0, 0]);
    expect(e.victimLeads?.range).toEqual([7_000, 10_500]);
  });

  it("a voter frozen for less than a session is never fenced", () => {
    expect(expectedFor("freeze-voter", ["broker", "controller"], s, { holdMs: 5_000, leader: false }).victimLeads).toBeUndefined();
    expect(expectedFor("freeze-voter", ["broker", "controller"], s, { holdMs: 12_000, leader: false }).victimLeads?.range).toEqual([7_000, 10_500]);
  });

  it("a combined controller cut off for less than a session after the election leads again once back", () => {
    expect(expectedFor("isolate-controller", ["broker", "controller"], s, { holdMs: 4_000, leader: true })).toMatchObject({
      leaderless: { range: [2_000, 5_500] },
    });
    expect(expectedFor("isolate-controller", ["broker", "controller"], s, { holdMs: 4_000, leader: true }).victimLeads).toBeUndefined();
    expect(expectedFor("isolate-controller", ["broker", "controller"], s, { holdMs: 20_000, leader: true }).victimLeads?.range).toEqual([9_000, 16_000]);
  });

  it("a graceful stop hands leadership over at once", () => {
    expect(expectedFor("wipe-broker", ["broker"], s, { holdMs: 0, leader: false }).victimLeads?.range).toEqual([0, 2_000]);
  });
});
