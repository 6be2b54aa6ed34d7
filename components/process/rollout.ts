// Pure decisions of a rollout: what each node needs so that it runs its desired config and TLS
// material, and in which order nodes restart. supervisor.ts carries them out.

import { createHash } from "node:crypto";

/** What identifies a config or TLS material the node runs with (sha256, hex). */
export const fingerprint = (text: string) => createHash("sha256").update(text).digest("hex");

/** One node as the supervisor runs it. */
export interface NodeRun {
  id: number;
  roles: string[];
  heap: string;
  dir: string;
  configFile: string;
  logFile: string;
  pidFile: string;
  /** sha256 of the server.properties it must run with. */
  configHash: string;
  /** sha256 of its keystore and the truststore; "" without TLS. */
  tlsHash: string;
  /** Its PKCS12 keystore and the PEM truststore, for a reload without restart; absent without TLS. */
  keystoreFile?: string;
  truststoreFile?: string;
}

/** What a node's process was started with (`<node dir>/running.json`), and whether it still runs. */
export interface RunningRecord {
  pid: number;
  configHash: string;
  tlsHash: string;
  alive: boolean;
}

/**
 * keep: nothing to do. start: not running (new, or died). restart: runs an older config, or older
 * TLS material on a listener that cannot reload it. reload: brokers reload TLS material in place.
 */
export type NodeAction = "keep" | "start" | "restart" | "reload";

export function nodeAction(node: NodeRun, running: RunningRecord | undefined, controllerTls: boolean): NodeAction {
  if (!running?.alive) return "start";
  if (running.configHash !== node.configHash) return "restart";
  if (running.tlsHash === node.tlsHash) return "keep";
  // The CONTROLLER listener cannot reload its keystore up to 4.3 (KAFKA-20025): those nodes restart.
  return node.roles.includes("controller") && controllerTls ? "restart" : "reload";
}

/** Restart order: brokers first, then controllers, the active controller last (one election only). */
export function restartOrder(nodes: Pick<NodeRun, "id" | "roles">[], activeController: number): number[] {
  const rank = (n: Pick<NodeRun, "id" | "roles">) => (n.id === activeController ? 2 : n.roles.includes("controller") ? 1 : 0);
  return [...nodes].sort((a, b) => rank(a) - rank(b) || a.id - b.id).map((n) => n.id);
}
