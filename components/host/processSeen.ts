// What runs as a pid of this machine now (Linux /proc): whoever holds a lock or a lease is known by
// its pid and when it started, so a pid used again by another process is not taken for the holder.
import * as fs from "node:fs";
import * as path from "node:path";

/** What runs as a pid now: its command's name and when it started (ms since the epoch). */
export interface ProcessSeen {
  command: string;
  startedAt: number;
}

/** The process that runs as `pid` now, if any (a zombie, killed and not yet reaped, is gone). */
export function processSeen(pid: number): ProcessSeen | undefined {
  try {
    // Fields after the command: the state (3), …, the start in clock ticks after boot (22), 100 a second on Linux.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z") return undefined;
    const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
    const ticks = Number(fields[19]);
    const bootTime = Number(/^btime (\d+)$/m.exec(fs.readFileSync("/proc/stat", "utf8"))?.[1]);
    return { command: path.basename(argv0), startedAt: bootTime * 1000 + ticks * 10 };
  } catch {
    return undefined;
  }
}
