// What a command starts besides what already runs: the JVMs a no-op `up` or `status` pays for. Counted
// by polling /proc (a JVM lives far longer than the poll's interval).
import * as fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const EVERY_MS = 20;

/** The pids of the processes whose command is `comm` now. */
function running(comm: string): Set<number> {
  const pids = new Set<number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, "utf8").trim() === comm) pids.add(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** How many `comm` processes (e.g. java) `work` started, and its seconds. */
export async function counting(comm: string, work: () => Promise<unknown>): Promise<{ started: number; seconds: number }> {
  const before = running(comm);
  const seen = new Set<number>();
  let done = false;
  const watch = (async () => {
    while (!done) {
      for (const pid of running(comm)) if (!before.has(pid)) seen.add(pid);
      await sleep(EVERY_MS);
    }
  })();
  const start = process.hrtime.bigint();
  try {
    await work();
  } finally {
    done = true;
    await watch;
  }
  return { started: seen.size, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}
