// The failure drills, one entry each: which node it strikes and which labs it refuses (a drill that
// would lose data or the quorum), how it strikes and what puts the lab back, and what it should measure.
// Pure: the facts come in from the running cluster, and strikes act only through the Runtime handed in.
import type { PartitionInfo } from "../client/cluster";
import type { NodeRef, Runtime, Voter } from "../runtime/runtime";
import { type Expectations, type Expected, expectationsOf, type FailoverSettings, outlasts } from "./expected";

/** A drill refused before it touched anything: each line names the change that makes it safe. */
export class DrillRefused extends Error {}

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

/** What a strike or an undo acts through: the lab's runtime, its nodes, and the drill's timeline. */
export interface StrikeContext {
  rt: Runtime;
  node(id: number): NodeRef;
  roles(id: number): string[];
  /** The controllers, which a node stopping watches (it is killed sooner once its quorum is gone). */
  voters: Voter[];
  /** Marks a moment on the run's timeline (and says it). */
  mark(label: string): void;
}

/** What puts back a fault that is held: at the end of the hold, or when Ctrl-C ends the drill during it. */
export interface Undo {
  /** What it puts back, in words (what Ctrl-C says it put back). */
  what(victims: number[]): string;
  act(ctx: StrikeContext, victims: number[]): Promise<void>;
  /** The timeline's mark once it is done. */
  done: string;
}

export interface Drill {
  /** What it does, in a line. */
  text: string;
  /** The node(s) it strikes, or why the lab has none. */
  victims(facts: DrillFacts): number[] | string;
  /** Why it must not strike those nodes of this lab, each naming the fix; [] when it may. */
  refusals(facts: DrillFacts, victims: number[]): string[];
  strike(ctx: StrikeContext, victims: number[]): Promise<void>;
  /**
   * How the lab is whole again: `up` starts or repairs what was struck (once the failover is seen,
   * with `afterFailover`); or the fault is held for --hold and then undone, the lab recovering by itself.
   */
  recovery: { up: true; afterFailover: boolean } | { up: false; undo: Undo };
  /** Whether the struck nodes can no longer lead (killed, cut off, stopped), not only slowed. */
  victimsGone: boolean;
  /** What it should measure; `broker`: the (first) node struck is a broker; `leader`: it led the quorum. */
  expected(e: Expectations, at: { broker: boolean; holdMs: number; leader: boolean }): Expected;
}

/** How long a node stopped gracefully has before it is killed. */
const STOP_MS = 60_000;

const brokersOf = (facts: DrillFacts) => facts.nodes.filter((n) => n.roles.includes("broker")).map((n) => n.id);
const rolesIn = (facts: DrillFacts, id: number) => facts.nodes.find((n) => n.id === id)?.roles ?? [];
/** How many partitions name `id` where `pick` looks. */
const count = (facts: DrillFacts, pick: (p: PartitionInfo) => number[]) => (id: number) => facts.partitions.filter((p) => pick(p).includes(id)).length;
/** The id with the most, the lowest first among equals. */
const most = (ids: number[], score: (id: number) => number) => [...ids].sort((a, b) => score(b) - score(a) || a - b)[0];

const activeController = (facts: DrillFacts) =>
  facts.leaderId >= 0 ? [facts.leaderId] : "the quorum has no leader now: wait until `npm run status` shows one";

/** Topics a drill's load does not write: the cluster's own. */
const internal = (topic: string) => topic.startsWith("__");

/**
 * What striking the (one) victim risks. A drill that stops a broker needs every topic it holds replicated
 * (replication factor 2 or more) and acked writes on two replicas (min.insync.replicas 2 or more); one
 * that stops or freezes a voter needs 3 voters or more, so that a quorum remains.
 */
