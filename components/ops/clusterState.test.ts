import { describe, expect, it } from "vitest";
import type { QuorumDescription } from "../client/cluster";
import { caughtUp, quorumState, quorumStatus } from "./clusterState";

const described: QuorumDescription = {
  leaderId: 2,
  leaderEpoch: 3,
  highWatermark: 810,
  voters: [
    { id: 1, directoryId: "vQe", logEndOffset: 812, lastFetchTimestamp: 1_000, lastCaughtUpTimestamp: 1_000, endpoints: ["CONTROLLER://127.0.0.1:9094"] },
    { id: 2, directoryId: "d8D", logEndOffset: 812, lastFetchTimestamp: 1_500, lastCaughtUpTimestamp: 1_500, endpoints: ["CONTROLLER://127.0.0.1:9194"] },
    { id: 3, directoryId: "", logEndOffset: 700, lastFetchTimestamp: 1_400, lastCaughtUpTimestamp: -1, endpoints: [] },
  ],
  observers: [{ id: 4, directoryId: "IlF", logEndOffset: 811, lastFetchTimestamp: 1_400, lastCaughtUpTimestamp: 1_400 }],
};

describe("quorumState", () => {
  it("gives each replica its lag behind the leader's log end", () => {
    const q = quorumState(described);
    expect(q.leaderId).toBe(2);
    expect(q.voters.map((v) => [v.id, v.lag])).toEqual([
      [1, 0],
      [2, 0],
      [3, 112],
    ]);
    expect(q.observers).toEqual([{ id: 4, directoryId: "IlF", lag: 1, lastFetch: 1_400, lastCaughtUp: 1_400 }]);
  });

  it("tells who is caught up by the leader's rule, by directory, and never one that never caught up", () => {
    const q = quorumState(described);
    expect(caughtUp(q, 1, "vQe", 2_000)).toBe(true);
    expect(caughtUp(q, 1, "other", 2_000)).toBe(false);
    expect(caughtUp(q, 4, undefined, 2_000)).toBe(true);
    expect(caughtUp(q, 4, undefined, 50)).toBe(false);
    expect(caughtUp(q, 3, undefined, 2_000)).toBe(false);
  });
});

describe("quorumStatus", () => {
  it("keeps the voters' directory ids and first endpoint, and the observers", () => {
    expect(quorumStatus(described)).toEqual({
      leaderId: 2,
      voters: [
        { id: 1, directoryId: "vQe", endpoint: "CONTROLLER://127.0.0.1:9094" },
        { id: 2, directoryId: "d8D", endpoint: "CONTROLLER://127.0.0.1:9194" },
        { id: 3, directoryId: "" },
      ],
      observers: [{ id: 4, directoryId: "IlF" }],
    });
  });
});
