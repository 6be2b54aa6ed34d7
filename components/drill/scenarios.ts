// The failure drills: which node each one strikes, and which labs it refuses before it starts (a drill
// that would lose data or the quorum). Pure: the facts come in from the running cluster.
import type { PartitionInfo } from "../client/cluster";

export const SCENARIOS = ["kill-controller", "kill-broker", "freeze-voter", "isolate-controller", "wipe-broker", "restart-all"] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** What a drill does, in a line. */
export const SCENARIO_TEXT: Record<Scenario, string> = {
  "kill-controller": "SIGKILL of the active controller",
  "kill-broker": "SIGKILL of the broker that leads the most partitions",
  "freeze-voter": "SIGSTOP of a follower voter, resumed after a while",
  "isolate-controller": "the active controller cut off the others, then reconnected",
  "wipe-broker": "a broker stopped, its data removed, then repaired by `up`",
  "restart-all": "every node stopped (brokers first), then started by `up`",
};

/** The running cluster as a drill sees it before it starts. */
export interface DrillFacts {
  nodes: { id: number; roles: string[] }[];
  /** The voters of the metadata quorum, and its leader (the active controller). */
  voters: number[];
  leaderId: number;
  partitions: PartitionInfo[];
  /** Why this runtime cannot cut a node off the others, when it cannot. */
  isolationUnavailable?: string;
}

/** The node a drill strikes (every node for restart-all), or why it has none. */
export function victimOf(scenario: Scenario, facts: DrillFacts): number[] | string {
  const brokers = facts.nodes.filter((n) => n.roles.includes("broker")).map((n) => n.id);
  const count = (pick: (p: PartitionInfo) => number[]) => (id: number) => facts.partitions.filter((p) => pick(p).includes(id)).length;
  /** The id with the most, the lowest first among equals. */
  const most = (ids: number[], score: (id: number) => number) => [...ids].sort((a, b) => score(b) - score(a) || a - b)[0];
  switch (scenario) {
    case "kill-controller":
    case "isolate-controller":
      return facts.leaderId >= 0 ? [facts.leaderId] : "the quorum has no leader now: wait until `npm run status` shows one";
    case "kill-broker":
      return brokers.length > 0
        ? [
            most(
              brokers,
              count((p) => (p.leader >= 0 ? [p.leader] : [])),
            ),
          ]
        : "the lab has no broker";
    case "freeze-voter": {
      const followers = facts.voters.filter((v) => v !== facts.leaderId);
      return followers.length > 0 ? [Math.min(...followers)] : "the quorum has no follower voter";
    }
    case "wipe-broker": {
      const plain = brokers.filter((id) => !facts.nodes.find((n) => n.id === id)?.roles.includes("controller"));
      return plain.length > 0
        ? [
            most(
              plain,
              count((p) => p.replicas),
            ),
          ]
        : "the lab has no broker that is not a controller";
    }
    case "restart-all":
      return facts.nodes.map((n) => n.id);
  }
}

/** Topics a drill's load does not write: the cluster's own. */
const internal = (topic: string) => topic.startsWith("__");

/**
 * Why the drill must not run on this lab, each naming the change that makes it safe; [] when it may.
 * A drill that stops a broker needs every topic it holds replicated (replication factor 2 or more)
 * and acked writes on two replicas (min.insync.replicas 2 or more); one that stops or freezes a voter
 * needs 3 voters or more, so that a quorum remains.
 */
export function drillRefusals(scenario: Scenario, facts: DrillFacts): string[] {
  const victims = victimOf(scenario, facts);
  if (typeof victims === "string") return [`${scenario}: ${victims}`];
  if (scenario === "restart-all") return [];
  const problems: string[] = [];
  const [victim] = victims;
  const roles = facts.nodes.find((n) => n.id === victim)?.roles ?? [];
  if (scenario === "isolate-controller" && facts.isolationUnavailable) problems.push(`isolate-controller: ${facts.isolationUnavailable}`);
  if (roles.includes("controller") && facts.voters.length < 3) {
    problems.push(
      `${scenario}: node ${victim} is one of ${facts.voters.length} voter(s); without it no quorum remains. Give kraftlab:nodes 3 controllers (roles: [controller] or [broker, controller]) first`,
    );
  }
  const brokers = facts.nodes.filter((n) => n.roles.includes("broker")).length;
  if (roles.includes("broker") && brokers < 3) {
    problems.push(
      `${scenario}: the lab has ${brokers} broker(s); the drill's topic needs 3 replicas and min.insync.replicas 2 to stay writable with one down. Add brokers to kraftlab:nodes first`,
    );
  }
  if (roles.includes("broker")) {
    const topics = new Map<string, PartitionInfo>();
    for (const p of facts.partitions) if (!internal(p.topic) && p.replicas.includes(victim)) topics.set(p.topic, p);
    for (const [topic, p] of topics) {
      if (p.replicas.length < 2) {
        problems.push(
          `${scenario}: topic ${topic} has 1 replica, on node ${victim}: its records would be unavailable or lost. Set kraftlab:topics.${topic}.replicationFactor to 3 (or delete the topic) first`,
        );
      } else if (p.minIsr < 2) {
        problems.push(
          `${scenario}: topic ${topic} has min.insync.replicas ${p.minIsr}: a record acked by node ${victim} alone would be lost. Set kraftlab:topics.${topic}.configs["min.insync.replicas"] to 2 first`,
        );
      }
    }
  }
  return problems;
}
