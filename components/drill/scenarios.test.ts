import { describe, expect, it } from "vitest";
import type { PartitionInfo } from "../client/cluster";
import type { Faults, NodeRef, Runtime } from "../runtime/runtime";
import { KAFKA_DEFAULTS } from "./expected";
import { type DrillFacts, DrillRefused, drillOf, drillRefusals, expectedFor, SCENARIOS, type Scenario, type StrikeContext } from "./scenarios";

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

/** A runtime that only notes what is done to which node, and what a strike gets to act on `facts`' nodes. */
function fake(facts: DrillFacts, isolationUnavailable?: string) {
  const calls: string[] = [];
  const marks: string[] = [];
  const note = (what: string) => async (node: NodeRef) => {
    calls.push(`${what} ${node.id}`);
  };
  const faults: Faults = {
    kill: note("kill"),
    freeze: note("freeze"),
    thaw: note("thaw"),
    wipe: note("wipe"),
    isolation: isolationUnavailable ? { unavailable: isolationUnavailable } : { cut: note("cut"), mend: note("mend") },
  };
  const stop = async (node: NodeRef, timeoutMs: number) => {
    calls.push(`stop ${node.id} (${timeoutMs} ms)`);
    return "stopped" as const;
  };
  const rt = { kind: "docker", faults, stop } as unknown as Runtime;
  const ctx: StrikeContext = {
    rt,
    node: (id) => ({ id, dir: `/lab/node-${id}`, dataDir: `/lab/node-${id}/data`, configFile: "server.properties", pidFile: "kafka.pid" }),
    roles: (id) => facts.nodes.find((n) => n.id === id)?.roles ?? [],
    voters: [],
    mark: (label) => marks.push(label),
  };
  return { ctx, calls, marks };
}

/** The scenario's strike on `facts`, then its undo when it has one: what each did to which node. */
async function play(scenario: Scenario, facts = lab()) {
  const drill = drillOf(scenario);
  const victims = drill.victims(facts) as number[];
  const { ctx, calls, marks } = fake(facts);
  await drill.strike(ctx, victims);
  const struck = calls.splice(0);
  if (drill.recovery.up) return { victims, struck, marks, up: drill.recovery };
  await drill.recovery.undo.act(ctx, victims);
  return { victims, struck, marks, undo: { what: drill.recovery.undo.what(victims), done: drill.recovery.undo.done, calls } };
}

const ELECTION = [2_000, 5_500];
const FENCED = [7_000, 10_500];
const FENCED_AFTER_ELECTION = [9_000, 16_000];
const combined = ["broker", "controller"];

