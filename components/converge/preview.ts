// What an `up` will do to the nodes, as its preview says it under the running nodes' resource: for each
// node whether it is kept, reconfigured in place or restarted in the roll, and why; nodes that come
// and go, controllers joining or leaving the quorum, a release change, a certificate rotation. Pure:
// the same decisions as converging makes (rollout.ts), read from state and the nodes' records.
import type { NodeRun } from "../runtime/runtime";
import { nodeAction, type RunningRecord } from "./rollout";

export interface PreviewInput {
  olds: { nodes: NodeRun[]; kafkaVersion?: string; protocolsChanged: boolean };
  nodes: NodeRun[];
  kafkaVersion: string;
  quorumMode: string;
  /** Each node's record, in the order of `nodes`. */
  records: (RunningRecord | undefined)[];
  /** Whether the TLS material differs from what the nodes loaded. */
  tlsPending: boolean;
  /** Node id → the changed keys Kafka holds read-only, for brokers to reconfigure (absent: not asked). */
  readOnly?: Record<number, string[]>;
}

const keysChanged = (running: Record<string, string>, wanted: Record<string, string>) =>
  [...new Set([...Object.keys(running), ...Object.keys(wanted)])].filter((k) => running[k] !== wanted[k]).sort();

const roles = (n: NodeRun) => n.roles.join("+");

/** Why a running node restarts, in words; empty if it need not. */
function restartReasons(node: NodeRun, record: RunningRecord): string[] {
  const reasons: string[] = [];
  if (record.version && record.version !== node.version) reasons.push(`Kafka ${record.version} → ${node.version}`);
  if (record.staticHash === undefined || record.staticHash !== node.staticHash) {
    if (!reasons.length) reasons.push("its static config, heap or JVM options changed");
  } else if (!node.roles.includes("broker")) {
    reasons.push(`${keysChanged(record.tunables ?? {}, node.tunables).join(", ")} changed (a controller takes no config at run time)`);
  }
  return reasons;
}

/** One line per node that changes, and one per change of the cluster as a whole; none when nothing changes. */
export function previewLines(p: PreviewInput): string[] {
  const lines: string[] = [];
  if (p.olds.kafkaVersion && p.olds.kafkaVersion !== p.kafkaVersion) lines.push(`Kafka ${p.olds.kafkaVersion} → ${p.kafkaVersion}: the nodes roll onto it`);
  if (p.olds.protocolsChanged) lines.push("a listener changes protocol: every node restarts at once (nodes on both sides of it could not talk)");
  let rolled = 0;
  for (const [i, node] of p.nodes.entries()) {
    const record = p.records[i];
    const known = p.olds.nodes.some((o) => o.id === node.id);
    const action = nodeAction(node, record);
    if (action === "start") {
      const joins = known || !node.roles.includes("controller") || p.quorumMode !== "dynamic" ? "" : ", then joins the quorum as a voter";
      lines.push(known ? `node ${node.id}: not running: started again` : `node ${node.id} (${roles(node)}): new: formatted and started${joins}`);
    } else if (action !== "keep" && record) {
      const reasons = restartReasons(node, record);
      if (reasons.length) {
        rolled++;
        lines.push(`node ${node.id}: restarts in the roll: ${reasons.join("; ")}`);
      } else {
        const readOnly = p.readOnly?.[node.id];
        const dynamic = keysChanged(record.tunables ?? {}, node.tunables).filter((k) => !readOnly?.includes(k));
        if (readOnly?.length) {
          rolled++;
          const inPlace = dynamic.length ? `${dynamic.join(", ")} changed in place, then ` : "";
          lines.push(`node ${node.id}: ${inPlace}restarts in the roll: ${readOnly.join(", ")} read-only in Kafka`);
        } else {
          const hedge = readOnly ? "" : " (a key Kafka holds read-only restarts it)";
          lines.push(`node ${node.id}: ${dynamic.join(", ")} changed in place, no restart${hedge}`);
        }
      }
    }
  }
  if (p.tlsPending)
    lines.push("certificates or trusted CAs change: brokers reload them in place; nodes that cannot (TLS to controllers) restart one at a time");
  for (const old of p.olds.nodes.filter((o) => !p.nodes.some((n) => n.id === o.id))) {
    const steps = [
      ...(old.roles.includes("controller") && p.quorumMode === "dynamic" ? ["leaves the quorum"] : []),
      ...(old.roles.includes("broker") ? ["its replicas move to the other brokers", "stops", "is unregistered"] : ["stops"]),
    ];
    lines.push(`node ${old.id}: leaves the cluster: ${steps.join(", ")}; its data is removed`);
  }
  if (rolled > 1) lines.push(`the roll: ${rolled} nodes, one at a time, the quorum leader last, each once Kafka says it can stop`);
  return lines;
}
