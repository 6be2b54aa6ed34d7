import { describe, expect, it } from "vitest";
import { partitionProblems, quorumProblems } from "./admin";
import { caughtUp, parsePartitions, parseQuorum } from "./clusterState";

// As Kafka 4.3's kafka-topics --describe prints them (tab-separated).
const DESCRIBE = [
  "Topic: orders\tTopicId: 3b5Jq0pKQyWm7q2G3M0n1A\tPartitionCount: 2\tReplicationFactor: 3\tConfigs: min.insync.replicas=2",
  "\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3\tElr: \tLastKnownElr: ",
  "\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 2,3,4\tIsr: 4\tElr: \tLastKnownElr: ",
  "",
].join("\n");

describe("parsePartitions", () => {
  it("reads each partition's leader, replicas and ISR, skipping the topic line", () => {
    expect(parsePartitions(DESCRIBE)).toEqual([
      { topic: "orders", partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] },
      { topic: "orders", partition: 1, leader: -1, replicas: [2, 3, 4], isr: [4] },
    ]);
  });

  it("names offline and under-replicated partitions", () => {
    expect(partitionProblems(parsePartitions(DESCRIBE))).toEqual(["1 offline partition(s) (orders-1)", "1 under-replicated partition(s) (orders-1)"]);
    expect(partitionProblems(parsePartitions(DESCRIBE).slice(0, 1))).toEqual([]);
  });
});

describe("parseQuorum", () => {
  const replication = [
    "NodeId  DirectoryId             LogEndOffset  Lag  LastFetchTimestamp  LastCaughtUpTimestamp  Status",
    "2       pJ8s0Y6cQ6i8c2T0y0u2nw  812           0    1763740000000       1763740000000          Leader",
    "1       c2w1Yh3QSh6k0Q2qzv0l6g  812           0    1763740000000       1763740000000          Follower",
    "3       Zq9xk3rHSH2z8pB2pWc3LQ  700           112  1763740000000       1763740000000          Follower",
    "4       B0p3gZ7uQJyQH8m8b1v2xg  812           0    1763740000000       1763740000000          Observer",
  ].join("\n");

  it("reads the leader, the voters' and the observers' lag and fetch times", () => {
    const t = { lastFetch: 1763740000000, lastCaughtUp: 1763740000000 };
    expect(parseQuorum(replication)).toEqual({
      leaderId: 2,
      voters: [
        { id: 2, directoryId: "pJ8s0Y6cQ6i8c2T0y0u2nw", lag: 0, ...t },
        { id: 1, directoryId: "c2w1Yh3QSh6k0Q2qzv0l6g", lag: 0, ...t },
        { id: 3, directoryId: "Zq9xk3rHSH2z8pB2pWc3LQ", lag: 112, ...t },
      ],
      observers: [{ id: 4, directoryId: "B0p3gZ7uQJyQH8m8b1v2xg", lag: 0, ...t }],
    });
  });

  it("counts a replica caught up when it was, within the fetch timeout of the leader's latest fetch, on the directory asked", () => {
    const replica = (id: number, lastCaughtUp: number, directoryId = "d") => ({ id, directoryId, lag: 0, lastFetch: 10_000, lastCaughtUp });
    // Node 4 was formatted again: its old directory lingers as an observer that no longer fetches.
    const q = { leaderId: 1, voters: [replica(1, 10_000), replica(2, 9_000)], observers: [replica(4, 7_000, "old"), replica(4, 9_500, "new")] };
    expect(caughtUp(q, 2, "d", 2_000)).toBe(true);
    expect(caughtUp(q, 4, "new", 2_000)).toBe(true);
    expect(caughtUp(q, 4, "old", 2_000)).toBe(false);
    expect(caughtUp(q, 9, "d", 2_000)).toBe(false);
    expect(caughtUp({ ...q, leaderId: -1 }, 2, "d", 2_000)).toBe(false);
  });

  it("waits for a leader and for every voter to catch up", () => {
    const q = parseQuorum(replication);
    expect(quorumProblems(q, [1, 2, 3])).toEqual(["controller(s) 3 to catch up with the quorum leader 2"]);
    expect(quorumProblems(q, [1, 2])).toEqual([]);
    expect(quorumProblems({ ...q, leaderId: -1 }, [1, 2])).toEqual(["the quorum to have a leader"]);
  });
});
