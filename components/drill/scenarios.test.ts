import { describe, expect, it } from "vitest";
import type { PartitionInfo } from "../client/cluster";
import { type DrillFacts, drillRefusals, victimOf } from "./scenarios";

const p = (topic: string, partition: number, leader: number, replicas: number[], minIsr = 2): PartitionInfo => ({
  topic,
  partition,
  leader,
  replicas,
  isr: replicas,
  minIsr,
});

/** Three combined nodes and a broker; node 2 leads the quorum, node 3 the most partitions. */
const lab = (partitions: PartitionInfo[] = [p("orders", 0, 3, [3, 1, 2]), p("orders", 1, 3, [3, 4, 1]), p("orders", 2, 1, [1, 4, 3])]): DrillFacts => ({
  nodes: [
    { id: 1, roles: ["broker", "controller"] },
    { id: 2, roles: ["broker", "controller"] },
    { id: 3, roles: ["broker", "controller"] },
    { id: 4, roles: ["broker"] },
  ],
  voters: [1, 2, 3],
  leaderId: 2,
  partitions,
});

describe("victimOf", () => {
  it("strikes the active controller, the busiest leader, a follower voter, a broker-only node", () => {
    expect(victimOf("kill-controller", lab())).toEqual([2]);
    expect(victimOf("isolate-controller", lab())).toEqual([2]);
    expect(victimOf("kill-broker", lab())).toEqual([3]);
    expect(victimOf("freeze-voter", lab())).toEqual([1]);
    expect(victimOf("wipe-broker", lab())).toEqual([4]);
    expect(victimOf("restart-all", lab())).toEqual([1, 2, 3, 4]);
  });

  it("says why when there is no such node", () => {
    expect(victimOf("kill-controller", { ...lab(), leaderId: -1 })).toMatch(/no leader now/);
    expect(victimOf("wipe-broker", { ...lab(), nodes: lab().nodes.slice(0, 3) })).toBe("the lab has no broker that is not a controller");
  });
});

describe("drillRefusals", () => {
  it("lets a safe drill run", () => {
    for (const scenario of ["kill-controller", "kill-broker", "freeze-voter", "wipe-broker", "restart-all"] as const) {
      expect(drillRefusals(scenario, lab())).toEqual([]);
    }
  });

  it("refuses to strike a voter of fewer than 3, naming the fix", () => {
    const two = { ...lab(), voters: [1, 2] };
    expect(drillRefusals("kill-controller", two)).toEqual([
      "kill-controller: node 2 is one of 2 voter(s); without it no quorum remains. Give kraftlab:nodes 3 controllers (roles: [controller] or [broker, controller]) first",
    ]);
  });

  it("refuses a broker kill that would lose a topic with one replica or min.insync.replicas 1", () => {
    const facts = lab([p("orders", 0, 3, [3, 1, 2]), p("solo", 0, 3, [3]), p("loose", 0, 3, [3, 1], 1), p("__consumer_offsets", 0, 3, [3], 1)]);
    expect(drillRefusals("kill-broker", facts)).toEqual([
      "kill-broker: topic solo has 1 replica, on node 3: its records would be unavailable or lost. Set kraftlab:topics.solo.replicationFactor to 3 (or delete the topic) first",
      'kill-broker: topic loose has min.insync.replicas 1: a record acked by node 3 alone would be lost. Set kraftlab:topics.loose.configs["min.insync.replicas"] to 2 first',
    ]);
  });

  it("refuses what the runtime cannot do, and a lab without the node a drill needs", () => {
    expect(drillRefusals("isolate-controller", { ...lab(), isolationUnavailable: "processes share one network" })).toEqual([
      "isolate-controller: processes share one network",
    ]);
    expect(drillRefusals("wipe-broker", { ...lab(), nodes: lab().nodes.slice(0, 3) })).toEqual(["wipe-broker: the lab has no broker that is not a controller"]);
  });

  it("refuses a broker kill with fewer than 3 brokers", () => {
    const facts: DrillFacts = {
      ...lab([p("t", 0, 4, [4, 5])]),
      nodes: [
        { id: 4, roles: ["broker"] },
        { id: 5, roles: ["broker"] },
      ],
    };
    expect(drillRefusals("kill-broker", facts)[0]).toMatch(/^kill-broker: the lab has 2 broker\(s\); .* Add brokers to kraftlab:nodes first$/);
  });
});
