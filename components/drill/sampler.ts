// The drill's watch on the cluster while it runs: the quorum's leader and the partitions, each asked
// about every 100 ms, and the waits a run takes on what they answered.
import { setTimeout as sleep } from "node:timers/promises";
import pWaitFor from "p-wait-for";
import type { Clients } from "./lab";
import type { LeadershipSample, QuorumSample } from "./measure";

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
  stop(): Promise<void>;
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
  return {
    quorum: quorum.samples,
    leadership: leadership.samples,
    failover: (victim) => until(() => leadership.last()?.ledByVictim === 0 && leaderId() >= 0 && leaderId() !== victim, 60_000),
    whole: () => until(() => leaderId() >= 0 && leadership.last()?.underReplicated === 0, 120_000),
    stop: async () => {
      await Promise.all([quorum.stop(), leadership.stop()]);
    },
  };
}
