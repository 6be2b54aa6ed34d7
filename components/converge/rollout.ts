// Pure decisions of a rollout: what each node needs so that it runs its desired config and TLS
// material, the trust bundles of a CA rotation, and in which order nodes restart. converge.ts and the
// modules of its steps carry them out.
import type { NodeRun } from "../runtime/runtime";
import type { StartRecord } from "../store/layout";

/** The lab's TLS files, which converging writes itself so that a CA rotation goes in phases. */
export interface TlsMaterial {
  /** The PEM bundle of trusted CAs, read by nodes (ssl.truststore.location) and clients. */
  caFile: string;
  /** The CA that issues the node certificates. */
  caPem: string;
  /** CAs being rotated out: still trusted until every node holds a certificate from `caPem`. */
  previousCaPems: string[];
  /** Pause a CA rotation after this phase (e.g. to hand the old + new bundle to clients first). */
  stopAfter?: "trust" | "reissue";
  /**
   * Node id → its PKCS12 keystore (base64), where it goes, and where the node reads the trust bundle
   * (caFile itself, or a copy beside the node on a machine of its own).
   */
  keystores: Record<string, { file: string; trustFile?: string; content: string }>;
}

/** What a node was started with (its record in the store), and whether it still runs. */
export interface RunningRecord extends StartRecord {
  alive: boolean;
}

/**
 * keep: nothing to do. start: not running (new, or died). restart: runs an older config. reconfigure:
 * a broker whose tunables changed, which it takes at run time where Kafka allows it (reconfiguration);
 * it restarts too if anything else changed, or a changed key is read-only.
 */
export type NodeAction = "keep" | "start" | "restart" | "reconfigure";

export function nodeAction(node: NodeRun, running: RunningRecord | undefined): NodeAction {
  if (!running?.alive) return "start";
  if (running.configHash === node.configHash) return "keep";
  const tunablesKnown = running.tunables !== undefined && node.roles.includes("broker");
  return tunablesKnown && !same(running.tunables, node.tunables) ? "reconfigure" : "restart";
}

const same = (a: Record<string, string> | undefined, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * How a broker goes from the tunables it runs to `wanted`: the dynamic keys to set and remove now (a
 * removed key's override goes too), and the read-only ones that need a restart. `dynamic` says, by
 * Kafka's own describeConfigs, which keys are not read-only (a key Kafka does not know is not).
 */
export function reconfiguration(
  running: Record<string, string>,
  wanted: Record<string, string>,
  dynamic: (key: string) => boolean,
): { set: Record<string, string>; remove: string[]; readOnly: string[] } {
  const changed = Object.keys(wanted).filter((k) => running[k] !== wanted[k]);
  const removed = Object.keys(running).filter((k) => !(k in wanted));
  return {
    set: Object.fromEntries(changed.filter(dynamic).map((k) => [k, wanted[k]])),
    remove: removed.filter(dynamic),
    readOnly: [...changed, ...removed].filter((k) => !dynamic(k)),
  };
}

/** The fingerprints of the keystore and trust bundle a node loaded, or should. */
export interface TlsHashes {
  keystoreHash: string;
  trustHash: string;
}

/**
 * How a running node takes new TLS material. Brokers reload their listeners' keystore and truststore
 * in place (KIP-226), but up to 4.3 nothing on the CONTROLLER channel reloads (KAFKA-20025): with TLS
 * there, controllers restart, and so does a broker whose trust changes (it dials the controllers), or
 * whose certificate changes when it presents it to them (mTLS).
 */
export function tlsAction(roles: string[], loaded: TlsHashes, wanted: TlsHashes, controllerProtocol: string): "keep" | "reload" | "restart" {
  const keystore = loaded.keystoreHash !== wanted.keystoreHash;
  const trust = loaded.trustHash !== wanted.trustHash;
  if (!keystore && !trust) return "keep";
  if (controllerProtocol !== "SSL" && controllerProtocol !== "SASL_SSL") return "reload";
  if (roles.includes("controller") || trust || (keystore && controllerProtocol === "SSL")) return "restart";
  return "reload";
}

/** The PEM certificates of a bundle, in order, with "\n" line ends (node-forge writes "\r\n"). */
export const splitPems = (bundle: string) =>
  bundle
    .replace(/\r\n/g, "\n")
    .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)
    ?.map((p) => `${p}\n`) ?? [];

/**
 * The bundles a CA rotation writes, in order: `first` is old + new (phase 1, before any certificate
 * from the new CA is served), `final` the new CA alone (phase 3, once every node serves one). A bundle
 * on disk that already holds the new CA is kept as `first`, so an interrupted rotation resumes where
 * it stopped; without a rotation both are the CA on disk.
 */
export function trustBundles(onDisk: string | undefined, tls: Pick<TlsMaterial, "caPem" | "previousCaPems">): { first: string; final: string } {
  const final = splitPems(tls.caPem).join("");
  const present = splitPems(onDisk ?? "");
  if (present.length === 0) return { first: final, final };
  if (present.includes(splitPems(tls.caPem)[0])) return { first: onDisk as string, final }; // phase 1 done or under way
  return { first: [...new Set([...splitPems(tls.caPem), ...present, ...tls.previousCaPems.flatMap(splitPems)])].join(""), final };
}

/** Restart order: brokers first, then controllers, the active controller last (one election only). */
export function restartOrder(nodes: Pick<NodeRun, "id" | "roles">[], activeController: number): number[] {
  const rank = (n: Pick<NodeRun, "id" | "roles">) => (n.id === activeController ? 2 : n.roles.includes("controller") ? 1 : 0);
  return [...nodes].sort((a, b) => rank(a) - rank(b) || a.id - b.id).map((n) => n.id);
}
