// A Kafka node (or Prometheus) as a local daemon: started in its own session so it outlives `pulumi up` and the
// provider process (Pulumi kills the provider's process group at exit), every descriptor on its log.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as net from "node:net";
import * as path from "node:path";
import pWaitFor from "p-wait-for";
import { lastLines } from "./kafkaLog";

export interface DaemonSpec {
  kafkaHome: string;
  configFile: string;
  logFile: string;
  pidFile: string;
  heap: string;
  /** Extra JVM options (the metrics agent), after any KAFKA_OPTS of the environment. */
  jvmOptions: string;
}

/** Runs `command` detached, every descriptor on `logFile`; returns its pid. */
export async function spawnDaemon(
  command: string,
  args: string[],
  opts: { logFile: string; pidFile: string; cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ pid: number }> {
  await fsp.mkdir(path.dirname(opts.logFile), { recursive: true });
  const log = fs.openSync(opts.logFile, "a");
  try {
    const child = spawn(command, args, {
      detached: true, // setsid(): own session and process group
      stdio: ["ignore", log, log],
      cwd: opts.cwd,
      env: opts.env,
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once("error", reject);
      child.once("spawn", () => resolve(child.pid as number));
    });
    child.unref();
    await fsp.writeFile(opts.pidFile, `${pid}\n`);
    return { pid };
  } finally {
    fs.closeSync(log);
  }
}

/** Starts kafka-server-start.sh detached; returns its pid and the log offset it starts writing at. */
export function startDaemon(spec: DaemonSpec): Promise<{ pid: number }> {
  return spawnDaemon("bash", [path.join(spec.kafkaHome, "bin", "kafka-server-start.sh"), spec.configFile], {
    logFile: spec.logFile,
    pidFile: spec.pidFile,
    cwd: path.dirname(spec.configFile),
    env: {
      ...process.env,
      KAFKA_HEAP_OPTS: `-Xms${spec.heap} -Xmx${spec.heap}`,
      KAFKA_OPTS: [process.env.KAFKA_OPTS, spec.jvmOptions].filter(Boolean).join(" "),
      LOG_DIR: path.dirname(spec.logFile),
    },
  });
}

/** Sends `sig` to `pid`, unless it has exited meanwhile (nothing is left to signal). */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

/** True when `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** True when `pid` is alive and is the daemon started with `configFile` (not a recycled pid). */
export function runsWith(pid: number | undefined, configFile: string): boolean {
  if (!pid || pid <= 0) return false;
  try {
    return isAlive(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes(configFile);
  } catch {
    return false;
  }
}

/** The pid recorded in `pidFile`, or 0. */
export function recordedPid(pidFile: string): number {
  return fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, "utf8").trim()) || 0 : 0;
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 500 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket
      .once("connect", () => done(true))
      .once("error", () => done(false))
      .once("timeout", () => done(false));
  });
}

/** Whether a majority of these voters still listen: without one, no controlled shutdown can be approved. */
export async function quorumAlive(voters: { host: string; port: number }[]): Promise<boolean> {
  if (voters.length === 0) return true;
  const up = await Promise.all(voters.map((v) => accepts(v.host, v.port)));
  return up.filter(Boolean).length > voters.length / 2;
}

/** After the quorum is gone, how long a stopping node may still take before it is killed. */
const QUORUMLESS_GRACE_MS = 5_000;

/**
 * A controlled shutdown with a deadline: `terminate` (SIGTERM), then `kill` once `timeoutMs` has
 * passed, or sooner when the node's quorum is gone: its controlled shutdown then waits minutes for an
 * approval that cannot come (the last node of a cluster being torn down). Its data stays consistent:
 * Kafka recovers on start. The runtimes differ only in the four effects.
 */
export async function stopWithDeadline(effects: {
  running: () => Promise<boolean>;
  terminate: () => Promise<void>;
  kill: () => Promise<void>;
  quorumAlive: () => Promise<boolean>;
  timeoutMs: number;
}): Promise<"stopped" | "killed" | "not running"> {
  if (!(await effects.running())) return "not running";
  await effects.terminate();
  // Once the quorum is seen gone, the node has QUORUMLESS_GRACE_MS more before the kill.
  let graceEnds: number | undefined;
  let quorumChecked = 0;
  const outcome = await pWaitFor(
    async () => {
      if (!(await effects.running())) return pWaitFor.resolveWith("stopped");
      if (graceEnds !== undefined) return Date.now() > graceEnds && pWaitFor.resolveWith("quorum gone");
      if (Date.now() - quorumChecked > 1_000) {
        quorumChecked = Date.now();
        if (!(await effects.quorumAlive())) graceEnds = Date.now() + QUORUMLESS_GRACE_MS;
      }
      return false;
    },
    { interval: 200, timeout: { milliseconds: effects.timeoutMs, fallback: () => "timed out" } },
  );
  if (outcome === "stopped") return "stopped";
  await effects.kill();
  await pWaitFor(async () => !(await effects.running()), { interval: 100 });
  return "killed";
}

/** stopWithDeadline of a local process started with `configFile` (SIGTERM, SIGKILL). */
export async function stopDaemon(
  pid: number | undefined,
  configFile: string,
  timeoutMs: number,
  voters: { host: string; port: number }[] = [],
): Promise<"stopped" | "killed" | "not running"> {
  // Besides the recorded pid, any process on this config: a run interrupted between starting a node
  // and recording its pid leaves one that nothing else knows.
  const pids = [...new Set([pid ?? 0, ...pidsWith(configFile)])].filter((p) => runsWith(p, configFile));
  const outcomes = await Promise.all(
    pids.map((p) =>
      stopWithDeadline({
        running: async () => runsWith(p, configFile),
        // The node may exit by itself between the check and the signal.
        terminate: async () => signal(p, "SIGTERM"),
        kill: async () => signal(p, "SIGKILL"),
        quorumAlive: () => quorumAlive(voters),
        timeoutMs,
      }),
    ),
  );
  return outcomes.find((o) => o === "killed") ?? outcomes.find((o) => o === "stopped") ?? "not running";
}

/** The processes whose command line has `configFile` as an argument (Linux /proc). */
export function pidsWith(configFile: string): number[] {
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => runsWith(pid, configFile));
}

/** The last `lines` lines of a log file, for error messages. */
export const logTail = (logFile: string, lines = 30): string => lastLines(readLogEnd(logFile), lines);

/** How much of a log's end is read: what a node printed while it started and stopped. */
const LOG_END_BYTES = 256 * 1024;

/** The end of a log file on this machine ("" when there is none yet). */
export function readLogEnd(logFile: string): string {
  let fd: number | undefined;
  try {
    fd = fs.openSync(logFile, "r");
    const size = fs.fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.min(size, LOG_END_BYTES));
    fs.readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer.toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
