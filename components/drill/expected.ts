// What a drill should measure, from the lab's own settings: how long the quorum has no leader and how
// long the struck node still leads partitions. Pure; the settings come from the cluster's describeConfigs.
import type { Scenario } from "./scenarios";

/** The settings that drive failover, in ms, with Kafka's defaults where the cluster did not say. */
export interface FailoverSettings {
  /** controller.quorum.fetch.timeout.ms: a follower that heard nothing from the leader for this long starts an election. */
  fetchTimeoutMs: number;
  /** controller.quorum.election.timeout.ms: an election that did not end retries after a random time in [this, twice this]. */
  electionTimeoutMs: number;
  /** controller.quorum.election.backoff.max.ms: the longest wait before a voter whose (pre-)vote failed tries again. */
  electionBackoffMs: number;
  /** broker.session.timeout.ms: a broker whose heartbeats stopped for this long is fenced, its leaderships move. */
  sessionTimeoutMs: number;
  /** broker.heartbeat.interval.ms. */
  heartbeatMs: number;
}

export const SETTING_KEYS: Record<keyof FailoverSettings, string> = {
  fetchTimeoutMs: "controller.quorum.fetch.timeout.ms",
  electionTimeoutMs: "controller.quorum.election.timeout.ms",
  electionBackoffMs: "controller.quorum.election.backoff.max.ms",
  sessionTimeoutMs: "broker.session.timeout.ms",
  heartbeatMs: "broker.heartbeat.interval.ms",
};

export const KAFKA_DEFAULTS: FailoverSettings = {
  fetchTimeoutMs: 2_000,
  electionTimeoutMs: 1_000,
  electionBackoffMs: 1_000,
  sessionTimeoutMs: 9_000,
  heartbeatMs: 2_000,
};

/** The settings from a broker's describeConfigs values (key → value), Kafka's defaults for what is missing. */
export function failoverSettings(values: Record<string, string | null | undefined>): FailoverSettings {
  const entries = Object.entries(SETTING_KEYS).map(([field, key]) => {
    const value = Number(values[key]);
    return [field, Number.isFinite(value) && values[key] !== null && values[key] !== "" ? value : KAFKA_DEFAULTS[field as keyof FailoverSettings]];
  });
  return Object.fromEntries(entries) as unknown as FailoverSettings;
}

/** An expected range in ms, and the settings it follows from, in words. */
export interface Expectation {
  range: [number, number];
  because: string;
}

export interface Expected {
  leaderless?: Expectation;
  victimLeads?: Expectation;
}

/** Slack for what the settings do not bound: the controller's periodic fencing check, the polls' interval. */
const SLACK_MS = 1_500;
/** What the polls add to a measure: their interval, and an answer's own time. */
const POLL_SLACK_MS = 500;

/**
 * What the drill should see. An active controller lost: followers wait `fetch` ms, then elect (a
 * pre-vote refused by a voter that still heard the leader recently retries after a backoff, a split
 * vote within [election, 2×election]). A broker lost: it leads until fenced, `session`
 * ms after its last heartbeat (sent every `heartbeat` ms); after a controller change the new
 * controller starts every broker's session afresh. A graceful stop hands leadership over first.
 */
export function expectedFor(scenario: Scenario, victimRoles: string[], s: FailoverSettings, opts: { holdMs: number; leader: boolean }): Expected {
  const broker = victimRoles.includes("broker");
  const election: Expectation = {
    range: [s.fetchTimeoutMs, s.fetchTimeoutMs + 2 * s.electionTimeoutMs + s.electionBackoffMs + POLL_SLACK_MS],
    because:
      `${SETTING_KEYS.fetchTimeoutMs} ${s.fetchTimeoutMs}, then an election; a refused (pre-)vote retries within ` +
      `${SETTING_KEYS.electionBackoffMs} ${s.electionBackoffMs}, a split one within 2 × ${SETTING_KEYS.electionTimeoutMs} ${s.electionTimeoutMs}`,
  };
  const fenced: Expectation = {
    range: [s.sessionTimeoutMs - s.heartbeatMs, s.sessionTimeoutMs + SLACK_MS],
    because: `${SETTING_KEYS.sessionTimeoutMs} ${s.sessionTimeoutMs} after its last heartbeat (every ${s.heartbeatMs} ms)`,
  };
  const fencedAfterElection: Expectation = {
    range: [election.range[0] + s.sessionTimeoutMs - s.heartbeatMs, election.range[1] + s.sessionTimeoutMs + SLACK_MS],
    because: `the election, then ${SETTING_KEYS.sessionTimeoutMs} ${s.sessionTimeoutMs} counted afresh by the new controller`,
  };
  const none: Expectation = { range: [0, 0], because: "the leader keeps its quorum" };
  switch (scenario) {
    case "kill-controller":
      return { leaderless: election, ...(broker && { victimLeads: fencedAfterElection }) };
    case "isolate-controller":
      // Cut off for less than that, a broker is never fenced: it leads again once back.
      return { leaderless: election, ...(broker && opts.holdMs > fencedAfterElection.range[1] && { victimLeads: fencedAfterElection }) };
    case "kill-broker":
      return { leaderless: opts.leader ? election : none, victimLeads: opts.leader ? fencedAfterElection : fenced };
    case "freeze-voter":
      // A broker frozen for less than its session is never fenced: it leads again once resumed.
      return { leaderless: none, ...(broker && opts.holdMs > fenced.range[1] && { victimLeads: fenced }) };
    case "wipe-broker":
      return { victimLeads: { range: [0, SLACK_MS + 500], because: "a controlled shutdown hands its leaderships over before it stops" } };
    case "restart-all":
      return {};
  }
}
