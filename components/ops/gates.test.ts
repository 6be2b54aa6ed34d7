import { describe, expect, it } from "vitest";
import type { PartitionInfo, QuorumDescription } from "../client/cluster";
import type { QuorumState } from "./clusterState";
import {
  brokerStopProblems,
  controllerStopProblems,
  metadataLagProblems,
  partitionProblems,
  quorumProblems,
  quorumUnprotectable,
  readyProblems,
  unprotectable,
} from "./gates";

const p = (partition: number, replicas: number[], isr: number[], minIsr = 2, leader = isr[0] ?? -1): PartitionInfo => ({
  topic: "orders",
  partition,
  leader,
  replicas,
  isr,
  minIsr,
});

/** Voters 1-3, leader 2 fetched at 10 000 ms; `lastCaughtUp` per voter. */
const quorum = (lastCaughtUp: Record<number, number>, leaderId = 2): QuorumState => ({
  leaderId,
  voters: [1, 2, 3].map((id) => ({ id, directoryId: `d${id}`, lag: 0, lastFetch: 10_000, lastCaughtUp: lastCaughtUp[id] ?? 10_000 })),
  observers: [{ id: 4, directoryId: "d4", lag: 0, lastFetch: 10_000, lastCaughtUp: 10_000 }],
});

describe("brokerStopProblems", () => {
  it("lets a broker stop while every partition it replicates keeps min.insync.replicas without it", () => {
    expect(brokerStopProblems([p(0, [1, 2, 3], [1, 2, 3]), p(1, [2, 3, 4], [2, 3])], 1)).toEqual([]);
  });

  it("holds a broker whose stop would leave a partition below min.insync.replicas, naming it", () => {
    expect(brokerStopProblems([p(0, [1, 2, 3], [1, 2]), p(1, [1, 2, 3], [1, 2, 3])], 1)).toEqual([
      "1 partition(s) that would fall below min.insync.replicas without broker 1 (orders-0)",
    ]);
    expect(brokerStopProblems([p(0, [1, 2, 3], [], 2, -1)], 1)).toEqual(["1 offline partition(s) (orders-0)"]);
  });

  it("never waits for partitions no roll can keep writable (replication factor ≤ min.insync.replicas)", () => {
    const single = p(0, [1], [1], 1);
    expect(brokerStopProblems([single, p(1, [1, 2], [1, 2], 2)], 1)).toEqual([]);
    expect(unprotectable([single, p(1, [1, 2, 3], [1], 2)])).toEqual([single]);
  });
});

describe("controllerStopProblems", () => {
  it("lets a controller stop while a majority of the voters stays caught up without it", () => {
    expect(controllerStopProblems(quorum({}), 1)).toEqual([]);
    // Voter 3 caught up 1.5 s before the leader's last fetch: within the 2 s fetch timeout.
    expect(controllerStopProblems(quorum({ 3: 8_500 }), 1)).toEqual([]);
  });

  it("holds it when without it fewer than ⌊(N+2)/2⌋ voters are caught up", () => {
    expect(controllerStopProblems(quorum({ 3: 5_000 }), 1)).toEqual(["controller(s) 3 to catch up with the quorum leader 2 (1 of 2 needed without node 1)"]);
    expect(controllerStopProblems({ ...quorum({}), leaderId: -1 }, 1)).toEqual(["the quorum to have a leader"]);
  });

  it("does not wait on a quorum of 1 or 2 voters, which no order keeps available", () => {
    const alone = { ...quorum({}), leaderId: 1, voters: quorum({}).voters.slice(0, 1) };
    const pair = { ...quorum({ 2: 0 }), voters: quorum({ 2: 0 }).voters.slice(0, 2) };
    expect(controllerStopProblems(alone, 1)).toEqual([]);
    expect(controllerStopProblems(pair, 1)).toEqual([]);
    expect([1, 2, 3, 4, 5].map(quorumUnprotectable)).toEqual([true, true, false, false, false]);
  });
});

describe("readyProblems", () => {
  const brokers = [
    { id: 1, host: "h", port: 1, fenced: false },
    { id: 4, host: "h", port: 1, fenced: true },
  ];

  it("is ready once registered and unfenced (a broker) and caught up (a controller)", () => {
    expect(readyProblems(1, ["broker", "controller"], brokers, quorum({}))).toEqual([]);
    expect(readyProblems(4, ["broker"], brokers, undefined)).toEqual(["broker 4 to be unfenced"]);
    expect(readyProblems(5, ["broker"], brokers, undefined)).toEqual(["broker 5 to register"]);
    expect(readyProblems(3, ["controller"], undefined, quorum({ 3: -1 }))).toEqual(["controller 3 to catch up with the quorum leader"]);
    // Formatted again: its old directory is still a voter, far behind; the new one has caught up as an observer.
    const wiped = quorum({ 3: -1 });
    wiped.observers.push({ id: 3, directoryId: "new", lag: 0, lastFetch: 10_000, lastCaughtUp: 10_000 });
    expect(readyProblems(3, ["controller"], undefined, wiped, "new")).toEqual([]);
    expect(readyProblems(3, ["controller"], undefined, wiped, "d3")).toEqual(["controller 3 to catch up with the quorum leader"]);
  });
});

describe("partitionProblems and quorumProblems", () => {
  it("name offline and under-replicated partitions, and voters behind", () => {
    expect(partitionProblems([p(0, [1, 2, 3], [1, 2, 3]), p(1, [2, 3, 4], [], 2, -1)])).toEqual([
      "1 offline partition(s) (orders-1)",
      "1 under-replicated partition(s) (orders-1)",
    ]);
    expect(quorumProblems(quorum({ 1: 0 }), [1, 2, 3])).toEqual(["controller(s) 1 to catch up with the quorum leader 2"]);
    expect(quorumProblems(quorum({}), [1, 2, 3])).toEqual([]);
  });
});

describe("metadataLagProblems", () => {
  const replica = (id: number, logEndOffset: number) => ({ id, directoryId: "", logEndOffset, lastFetchTimestamp: 0, lastCaughtUpTimestamp: 0 });
  const q = (ends: Record<number, number>, observers: Record<number, number> = {}): QuorumDescription => ({
    leaderId: 1,
    leaderEpoch: 3,
    highWatermark: 120,
    voters: Object.entries(ends).map(([id, end]) => ({ ...replica(Number(id), end), endpoints: [] })),
    observers: Object.entries(observers).map(([id, end]) => replica(Number(id), end)),
  });

  it("names every node, voter or observer, whose metadata log stops short of the committed offset", () => {
    expect(metadataLagProblems(q({ 1: 120, 2: 119, 3: 120 }, { 4: 100 }), 120)).toEqual(["node(s) 2, 4 to replicate the metadata log up to offset 120"]);
  });

  it("is content once every node reached it", () => {
    expect(metadataLagProblems(q({ 1: 121, 2: 120, 3: 120 }, { 4: 125 }), 120)).toEqual([]);
  });
});
