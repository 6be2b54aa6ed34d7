// The drill's watch on the cluster while it runs: the quorum's leader and the partitions, each asked
// about every 100 ms, and the waits a run takes on what they answered.
import { setTimeout as sleep } from "node:timers/promises";
import pWaitFor from "p-wait-for";
import { quorumState } from "../ops/clusterState";
import { readyProblems } from "../ops/gates";
import type { Clients } from "./lab";
import type { Comeback, LeadershipSample, QuorumSample } from "./measure";

const EVERY_MS = 100;

/** Samples `sample` about every `everyMs`, one at a time, until stopped. */
function poll<T>(everyMs: number, sample: () => Promise<T>) {
  const samples: T[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const began = Date.now();
      samples.push(await sample());
      await sleep(Math.max(0, everyMs - (Date.now() - began)));
    }
  })();
  return {
    samples,
    last: () => samples.at(-1),
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** Waits until `done` holds, or `timeoutMs` passed: a run goes on either way, its measures say what happened. */
async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  await pWaitFor(done, { interval: EVERY_MS, timeout: timeoutMs }).catch(() => undefined);
}

export interface Sampler {
  quorum: QuorumSample[];
  leadership: LeadershipSample[];
  /** Until the failover is seen whole (bounded): `victim` leads no partition, and another node leads the quorum. */
  failover(victim: number): Promise<void>;
  /** Until the lab is whole again (bounded): a quorum leader, and every partition fully replicated. */
  whole(): Promise<void>;
  /**
   * From now on, when each struck node runs again (`runs` asks its runtime) and when it is ready by the
   * cluster's answer (a broker registered and unfenced, a controller caught up), as `up` brings it back.
   */
  watchComeback(runs: (id: number) => Promise<boolean>, roles: (id: number) => string[]): void;
  comeback: Comeback;
  stop(): Promise<void>;
}

/** Polls until every victim ran again and was ready, writing each one's first time into `seen`. */
function comebackPoll(clients: Clients, victims: number[], seen: Comeback, runs: (id: number) => Promise<boolean>, roles: (id: number) => string[]) {
  return poll(EVERY_MS, async () => {
    for (const id of victims) if (seen.runsAt[id] === undefined && (await runs(id).catch(() => false))) seen.runsAt[id] = Date.now();
    const waiting = victims.filter((id) => seen.runsAt[id] !== undefined && seen.readyAt[id] === undefined);
    if (waiting.length === 0) return;
    const [cluster, q] = await Promise.all([
      clients.brokers.brokers().catch(() => undefined),
      clients.brokers
        .quorum()
        .then(quorumState)
        .catch(() => undefined),
    ]);
    const at = Date.now();
    for (const id of waiting) if (readyProblems(id, roles(id), cluster?.brokers, q).length === 0) seen.readyAt[id] = at;
  });
}

/** Starts asking the cluster; `victims` are the nodes whose leaderships it counts. */
export function startSampler(clients: Clients, victims: number[]): Sampler {
  const quorum = poll(EVERY_MS, async (): Promise<QuorumSample> => {
    // Each controller answers what it knows; the brokers can only forward to the leader, gone or not.
    const asked = clients.controllers ? clients.controllers.activeController() : clients.brokers.quorum().then((q) => q.leaderId);
    const leaderId = await asked.catch(() => -1);
    return { at: Date.now(), leaderId };
  });
  const leadership = poll(EVERY_MS, async (): Promise<LeadershipSample> => {
    try {
      const partitions = await clients.brokers.partitions();
      return {
        at: Date.now(),
        ledByVictim: partitions.filter((p) => victims.includes(p.leader)).length,
        underReplicated: partitions.filter((p) => p.isr.length < p.replicas.length).length,
      };
    } catch {
      return { at: Date.now() };
    }
  });
  const leaderId = () => quorum.last()?.leaderId ?? -1;
  const comeback: Comeback = { runsAt: {}, readyAt: {} };
  let back: { stop(): Promise<void> } | undefined;
  return {
    quorum: quorum.samples,
    leadership: leadership.samples,
    failover: (victim) => until(() => leadership.last()?.ledByVictim === 0 && leaderId() >= 0 && leaderId() !== victim, 60_000),
    whole: () => until(() => leaderId() >= 0 && leadership.last()?.underReplicated === 0, 120_000),
    watchComeback: (runs, roles) => {
      back = comebackPoll(clients, victims, comeback, runs, roles);
    },
    comeback,
    stop: async () => {
      await Promise.all([quorum.stop(), leadership.stop(), back?.stop()]);
    },
  };
}
