import { describe, expect, it } from "vitest";
import { labStatus, renderStatus } from "./view";

const p = (partition: number, leader: number, replicas: number[], isr: number[]) => ({ topic: "orders", partition, leader, replicas, isr });
const node = (id: number, alive = true, extra = {}) => ({ id, roles: ["broker", "controller"], where: `pid ${100 + id}`, alive, version: "4.3.1", ...extra });
const quorum = {
  leaderId: 1,
  voters: [
    { id: 1, directoryId: "d", lag: 0, lastFetch: 0, lastCaughtUp: 0 },
    { id: 2, directoryId: "d", lag: 0, lastFetch: 0, lastCaughtUp: 0 },
    { id: 3, directoryId: "d", lag: 0, lastFetch: 0, lastCaughtUp: 0 },
  ],
  observers: [{ id: 4, directoryId: "d", lag: 2, lastFetch: 0, lastCaughtUp: 0 }],
};

describe("labStatus", () => {
  it("is healthy when every node runs, the quorum has a leader and every partition is led and in sync", () => {
    const status = labStatus({
      nodes: [node(1), node(2), node(3)],
      partitions: [p(0, 1, [1, 2, 3], [1, 2, 3]), p(1, 2, [2, 3, 1], [2, 3, 1])],
      quorum,
      renewBeforeDays: 30,
    });
    expect(status.problems).toEqual([]);
    expect(status.nodes.map((n) => [n.id, n.quorumRole, n.led])).toEqual([
      [1, "leader", 1],
      [2, "follower", 1],
      [3, "follower", 0],
    ]);
  });

  it("says what is wrong: a node down, a lagging controller, offline and under-replicated partitions, a certificate near expiry", () => {
    const lagging = {
      ...quorum,
      voters: [
        { id: 1, directoryId: "d", lag: 0, lastFetch: 0, lastCaughtUp: 0 },
        { id: 2, directoryId: "d", lag: 0, lastFetch: 0, lastCaughtUp: 0 },
        { id: 3, directoryId: "d", lag: 40, lastFetch: 0, lastCaughtUp: 0 },
      ],
    };
    const status = labStatus({
      nodes: [node(1, true, { certificateDays: 364 }), node(2, true, { certificateDays: 12 }), node(3, false), node(4)],
      partitions: [p(0, 1, [1, 2, 3], [1, 2]), p(1, -1, [3], []), p(2, 4, [4, 1], [4, 1])],
      quorum: lagging,
      renewBeforeDays: 30,
    });
    expect(status.problems).toEqual([
      "node 3 is down",
      "controller 3 lags 40 records behind the leader",
      "1 offline partition(s)",
      "1 under-replicated partition(s)",
      "node 2's certificate expires in 12 day(s); run `npm run up` to renew it",
    ]);
    expect(status.nodes.map((n) => [n.id, n.quorumRole, n.lag, n.underReplicated, n.offline])).toEqual([
      [1, "leader", 0, 1, 0],
      [2, "follower", 0, 0, 0],
      [3, "follower", 40, 0, 1],
      [4, "observer", 2, 0, 0],
    ]);
  });

  it("counts a cluster that does not answer as a problem", () => {
    expect(labStatus({ nodes: [node(1, false)], renewBeforeDays: 30 }).problems).toEqual(["node 1 is down", "the cluster did not answer"]);
  });
});

describe("renderStatus", () => {
  it("prints a verdict, one aligned row per node and the lab's addresses", () => {
    const status = labStatus({
      nodes: [node(1, true, { certificateDays: 364 }), node(2, false)],
      partitions: [p(0, 1, [1], [1])],
      quorum,
      renewBeforeDays: 30,
    });
    expect(renderStatus("dev", status, [["bootstrap", "127.0.0.1:9092"]])).toBe(
      [
        "lab dev: NOT healthy: node 2 is down",
        "ID  ROLES              RUNS     STATE  QUORUM    LAG  LED  URP  OFFLINE  CERT DAYS  VERSION",
        "1   broker,controller  pid 101  up     leader    0    1    0    0        364        4.3.1",
        "2   broker,controller  pid 102  down   follower  0    0    0    0        -          4.3.1",
        "",
        "bootstrap: 127.0.0.1:9092",
        "",
      ].join("\n"),
    );
  });
});