function strikeRisks(facts: DrillFacts, [victim]: number[]): string[] {
  const problems: string[] = [];
  const roles = rolesIn(facts, victim);
  if (roles.includes("controller") && facts.voters.length < 3) {
    problems.push(
      `node ${victim} is one of ${facts.voters.length} voter(s); without it no quorum remains. Give kraftlab:nodes 3 controllers (roles: [controller] or [broker, controller]) first`,
    );
  }
  if (!roles.includes("broker")) return problems;
  const brokers = brokersOf(facts).length;
  if (brokers < 3) {
    problems.push(
      `the lab has ${brokers} broker(s); the drill's topic needs 3 replicas and min.insync.replicas 2 to stay writable with one down. Add brokers to kraftlab:nodes first`,
    );
  }
  const topics = new Map<string, PartitionInfo>();
  for (const p of facts.partitions) if (!internal(p.topic) && p.replicas.includes(victim)) topics.set(p.topic, p);
  for (const [topic, p] of topics) {
    if (p.replicas.length < 2) {
      problems.push(
        `topic ${topic} has 1 replica, on node ${victim}: its records would be unavailable or lost. Set kraftlab:topics.${topic}.replicationFactor to 3 (or delete the topic) first`,
      );
    } else if (p.minIsr < 2) {
      problems.push(
        `topic ${topic} has min.insync.replicas ${p.minIsr}: a record acked by node ${victim} alone would be lost. Set kraftlab:topics.${topic}.configs["min.insync.replicas"] to 2 first`,
      );
    }
  }
  return problems;
}

async function kill(ctx: StrikeContext, [victim]: number[]): Promise<void> {
  await ctx.rt.faults.kill(ctx.node(victim));
  ctx.mark(`node ${victim} killed`);
}

const stop = (ctx: StrikeContext, id: number) => ctx.rt.stop(ctx.node(id), STOP_MS, ctx.voters);

/** A node killed and started again with its data: its start, then its followers' catching up. */
const backWithData = (e: Expectations): Expected => ({ ready: e.ready, caughtUp: e.caughtUp });

/** The runtime's way of cutting a node off (the drill is refused where it has none). */
function isolation(rt: Runtime) {
  const { isolation } = rt.faults;
  if ("unavailable" in isolation) throw new DrillRefused(isolation.unavailable);
  return isolation;
}

