// The lab directory's records, read and written: the ownership marker, what the lab runs on, its
// quorum mode, the brokers it drained, what each node was started with, and the lease of whoever
// converges it. Whoever needs one asks here; layout.ts says what each file is called and holds.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { processSeen } from "../host/processSeen";
import type { QuorumMode } from "../model/schema/quorum";
import { progress } from "../provider/progress";
import {
  drainedText,
  LAB_MARKER,
  type LeaseHolder,
  labRecordPath,
  leaseText,
  type Marker,
  markerText,
  NODE_DIR,
  parseDrained,
  parseLease,
  parseMarker,
  parseQuorumRecord,
  parseRunningRecord,
  parseRuntimeRecord,
  quorumRecordText,
  type RuntimeRecord,
  runningRecordPath,
  runningRecordText,
  runtimeRecordText,
  type StartRecord,
} from "./layout";
import { type DirectoryState, holderGone } from "./problems";

// Ownership: a stack claims a directory only if it is absent or empty, and marks it with a token kept
// in its state; destroy removes a directory only when its marker holds that token. Anything else
// (another cluster's data, a stack removed without destroy, a directory of the user's) is never
// written into or removed.

/** What the marker of `dir` says; undefined without one, or for the plain-text marker of an earlier release. */
export function readMarker(dir: string): Marker | undefined {
  try {
    return parseMarker(fs.readFileSync(labRecordPath(dir, "marker"), "utf8"));
  } catch {
    return undefined;
  }
}

export function inspectDirectory(dir: string): DirectoryState {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    for (let up = path.dirname(dir); up !== path.dirname(up); up = path.dirname(up)) {
      if (fs.existsSync(up)) return fs.statSync(up).isDirectory() ? { kind: "absent" } : { kind: "below a file", file: up };
    }
    return { kind: "absent" };
  }
  if (!stat.isDirectory()) return { kind: "not a directory" };
  const entries = fs.readdirSync(dir);
  if (entries.length === 0) return { kind: "empty" };
  if (entries.includes(LAB_MARKER)) return { kind: "marked", marker: readMarker(dir) };
  return { kind: "foreign", entries: entries.sort() };
}

/** Makes `dir` (absent or empty) this stack's: creates it and writes a marker with a new token. */
export function claimDirectory(dir: string, stack: string): Marker {
  const marker = { stack, token: randomBytes(12).toString("hex") };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(labRecordPath(dir, "marker"), markerText(marker));
  return marker;
}

/**
 * Whether the stack whose state holds `token` may remove `dir`: only when the directory still holds
 * that stack's marker. A state without a token (made by an earlier release) owns a directory with any marker.
 */
export function mayRemove(dir: string, token: string | undefined): boolean {
  if (!fs.existsSync(labRecordPath(dir, "marker"))) return false;
  return token === undefined || readMarker(dir)?.token === token;
}

// What the lab runs on, recorded by its LabRuntime resource: the program reads it before anything is
// touched, so that a lab moved to another runtime is refused first (the other runtime's checks, its
// ports, would misread it).

/** What the lab in `labDir` runs on, as its runtime recorded it; a lab with nodes and no record (an earlier release's) runs processes. */
export function recordedRuntime(labDir: string): RuntimeRecord | undefined {
  try {
    return parseRuntimeRecord(fs.readFileSync(labRecordPath(labDir, "runtime"), "utf8"));
  } catch {
    return fs.readdirSync(labDir).some((f) => NODE_DIR.test(f)) ? { kind: "process" } : undefined;
  }
}

export async function recordRuntime(labDir: string, record: RuntimeRecord): Promise<void> {
  await fsp.mkdir(labDir, { recursive: true });
  await fsp.writeFile(labRecordPath(labDir, "runtime"), runtimeRecordText(record));
}

// The quorum mode a lab runs: written before any node (a LabFile of KafkaCluster), read by the program
// before anything is touched, since the mode decides what every node's server.properties says. A lab
// with nodes and no record was made by a release without dynamic quorums.

/** The quorum record as a file to write: where it goes and what it holds. */
export const quorumRecordFile = (labDir: string, mode: QuorumMode) => ({ path: labRecordPath(labDir, "quorum"), content: quorumRecordText(mode) });

/** The recorded mode; undefined for a new lab, or one an earlier release made without recording it. */
export function recordedQuorum(labDir: string): QuorumMode | undefined {
  const file = labRecordPath(labDir, "quorum");
  if (!fs.existsSync(file)) return undefined;
  return parseQuorumRecord(fs.readFileSync(file, "utf8"));
}

// The brokers a lab has drained and removed: their own directories are gone, and this record lets
// kraftlab:drainBrokers keep naming them while refusing ids that never were nodes.

export function readDrained(labDir: string): number[] {
  try {
    return parseDrained(fs.readFileSync(labRecordPath(labDir, "drained"), "utf8"));
  } catch {
    return [];
  }
}

export function recordDrained(labDir: string, id: number): void {
  const ids = [...new Set([...readDrained(labDir), id])].sort((a, b) => a - b);
  fs.writeFileSync(labRecordPath(labDir, "drained"), drainedText(ids));
}

// What a node was last started with lives beside it, where it runs, written and read through its
// runtime: Pulumi writes nothing for a step still in flight, so an interrupted run resumes from it.

/** What reads and writes a node's files where the node runs: its runtime (runtime/runtime.ts). */
export interface NodeFileAccess<N extends { dir: string }> {
  read(node: N, file: string): Promise<Buffer | undefined>;
  put(node: N, file: string, data: Buffer, mode: number): Promise<void>;
}

/** What the node was last started with, running or not; undefined before its first start. */
export async function readRunningRecord<N extends { dir: string }>(rt: NodeFileAccess<N>, node: N): Promise<StartRecord | undefined> {
  const data = await rt.read(node, runningRecordPath(node.dir));
  return data && parseRunningRecord(data.toString("utf8"));
}

export const writeRunningRecord = <N extends { dir: string }>(rt: NodeFileAccess<N>, node: N, record: StartRecord) =>
  rt.put(node, runningRecordPath(node.dir), Buffer.from(runningRecordText(record)), 0o644);

// Two converges must never act on one lab at once: killing `npm run up` alone can leave its Pulumi CLI
// and provider rolling the lab. The provider holds the lab's lease (a file in its lab directory naming
// its pid) while it starts, rolls or stops nodes; another converge waits for it, and takes it over
// only once its holder is gone.

const readHolder = (file: string): LeaseHolder | undefined => {
  try {
    return parseLease(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined; // gone meanwhile, or being written
  }
};

/**
 * Runs `work` holding the lease of the lab in `labDir`: waits (up to `waitMs`) for a live holder,
 * takes over from one gone. Without a lab directory (none known: no nodes), there is nothing to hold.
 */
export async function withLease<T>(labDir: string | undefined, work: () => Promise<T>, waitMs = 30 * 60_000): Promise<T> {
  if (!labDir) return work();
  const file = labRecordPath(labDir, "lease");
  const me: LeaseHolder = { pid: process.pid, startedAt: processSeen(process.pid)?.startedAt ?? Date.now(), hostname: os.hostname() };
  const deadline = Date.now() + waitMs;
  let waiting = false;
  for (;;) {
    try {
      fs.writeFileSync(file, leaseText(me), { flag: "wx", mode: 0o600 });
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