/** Each entry of the table, on fakes: a scenario without its tests here does not compile. */
const ENTRIES: Record<Scenario, () => void> = {
  "kill-controller": () => {
    it("kills the active controller; up brings it back once the failover is seen", async () => {
      expect(await play("kill-controller")).toEqual({ victims: [2], struck: ["kill 2"], marks: ["node 2 killed"], up: { up: true, afterFailover: true } });
    });
    it("expects an election; a combined node's partitions move once the new controller fences it", () => {
      const dedicated = expectedFor("kill-controller", ["controller"], KAFKA_DEFAULTS, { holdMs: 0, leader: true });
      expect(dedicated.leaderless?.range).toEqual(ELECTION);
      expect(dedicated.victimLeads).toBeUndefined(); // a dedicated controller leads no partition
      expect(expectedFor("kill-controller", combined, KAFKA_DEFAULTS, { holdMs: 0, leader: true }).victimLeads?.range).toEqual(FENCED_AFTER_ELECTION);
    });
    it("refuses a quorum without a leader, and one of fewer than 3 voters, naming the fix", () => {
      expect(drillRefusals("kill-controller", { ...lab(), leaderId: -1 })).toEqual([
        "kill-controller: the quorum has no leader now: wait until `npm run status` shows one",
      ]);
      expect(drillRefusals("kill-controller", { ...lab(), voters: [1, 2] })).toEqual([
        "kill-controller: node 2 is one of 2 voter(s); without it no quorum remains. Give kraftlab:nodes 3 controllers (roles: [controller] or [broker, controller]) first",
      ]);
    });
  },
  "kill-broker": () => {
    it("kills the broker that leads the most partitions; up brings it back once the failover is seen", async () => {
      expect(await play("kill-broker")).toEqual({ victims: [3], struck: ["kill 3"], marks: ["node 3 killed"], up: { up: true, afterFailover: true } });
    });
    it("expects it fenced a session after its last heartbeat, the quorum keeping its leader unless it led", () => {
      const follower = expectedFor("kill-broker", ["broker"], KAFKA_DEFAULTS, { holdMs: 0, leader: false });
      expect([follower.leaderless?.range, follower.victimLeads?.range]).toEqual([[0, 0], FENCED]);
      const leader = expectedFor("kill-broker", combined, KAFKA_DEFAULTS, { holdMs: 0, leader: true });
      expect([leader.leaderless?.range, leader.victimLeads?.range]).toEqual([ELECTION, FENCED_AFTER_ELECTION]);
    });
    it("expects it back with its data: its start, then its followers catching up", () => {
      const back = expectedFor("kill-broker", ["broker"], KAFKA_DEFAULTS, { holdMs: 0, leader: false });
      expect([back.ready?.range, back.caughtUp?.range]).toEqual([
        [0, 16_000],
        [0, 2_500],
      ]);
    });
    it("refuses to lose a topic with one replica or min.insync.replicas 1 (not the cluster's own)", () => {
      const facts = lab([p("orders", 0, 3, [3, 1, 2]), p("solo", 0, 3, [3]), p("loose", 0, 3, [3, 1], 1), p("__consumer_offsets", 0, 3, [3], 1)]);
      expect(drillRefusals("kill-broker", facts)).toEqual([
        "kill-broker: topic solo has 1 replica, on node 3: its records would be unavailable or lost. Set kraftlab:topics.solo.replicationFactor to 3 (or delete the topic) first",
        'kill-broker: topic loose has min.insync.replicas 1: a record acked by node 3 alone would be lost. Set kraftlab:topics.loose.configs["min.insync.replicas"] to 2 first',
      ]);
    });
    it("refuses a lab of fewer than 3 brokers, or none", () => {
      const two: DrillFacts = {
        ...lab([p("t", 0, 4, [4, 5])]),
        nodes: [
          { id: 4, roles: ["broker"] },
          { id: 5, roles: ["broker"] },
        ],
      };
      expect(drillRefusals("kill-broker", two)[0]).toMatch(/^kill-broker: the lab has 2 broker\(s\); .* Add brokers to kraftlab:nodes first$/);
      expect(drillRefusals("kill-broker", { ...lab([]), nodes: [{ id: 1, roles: ["controller"] }] })).toEqual(["kill-broker: the lab has no broker"]);
    });
  },
  "freeze-voter": () => {
    it("freezes the lowest follower voter, resumed when the hold ends or Ctrl-C comes", async () => {
      expect(await play("freeze-voter")).toEqual({
        victims: [1],
        struck: ["freeze 1"],
        marks: ["node 1 frozen"],
        undo: { what: "node 1 resumed", done: "resumed", calls: ["thaw 1"] },
      });
    });
    it("expects the quorum to keep its leader; a broker frozen for less than a session is never fenced", () => {
      expect(expectedFor("freeze-voter", combined, KAFKA_DEFAULTS, { holdMs: 5_000, leader: false })).toEqual({
        leaderless: expect.objectContaining({ range: [0, 0] }),
      });
      expect(expectedFor("freeze-voter", combined, KAFKA_DEFAULTS, { holdMs: 12_000, leader: false }).victimLeads?.range).toEqual(FENCED);
    });
    it("refuses a quorum without a follower", () => {
      expect(drillRefusals("freeze-voter", { ...lab(), voters: [2] })).toEqual(["freeze-voter: the quorum has no follower voter"]);
    });
  },
  "isolate-controller": () => {
    it("cuts the active controller off, reconnected when the hold ends or Ctrl-C comes", async () => {
      expect(await play("isolate-controller")).toEqual({
        victims: [2],
        struck: ["cut 2"],
        marks: ["node 2 cut off"],
        undo: { what: "node 2 reconnected", done: "reconnected", calls: ["mend 2"] },
      });
    });
    it("expects an election; a combined node cut off for less than a session after it leads again once back", () => {
      const short = expectedFor("isolate-controller", combined, KAFKA_DEFAULTS, { holdMs: 4_000, leader: true });
      expect([short.leaderless?.range, short.victimLeads]).toEqual([ELECTION, undefined]);
      const long = expectedFor("isolate-controller", combined, KAFKA_DEFAULTS, { holdMs: 20_000, leader: true });
      expect(long.victimLeads?.range).toEqual(FENCED_AFTER_ELECTION);
    });
    it("refuses a runtime that cannot cut a node off, and never strikes through one", async () => {
      expect(drillRefusals("isolate-controller", { ...lab(), isolationUnavailable: "processes share one network" })).toEqual([
        "isolate-controller: processes share one network",
      ]);
      const { ctx } = fake(lab(), "processes share one network");
      await expect(drillOf("isolate-controller").strike(ctx, [2])).rejects.toThrow(DrillRefused);
    });
  },
  "wipe-broker": () => {
    it("stops the broker-only node holding the most replicas and removes its data; up repairs it", async () => {
      expect(await play("wipe-broker")).toEqual({
        victims: [4],
        struck: ["stop 4 (60000 ms)", "wipe 4"],
        marks: ["node 4 stopped", "data removed"],
        up: { up: true, afterFailover: false },
      });
    });
    it("expects a controlled shutdown to hand its leaderships over at once, and its start; no bound on copying its data again", () => {
      expect(expectedFor("wipe-broker", ["broker"], KAFKA_DEFAULTS, { holdMs: 0, leader: false })).toEqual({
        victimLeads: expect.objectContaining({ range: [0, 2_000] }),
        ready: expect.objectContaining({ range: [0, 16_000] }),
      });
    });
    it("refuses a lab whose brokers are all controllers", () => {
      expect(drillRefusals("wipe-broker", { ...lab(), nodes: lab().nodes.slice(0, 3) })).toEqual([
        "wipe-broker: the lab has no broker that is not a controller",
      ]);
    });
  },
  "restart-all": () => {
    it("stops every node, the brokers first; up starts them", async () => {
      expect(await play("restart-all")).toEqual({
        victims: [1, 2, 3, 4],
        struck: ["stop 4 (60000 ms)", "stop 1 (60000 ms)", "stop 2 (60000 ms)", "stop 3 (60000 ms)"],
        marks: ["all stopped"],
        up: { up: true, afterFailover: false },
      });
      expect(drillOf("restart-all").victimsGone).toBe(false); // stopped gracefully: the quorum goes with its last voters
    });
    it("expects nothing of the failover", () => {
      expect(expectedFor("restart-all", combined, KAFKA_DEFAULTS, { holdMs: 0, leader: true })).toEqual({});
    });
    it("refuses nothing: every node goes, gracefully", () => {
      expect(drillRefusals("restart-all", { ...lab([p("solo", 0, 3, [3], 1)]), voters: [1, 2] })).toEqual([]);
    });
  },
};

for (const scenario of SCENARIOS) describe(scenario, ENTRIES[scenario]);

describe("drillRefusals", () => {
  it("lets every drill run on a safe lab whose runtime can do it", () => {
    for (const scenario of SCENARIOS) expect(drillRefusals(scenario, lab())).toEqual([]);
  });
});
