import { describe, expect, it } from "vitest";
import { drainPlan, moves } from "./reassign";

const p = (topic: string, partition: number, replicas: number[]) => ({ topic, partition, leader: replicas[0], replicas, isr: replicas, minIsr: 2 });

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

describe("moves", () => {
  it("keeps only the partitions of a proposal whose replica set changes", () => {
    const proposed = [
      { topic: "a", partition: 0, replicas: [2, 3, 1] },
      { topic: "a", partition: 1, replicas: [4, 1, 2] },
    ];
    expect(moves([p("a", 0, [1, 2, 3]), p("a", 1, [1, 2, 3])], proposed)).toEqual([{ topic: "a", partition: 1, from: [1, 2, 3], to: [4, 1, 2] }]);
  });
});