export const DRILLS = {
  "kill-controller": {
    text: "SIGKILL of the active controller",
    victims: activeController,
    refusals: strikeRisks,
    strike: kill,
    recovery: { up: true, afterFailover: true },
    victimsGone: true,
    expected: (e, { broker }) => ({ leaderless: e.election, ...(broker && { victimLeads: e.fencedAfterElection }), ...backWithData(e) }),
  },
  "kill-broker": {
    text: "SIGKILL of the broker that leads the most partitions",
    victims: (facts) => {
      const brokers = brokersOf(facts);
      const leads = count(facts, (p) => (p.leader >= 0 ? [p.leader] : []));
      return brokers.length > 0 ? [most(brokers, leads)] : "the lab has no broker";
    },
    refusals: strikeRisks,
    strike: kill,
    recovery: { up: true, afterFailover: true },
    victimsGone: true,
    expected: (e, { leader }) => ({
      leaderless: leader ? e.election : e.none,
      victimLeads: leader ? e.fencedAfterElection : e.fenced,
      ...backWithData(e),
    }),
  },
  "freeze-voter": {
    text: "SIGSTOP of a follower voter, resumed after a while",
    victims: (facts) => {
      const followers = facts.voters.filter((v) => v !== facts.leaderId);
      return followers.length > 0 ? [Math.min(...followers)] : "the quorum has no follower voter";
    },
    refusals: strikeRisks,
    strike: async (ctx, [victim]) => {
      await ctx.rt.faults.freeze(ctx.node(victim));
      ctx.mark(`node ${victim} frozen`);
    },
    recovery: {
      up: false,
      undo: { what: ([victim]) => `node ${victim} resumed`, act: (ctx, [victim]) => ctx.rt.faults.thaw(ctx.node(victim)), done: "resumed" },
    },
    // Frozen, it is only slowed: naming it leader is not a quorum without one.
    victimsGone: false,
    // A broker frozen for less than its session is never fenced: it leads again once resumed.
    expected: (e, { broker, holdMs }) => ({ leaderless: e.none, ...(broker && outlasts(holdMs, e.fenced) && { victimLeads: e.fenced }) }),
  },
  "isolate-controller": {
    text: "the active controller cut off the others, then reconnected",
    victims: activeController,
    refusals: (facts, victims) => [...(facts.isolationUnavailable ? [facts.isolationUnavailable] : []), ...strikeRisks(facts, victims)],
    strike: async (ctx, [victim]) => {
      await isolation(ctx.rt).cut(ctx.node(victim));
      ctx.mark(`node ${victim} cut off`);
    },
    recovery: {
      up: false,
      undo: { what: ([victim]) => `node ${victim} reconnected`, act: (ctx, [victim]) => isolation(ctx.rt).mend(ctx.node(victim)), done: "reconnected" },
    },
    victimsGone: true,
    // Cut off for less than that, a broker is never fenced: it leads again once back.
    expected: (e, { broker, holdMs }) => ({
      leaderless: e.election,
      ...(broker && outlasts(holdMs, e.fencedAfterElection) && { victimLeads: e.fencedAfterElection }),
    }),
  },
  "wipe-broker": {
    text: "a broker stopped, its data removed, then repaired by `up`",
    victims: (facts) => {
      const plain = brokersOf(facts).filter((id) => !rolesIn(facts, id).includes("controller"));
      const holds = count(facts, (p) => p.replicas);
      return plain.length > 0 ? [most(plain, holds)] : "the lab has no broker that is not a controller";
    },
    refusals: strikeRisks,
    strike: async (ctx, [victim]) => {
      await stop(ctx, victim);
      ctx.mark(`node ${victim} stopped`);
      await ctx.rt.faults.wipe(ctx.node(victim));
      ctx.mark("data removed");
    },
    recovery: { up: true, afterFailover: false },
    victimsGone: true,
    // Its followers copy the whole of its partitions again: no setting bounds how long.
    expected: (e) => ({ victimLeads: e.handedOver, ready: e.ready }),
  },
  "restart-all": {
    text: "every node stopped (brokers first), then started by `up`",
    victims: (facts) => facts.nodes.map((n) => n.id),
    // Every node goes, gracefully: nothing is lost and no quorum is expected to remain.
    refusals: () => [],
    strike: async (ctx, victims) => {
      const brokersOnly = victims.filter((id) => !ctx.roles(id).includes("controller"));
      await Promise.all(brokersOnly.map((id) => stop(ctx, id)));
      await Promise.all(victims.filter((id) => !brokersOnly.includes(id)).map((id) => stop(ctx, id)));
      ctx.mark("all stopped");
    },
    recovery: { up: true, afterFailover: false },
    // Stopped gracefully: the quorum goes when its last voters do.
    victimsGone: false,
    expected: () => ({}),
  },
} satisfies Record<string, Drill>;

export type Scenario = keyof typeof DRILLS;
export const SCENARIOS = Object.keys(DRILLS) as Scenario[];

/** The drill of a scenario, as a Drill (the table's entries are narrower types). */
export const drillOf = (scenario: Scenario): Drill => DRILLS[scenario];

/** Why the drill must not run on this lab, each naming the change that makes it safe; [] when it may. */
export function drillRefusals(scenario: Scenario, facts: DrillFacts): string[] {
  const drill = drillOf(scenario);
  const victims = drill.victims(facts);
  const problems = typeof victims === "string" ? [victims] : drill.refusals(facts, victims);
  return problems.map((p) => `${scenario}: ${p}`);
}

/** What the drill should measure on the node it struck first, from the lab's settings. */
export function expectedFor(scenario: Scenario, victimRoles: string[], settings: FailoverSettings, at: { holdMs: number; leader: boolean }): Expected {
  return drillOf(scenario).expected(expectationsOf(settings), { broker: victimRoles.includes("broker"), ...at });
}
