// The lab directory's records: what each file is called and what it holds, defined here once. Pure:
// labStore.ts reads and writes them, and a machine's side of an SSH lab writes its marker with
// markerText. The names and formats are those labs made by earlier releases hold, byte for byte, so
// such a lab keeps working.
import * as path from "node:path";
import type { QuorumMode } from "../model/schema/quorum";
import type { RuntimeConfig } from "../model/schema/runtime";

/** The file that marks a lab directory (here or on a machine) as a stack's, with its token. */
export const LAB_MARKER = ".kraftlab-lab";

/** The records of a lab directory, by what each holds. */
const LAB_RECORDS = {
  marker: LAB_MARKER,
  /** What the lab runs on (written by its LabRuntime resource). */
  runtime: "runtime.json",
  /** The quorum mode its nodes were given (a LabFile of KafkaCluster). */
  quorum: "quorum.json",
  /** The brokers it drained and removed. */
  drained: "drained.json",
  /** Who converges the lab now. */
  lease: "converge.lease",
} as const;
export type LabRecord = keyof typeof LAB_RECORDS;

/** Where record `record` of the lab in `labDir` lives. */
export const labRecordPath = (labDir: string, record: LabRecord) => path.join(labDir, LAB_RECORDS[record]);

/** Where a node keeps what it was started with: in its own directory, where it runs (its machine, over SSH). */
export const runningRecordPath = (nodeDir: string) => path.join(nodeDir, "running.json");

/** A node directory's name in a lab directory (`node-<id>`). */
export const NODE_DIR = /^node-\d+$/;

/** What a marker says: the stack that made the directory, and the token in that stack's state. */
export interface Marker {
  stack: string;
  token: string;
}

/** A marker's text: a note for whoever finds the directory, then the stack and its token. */
export function markerText(marker: Marker): string {
  const note = `This directory belongs to kraftlab stack ${marker.stack}; \`pulumi destroy\` of that stack removes it.`;
  return `${JSON.stringify({ note, stack: marker.stack, token: marker.token }, null, 2)}\n`;
}

/** What a marker's text says; undefined for the plain-text marker an earlier release wrote, or anything else. */
export function parseMarker(text: string): Marker | undefined {
  try {
    const parsed = JSON.parse(text) as { stack?: unknown; token?: unknown };
    return typeof parsed.stack === "string" && typeof parsed.token === "string" ? { stack: parsed.stack, token: parsed.token } : undefined;
  } catch {
    return undefined;
  }
}

/** What a lab runs on, as its runtime record says it. */
export interface RuntimeRecord {
  kind: RuntimeConfig["kind"];
  dockerHost?: string;
}
export const runtimeRecordText = (record: RuntimeRecord) => `${JSON.stringify({ kind: record.kind, dockerHost: record.dockerHost })}\n`;
export const parseRuntimeRecord = (text: string) => JSON.parse(text) as RuntimeRecord;

export const quorumRecordText = (mode: QuorumMode) => `${JSON.stringify({ mode })}\n`;
export const parseQuorumRecord = (text: string) => (JSON.parse(text) as { mode: QuorumMode }).mode;

export const drainedText = (ids: number[]) => `${JSON.stringify(ids)}\n`;
/** The drained ids of a record's text; none for one that cannot be read. */
export function parseDrained(text: string): number[] {
  try {
    return (JSON.parse(text) as number[]).filter(Number.isInteger);
  } catch {
    return [];
  }
}

/** What a node was started with (`running.json` in its directory). */
export interface StartRecord {
  /** What runs: a pid, or a container id (see Runtime.start). */
  ref: string;
  configHash: string;
  /** The Kafka release it was started with (absent in a record of an earlier release, which ran the default one). */
  version?: string;
  /** staticHash and tunables it runs with (absent in a record of an earlier release: the node then restarts to change). */
  staticHash?: string;
  tunables?: Record<string, string>;
  /** Fingerprints of the keystore and trust bundle it loaded; "" without TLS. */
  keystoreHash: string;
  trustHash: string;
}

export const runningRecordText = (r: StartRecord) =>
  `${JSON.stringify({
    ref: r.ref,
    configHash: r.configHash,
    staticHash: r.staticHash,
    tunables: r.tunables,
    version: r.version,
    keystoreHash: r.keystoreHash,
    trustHash: r.trustHash,
  })}\n`;

/** A node's record; one written by an earlier release holds the pid that runs it instead of `ref`. */
export function parseRunningRecord(text: string): StartRecord {
  const record = JSON.parse(text) as StartRecord & { pid?: number };
  return { ...record, ref: record.ref ?? String(record.pid ?? "") };
}

/** Who holds a lease: a process of a host, known by its pid and when it started (ms since the epoch). */
export interface LeaseHolder {
  pid: number;
  startedAt: number;
  hostname: string;
}
export const leaseText = (holder: LeaseHolder) => JSON.stringify({ pid: holder.pid, startedAt: holder.startedAt, hostname: holder.hostname });
export const parseLease = (text: string) => JSON.parse(text) as LeaseHolder;
