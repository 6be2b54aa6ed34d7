// A run of `npm run up` or `down` that was killed leaves the stack's lock behind (the file backend's
// lock file names the host and pid of the CLI that took it), and operations marked pending in state.
// When that CLI is of this machine and no longer runs, the next run clears the lock itself, and the
// pending marks (kraftlab's converge takes the resources from where they are), and says so.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type ProcessSeen, processSeen } from "../components/host/processSeen";
import { PROJECT_DIR } from "../components/host/projectDir";
import { lockDirOf, stateFileOf } from "./checkpoint";
import { pulumiEnv, pulumiRoot } from "./toolchain";

/** A lock file's content, as the Pulumi CLI writes it. */
export interface Lock {
  pid: number;
  hostname: string;
  timestamp: string;
}

/**
 * Why a lock is stale (its CLI is gone), or undefined while it may still be held: a lock of another
 * host, or of a pid that runs a Pulumi CLI that started before the lock was taken.
 */
export function staleLock(lock: Lock, hostname: string, seen: ProcessSeen | undefined): string | undefined {
  if (lock.hostname !== hostname) return undefined;
  const taken = Date.parse(lock.timestamp);
  const by = `pid ${lock.pid}, locked at ${new Date(taken).toISOString()}`;
  if (!seen) return `${by}: no longer runs`;
  if (seen.command !== "pulumi") return `${by}: the pid is now ${seen.command}'s`;
  // A CLI that started after the lock was taken is another one with the same pid.
  if (seen.startedAt > taken + 1_000) return `${by}: the pid is now another pulumi's`;
  return undefined;
}

/** The locks in `dir`, each with its file (one removed meanwhile is left out). */
function readLocks(dir: string): { file: string; lock: Lock }[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .flatMap((file) => {
      try {
        return [{ file, lock: JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Lock }];
      } catch {
        return [];
      }
    });
}

/** Removes the locks of `stack` in a file backend at `stateDir` whose CLI is gone; returns what it said. */
function clearStaleLocks(stateDir: string, stack: string): string[] {
  const dir = lockDirOf(stateDir, stack);
  const said: string[] = [];
  for (const { file, lock } of readLocks(dir)) {
    const stale = staleLock(lock, os.hostname(), processSeen(lock.pid));
    if (!stale) continue;
    fs.rmSync(path.join(dir, file));
    fs.rmSync(path.join(dir, `${file}.attrs`), { force: true }); // the file backend's metadata beside it
    said.push(`kraftlab: cleared the lock of stack ${stack} left by an interrupted run (${stale})`);
  }
  return said;
}

interface PendingOperation {
  type: string;
  resource: { urn: string };
}

/** The pending operations of a state, as lines: what was being done to which resource. */
export function pendingLines(pending: PendingOperation[]): string[] {
  const doing: Record<string, string> = { creating: "created", updating: "updated", deleting: "deleted", reading: "read", importing: "imported" };
  return pending.map(({ type, resource }) => {
    const [kind, name] = resource.urn.split("::").slice(-2);
    return `kraftlab: ${kind.split(":").at(-1)} ${name} was being ${doing[type] ?? type} when the run stopped; this run takes it from where it is`;
  });
}

/** The state directory of the stack's file backend, if it has one. */
function stateDirOf(stack: string): string | undefined {
  const backend = { ...process.env, ...pulumiEnv(undefined, stack) }.PULUMI_BACKEND_URL;
  return backend?.startsWith("file://") ? backend.slice("file://".length) : undefined;
}

/**
 * Waits (up to `waitMs`) while a Pulumi CLI of this machine that still runs holds the stack's lock: a
 * run whose `npm run up` was killed goes on to its end, and this run must not start beside it.
 */
async function waitForLiveRun(stateDir: string, stack: string, say: (line: string) => void, waitMs = 30 * 60_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  let said = false;
  while (Date.now() < deadline) {
    const live = readLocks(lockDirOf(stateDir, stack))
      .map(({ lock }) => lock)
      .filter((lock) => lock.hostname === os.hostname() && !staleLock(lock, lock.hostname, processSeen(lock.pid)));
    if (live.length === 0) return;
    if (!said) say(`kraftlab: a run of stack ${stack} is still under way (pid ${live[0].pid}, locked at ${live[0].timestamp}); waiting for it to end`);
    said = true;
    await sleep(1_000);
  }
}

/**
 * Clears what an interrupted run left on `stack`: its stale lock, then its pending operations (only
 * when no live CLI holds the stack). Returns what it did, as lines to print.
 */
function clearInterruptedRun(stateDir: string, stack: string): string[] {
  const env = { ...process.env, ...pulumiEnv(undefined, stack) };
  const said = clearStaleLocks(stateDir, stack);
  if (readLocks(lockDirOf(stateDir, stack)).length > 0) return said; // a live run: the CLI says so
  // The state's own file says whether anything is pending, without a CLI run (kept fast for a no-op up).
  const stateFile = stateFileOf(stateDir, stack);
  if (!fs.existsSync(stateFile) || !fs.readFileSync(stateFile, "utf8").includes('"pending_operations"')) return said;
  const pulumi = (args: string[], input?: string) =>
    spawnSync(path.join(pulumiRoot(), "bin", "pulumi"), [...args, "--stack", stack], { cwd: PROJECT_DIR, env, input, encoding: "utf8" });
  const exported = pulumi(["stack", "export"]);
  if (exported.status !== 0) return said; // no such stack yet
  const state = JSON.parse(exported.stdout);
  const pending: PendingOperation[] = state.deployment?.pending_operations ?? [];
  if (pending.length === 0) return said;
  delete state.deployment.pending_operations;
  const imported = pulumi(["stack", "import"], JSON.stringify(state));
  if (imported.status !== 0) throw new Error(`kraftlab: could not clear the pending operations of stack ${stack}: ${imported.stderr.trim()}`);
  return [...said, ...pendingLines(pending)];
}

/**
 * Before a run of `stack`: waits for a run of this machine still under way, then clears what an
 * interrupted one left, saying each thing it did.
 */
export async function settleInterruptedRun(stack: string, say: (line: string) => void): Promise<void> {
  const stateDir = stateDirOf(stack);
  if (!stateDir) return;
  await waitForLiveRun(stateDir, stack, say);
  for (const line of clearInterruptedRun(stateDir, stack)) say(line);
}
