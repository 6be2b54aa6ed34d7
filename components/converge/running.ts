// What each node runs with, as converging reads it: its record in the store (what it was started with,
// and the TLS files it loaded) and whether that still runs.

import { fingerprint } from "../model/fingerprint";
import type { NodeRef, NodeRun, Runtime } from "../runtime/runtime";
import { readRunningRecord, writeRunningRecord } from "../store/labStore";
import type { RunningRecord, TlsMaterial } from "./rollout";

/** Where the node reads its trust bundle: the lab's, or a copy beside it on a machine of its own. */
export const trustFileOf = (tls: TlsMaterial, node: NodeRef) => tls.keystores[String(node.id)]?.trustFile ?? tls.caFile;

/** The fingerprint of a node's file where it runs ("" when there is none). */
export const placedHash = async (rt: Runtime, node: NodeRef, file: string | undefined) => {
  const data = file ? await rt.read(node, file) : undefined;
  return data ? fingerprint(data.toString("latin1")) : "";
};

/** What the node was started with, and whether that still runs. */
export async function readRunning(rt: Runtime, node: NodeRun): Promise<RunningRecord | undefined> {
  const record = await readRunningRecord(rt, node);
  return record && { ...record, alive: record.ref !== "" && (await rt.runs(node, record.ref)) };
}

/** Records what the node runs with: its config, and the keystore and bundle now beside it (what it loaded). */
export async function recordRunning(rt: Runtime, node: NodeRun, ref: string, tls: TlsMaterial | undefined): Promise<void> {
  await writeRunningRecord(rt, node, {
    ref,
    configHash: node.configHash,
    staticHash: node.staticHash,
    tunables: node.tunables,
    version: node.version,
    keystoreHash: await placedHash(rt, node, tls?.keystores[String(node.id)]?.file),
    trustHash: tls ? await placedHash(rt, node, trustFileOf(tls, node)) : "",
  });
}

/** What runs as the node ("" when nothing does). */
export const refOf = async (rt: Runtime, node: NodeRun) => {
  const running = await readRunning(rt, node);
  return running?.alive ? running.ref : "";
};

/** Node id → what runs as it, and the release it runs ("" for both when it does not run): one read of each node. */
export async function runningOf(rt: Runtime, nodes: NodeRun[]): Promise<{ running: Record<string, string>; versions: Record<string, string> }> {
  const records = await Promise.all(nodes.map((n) => readRunning(rt, n)));
  const of = (pick: (r: RunningRecord) => string) => Object.fromEntries(nodes.map((n, i) => [String(n.id), records[i]?.alive ? pick(records[i]) : ""]));
  return { running: of((r) => r.ref), versions: of((r) => r.version ?? "") };
}
