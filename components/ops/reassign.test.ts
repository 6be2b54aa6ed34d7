import { describe, expect, it } from "vitest";
import { drainPlan, moves, parseGenerated, pendingReassignments } from "./reassign";

const p = (topic: string, partition: number, replicas: number[]) => ({ topic, partition, leader: replicas[0], replicas, isr: replicas });

describe("drainPlan", () => {
  it("moves only the leaving broker's replicas, each to the least loaded broker that lacks the partition", () => {
    const all = [p("a", 0, [1, 2, 4]), p("a", 1, [4, 3, 1]), p("b", 0, [2, 3, 1])];
    expect(drainPlan(all, 4, [1, 2, 3])).toEqual([
      { topic: "a", partition: 0, replicas: [1, 2, 3] },
      { topic: "a", partition: 1, replicas: [2, 3, 1] },
    ]);
  });

  it("refuses when too few brokers would remain for a partition's replicas", () => {
    expect(() => drainPlan([p("a", 0, [1, 2, 3])], 3, [1, 2])).toThrow(
      "a-0 has 3 replicas and only 2 other broker(s) would remain, so broker 3 cannot be drained; add a broker first, or lower that topic's replication factor",
    );
  });
});

describe("rebalance plan", () => {
  const generated = [
    "Current partition replica assignment",
    '{"version":1,"partitions":[{"topic":"a","partition":0,"replicas":[1,2,3],"log_dirs":["any","any","any"]}]}',
    "",
    "Proposed partition reassignment configuration",
    '{"version":1,"partitions":[{"topic":"a","partition":0,"replicas":[2,3,1],"log_dirs":["any","any","any"]},{"topic":"a","partition":1,"replicas":[4,1,2],"log_dirs":["any","any","any"]}]}',
    "",
  ].join("\n");

  it("reads the proposal and keeps only the partitions whose replica set changes", () => {
    const proposed = parseGenerated(generated);
    expect(proposed).toEqual([
      { topic: "a", partition: 0, replicas: [2, 3, 1] },
      { topic: "a", partition: 1, replicas: [4, 1, 2] },
    ]);
    expect(moves([p("a", 0, [1, 2, 3]), p("a", 1, [1, 2, 3])], proposed)).toEqual([{ topic: "a", partition: 1, from: [1, 2, 3], to: [4, 1, 2] }]);
  });

  it("lists what --verify still waits for", () => {
    const verify = [
      "Status of partition reassignment:",
      "Reassignment of partition a-0 is completed.",
      "Reassignment of partition a-1 is still in progress.",
      "",
      "Clearing broker-level throttles on brokers 1,2,3,4",
    ].join("\n");
    expect(pendingReassignments(verify)).toEqual(["Reassignment of partition a-1 is still in progress."]);
  });
});
