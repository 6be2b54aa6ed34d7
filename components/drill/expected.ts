// What a drill should measure, from the lab's own settings: how long the quorum has no leader and how
// long the struck node still leads partitions. Pure; the settings come from the cluster's describeConfigs.

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
  /** replica.fetch.wait.max.ms: the longest a follower's fetch waits for records, one round of catching up. */
  replicaFetchWaitMs: number;
}

export const SETTING_KEYS: Record<keyof FailoverSettings, string> = {
  fetchTimeoutMs: "controller.quorum.fetch.timeout.ms",
  electionTimeoutMs: "controller.quorum.election.timeout.ms",
  electionBackoffMs: "controller.quorum.election.backoff.max.ms",
  sessionTimeoutMs: "broker.session.timeout.ms",
  heartbeatMs: "broker.heartbeat.interval.ms",
  replicaFetchWaitMs: "replica.fetch.wait.max.ms",
};

export const KAFKA_DEFAULTS: FailoverSettings = {
  fetchTimeoutMs: 2_000,
  electionTimeoutMs: 1_000,
  electionBackoffMs: 1_000,
  sessionTimeoutMs: 9_000,
  heartbeatMs: 2_000,
  replicaFetchWaitMs: 500,
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
  /** A node started again by `up`: from its process running to its being ready. */
  ready?: Expectation;
  /** Then until every partition is fully replicated: the node's followers catch up. */
  caughtUp?: Expectation;
}

/** The expectations a drill's table entry picks from, for one lab's settings. */
export interface Expectations {
  /** An active controller lost: the followers elect another. */
  election: Expectation;
  /** A broker lost: it leads until fenced. */
  fenced: Expectation;
  /** A broker lost with the active controller: fenced once the new controller's count of its session ends. */
  fencedAfterElection: Expectation;
  /** Nothing to wait for: the leader keeps its quorum. */
  none: Expectation;
  /** A graceful stop: the node hands its leaderships over first. */
  handedOver: Expectation;
  /** A node started again: the JVM's and Kafka's start, then ready by the cluster's answer. */
  ready: Expectation;
  /** A node back with its data: its followers fetch what they missed, and the ISR grows. */
  caughtUp: Expectation;
}

/** Slack for what the settings do not bound: the controller's periodic fencing check, the polls' interval. */
const SLACK_MS = 1_500;
/** What the polls add to a measure: their interval, and an answer's own time. */
const POLL_SLACK_MS = 500;
/**
 * A node's own start, which no setting bounds: the JVM, Kafka's start, its logs' recovery after an unclean
 * stop. 4 to 8 s was measured on 2 busy cores; the rest of `ready` follows from the settings.
 */
export const NODE_START_MS = 10_000;

/**
 * What the lab's settings lead to expect. An active controller lost: followers wait `fetch` ms, then
 * elect (a pre-vote refused by a voter that still heard the leader recently retries after a backoff, a
 * split vote within [election, 2×election]). A broker lost: it leads until fenced, `session` ms after
 * its last heartbeat (sent every `heartbeat` ms); after a controller change the new controller starts
 * every broker's session afresh. A graceful stop hands leadership over first.
 */
export function expectationsOf(s: FailoverSettings): Expectations {
  const election: Expectation = {
    range: [s.fetchTimeoutMs, s.fetchTimeoutMs + 2 * s.electionTimeoutMs + s.electionBackoffMs + POLL_SLACK_MS],
    because:
      `${SETTING_KEYS.fetchTimeoutMs} ${s.fetchTimeoutMs}, then an election; a refused (pre-)vote retries within ` +
      `${SETTING_KEYS.electionBackoffMs} ${s.electionBackoffMs}, a split one within 2 × ${SETTING_KEYS.electionTimeoutMs} ${s.electionTimeoutMs}`,
  };
  return {
    election,
    fenced: {
      range: [s.sessionTimeoutMs - s.heartbeatMs, s.sessionTimeoutMs + SLACK_MS],
      because: `${SETTING_KEYS.sessionTimeoutMs} ${s.sessionTimeoutMs} after its last heartbeat (every ${s.heartbeatMs} ms)`,
    },
    fencedAfterElection: {
      range: [election.range[0] + s.sessionTimeoutMs - s.heartbeatMs, election.range[1] + s.sessionTimeoutMs + SLACK_MS],
      because: `the election, then ${SETTING_KEYS.sessionTimeoutMs} ${s.sessionTimeoutMs} counted afresh by the new controller`,
    },
    none: { range: [0, 0], because: "the leader keeps its quorum" },
    handedOver: { range: [0, SLACK_MS + 500], because: "a controlled shutdown hands its leaderships over before it stops" },
    ready: {
      range: [0, NODE_START_MS + s.fetchTimeoutMs + 2 * s.heartbeatMs],
      because:
        `the JVM's and Kafka's start (up to ${NODE_START_MS / 1_000} s), a voter back in the quorum within ${SETTING_KEYS.fetchTimeoutMs} ` +
        `${s.fetchTimeoutMs}, a broker registered, caught up and unfenced within two ${SETTING_KEYS.heartbeatMs} ${s.heartbeatMs}`,
    },
    caughtUp: {
      range: [0, 2 * s.replicaFetchWaitMs + SLACK_MS],
      because: `the followers fetch what they missed (${SETTING_KEYS.replicaFetchWaitMs} ${s.replicaFetchWaitMs} a round), then the ISR grows`,
    },
  };
}

/** Whether a fault held for `holdMs` lasts past the end of `expectation`: a shorter one never gets there. */
export const outlasts = (holdMs: number, expectation: Expectation) => holdMs > expectation.range[1];
