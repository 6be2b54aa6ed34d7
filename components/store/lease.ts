// Two converges must never act on one lab at once: killing `npm run up` alone can leave its Pulumi CLI
// and provider rolling the lab. The provider holds the lab's lease (a file in its lab directory naming
// its pid) while it starts, rolls or stops nodes; another converge waits for it, and takes it over
// only once its holder is gone.
import * as fs from "node:fs";
import * as os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { type ProcessSeen, processSeen } from "../host/processSeen";
import { progress } from "../provider/progress";

/** Who holds a lease: a process of a host, known by its pid and when it started (ms since the epoch). */
export interface LeaseHolder {
  pid: number;
  startedAt: number;
  hostname: string;
}

/**
 * Why a lease's holder is gone, so the lease may be taken over; undefined while it may still act (it
 * runs, or it is of another host, which this one cannot see).
 */
export function holderGone(holder: LeaseHolder, hostname: string, seen: ProcessSeen | undefined): string | undefined {
  if (holder.hostname !== hostname) return undefined;
  if (!seen) return `pid ${holder.pid} no longer runs`;
  // (A pid used again: the process that runs as it now started at another time.)
  if (Math.abs(seen.startedAt - holder.startedAt) > 1_000) return `pid ${holder.pid} now runs another process`;
  return undefined;
}

const readHolder = (file: string): LeaseHolder | undefined => {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as LeaseHolder;
  } catch {
    return undefined; // gone meanwhile, or being written
  }
};

/**
 * Runs `work` holding the lease `file`: waits (up to `waitMs`) for a live holder, takes over from one
 * gone. Without a file (no lab directory known: no nodes), there is nothing to hold.
 */
export async function withLease<T>(file: string | undefined, work: () => Promise<T>, waitMs = 30 * 60_000): Promise<T> {
  if (!file) return work();
  const me: LeaseHolder = { pid: process.pid, startedAt: processSeen(process.pid)?.startedAt ?? Date.now(), hostname: os.hostname() };
  const deadline = Date.now() + waitMs;
  let waiting = false;
  for (;;) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: "wx", mode: 0o600 });
      break;
    } catch (err) {
      // No lab directory (removed by hand): no lab there for another converge to act on.
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return work();
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = readHolder(file);
    const gone = holder && holderGone(holder, me.hostname, processSeen(holder.pid));
    if (holder && gone) {
      fs.rmSync(file, { force: true });
      progress(`took the lab over from a converge that was interrupted (${gone})`);
      continue;
    }
    if (holder && Date.now() > deadline) {
      throw new Error(
        `another converge of this lab (pid ${holder.pid} on ${holder.hostname}) still runs after ${Math.round(waitMs / 60_000)} min; let it end, or stop it, then run up again`,
      );
    }
    if (holder && !waiting) progress(`waiting for another converge of this lab to end (pid ${holder.pid} on ${holder.hostname})`);
    waiting ||= holder !== undefined;
    await sleep(holder ? 1_000 : 50);
  }
  try {
    return await work();
  } finally {
    if (readHolder(file)?.pid === me.pid) fs.rmSync(file, { force: true });
  }
}
