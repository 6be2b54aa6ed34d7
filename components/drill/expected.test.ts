import { describe, expect, it } from "vitest";
import { expectationsOf, failoverSettings, KAFKA_DEFAULTS, outlasts } from "./expected";

describe("failoverSettings", () => {
  it("reads the cluster's values, Kafka's defaults for what it did not say", () => {
    expect(failoverSettings({ "broker.session.timeout.ms": "6000", "controller.quorum.fetch.timeout.ms": null })).toEqual({
      ...KAFKA_DEFAULTS,
      sessionTimeoutMs: 6_000,
    });
  });
});

describe("expectationsOf", () => {
  const e = expectationsOf(KAFKA_DEFAULTS);
  it("an election: the fetch timeout, then up to two election timeouts and a backoff", () => {
    expect(e.election.range).toEqual([2_000, 5_500]);
    expect(e.election.because).toContain("controller.quorum.fetch.timeout.ms 2000");
  });

  it("a broker fenced a session after its last heartbeat; after an election, counted afresh", () => {
    expect(e.fenced.range).toEqual([7_000, 10_500]);
    expect(e.fencedAfterElection.range).toEqual([9_000, 16_000]);
  });

  it("nothing to wait for, and a graceful stop's hand-over", () => {
    expect(e.none.range).toEqual([0, 0]);
    expect(e.handedOver.range).toEqual([0, 2_000]);
  });

  it("a hold outlasts an expectation only past its upper bound", () => {
    expect([outlasts(10_500, e.fenced), outlasts(10_501, e.fenced)]).toEqual([false, true]);
  });

  it("a node started again: its own start, the quorum's fetch timeout and two heartbeats; its followers, two fetch rounds", () => {
    expect(e.ready.range).toEqual([0, 16_000]);
    expect(e.ready.because).toContain("broker.heartbeat.interval.ms 2000");
    expect(e.caughtUp.range).toEqual([0, 2_500]);
    expect(e.caughtUp.because).toContain("replica.fetch.wait.max.ms 500");
  });

  it("follows the lab's settings", () => {
    expect(expectationsOf({ ...KAFKA_DEFAULTS, sessionTimeoutMs: 6_000 }).fenced.range).toEqual([4_000, 7_500]);
  });
});
