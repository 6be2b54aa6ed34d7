// The lab's TLS files, written here and beside the nodes, and taken by the running nodes: brokers
// reload them in place, the others restart in the roll. A CA rotation goes in three phases, each
// taken by every node before the next is written.
import type { ClusterClient } from "../client/cluster";
import { putFile, readIfExists } from "../host/files";
import { fingerprint } from "../model/fingerprint";
import { brokerTlsListeners } from "../model/listeners";
import { progress } from "../provider/progress";
import type { NodeRef, NodeRun, Runtime } from "../runtime/runtime";
import type { RunningNodesInputs } from "./inputs";
import { rollingRestart } from "./roll";
import { type RunningRecord, type TlsMaterial, tlsAction, trustBundles } from "./rollout";
import { placedHash, readRunning, recordRunning, refOf, trustFileOf } from "./running";

/** Reloads the node's keystore and truststore on its TLS broker listeners (KIP-226), without a restart. */
async function reloadTls(rt: Runtime, client: ClusterClient, node: NodeRun, inputs: RunningNodesInputs, tls: TlsMaterial): Promise<void> {
  const keystore = tls.keystores[String(node.id)].file;
  const configs = Object.fromEntries(
    brokerTlsListeners(inputs.protocols).flatMap((listener) => [
      [`listener.name.${listener}.ssl.keystore.location`, keystore],
      [`listener.name.${listener}.ssl.truststore.location`, tls.caFile],
    ]),
  );
  await client.alterConfigs({ type: "broker", name: String(node.id) }, configs, []);
  await recordRunning(rt, node, await refOf(rt, node), tls);
}

/**
 * Writes the lab's trust bundle: here for the clients (caFile), and beside every node that reads a
 * copy of its own (on a machine of its own).
 */
async function writeTrust(rt: Runtime, nodes: NodeRun[], tls: TlsMaterial, bundle: string): Promise<void> {
  const data = Buffer.from(bundle, "utf8");
  await putFile(tls.caFile, data, 0o644);
  await Promise.all(nodes.filter((n) => trustFileOf(tls, n) !== tls.caFile).map((n) => rt.put(n, trustFileOf(tls, n), data, 0o644)));
}

/** Writes node `node`'s keystore where it reads it. */
const writeKeystore = (rt: Runtime, node: NodeRef, tls: TlsMaterial) => {
  const keystore = tls.keystores[String(node.id)];
  return rt.put(node, keystore.file, Buffer.from(keystore.content, "base64"), 0o600);
};

/**
 * Gives the nodes about to start the files they need (on a new lab, the whole material at once);
 * files already there are replaced by rotateTls, in an order the running nodes can follow.
 */
export async function placeTls(rt: Runtime, nodes: NodeRun[], tls: TlsMaterial): Promise<void> {
  const held = await readIfExists(tls.caFile);
  const bundle = held ?? Buffer.from(trustBundles(undefined, tls).final, "utf8");
  if (!held) await putFile(tls.caFile, bundle, 0o644);
  for (const node of nodes) {
    if (!(await rt.read(node, trustFileOf(tls, node)))) await rt.put(node, trustFileOf(tls, node), bundle, 0o644);
    if (!(await rt.read(node, tls.keystores[String(node.id)].file))) await writeKeystore(rt, node, tls);
  }
}

/** Has every running node take the TLS files now beside it: brokers reload them, the others roll. */
async function takeTls(rt: Runtime, client: ClusterClient, nodes: NodeRun[], inputs: RunningNodesInputs, tls: TlsMaterial, phase: string): Promise<void> {
  const wanted = async (n: NodeRun) => ({
    keystoreHash: await placedHash(rt, n, tls.keystores[String(n.id)]?.file),
    trustHash: await placedHash(rt, n, trustFileOf(tls, n)),
  });
  const actions = await Promise.all(
    nodes.map(async (n) => tlsAction(n.roles, (await readRunning(rt, n)) ?? { keystoreHash: "", trustHash: "" }, await wanted(n), inputs.protocols.controller)),
  );
  const reloads = nodes.filter((_, i) => actions[i] === "reload");
  const restarts = nodes.filter((_, i) => actions[i] === "restart");
  const what = [
    ...(reloads.length ? [`node(s) ${reloads.map((n) => n.id).join(", ")} reload in place`] : []),
    ...(restarts.length ? [`node(s) ${restarts.map((n) => n.id).join(", ")} restart`] : []),
  ];
  if (what.length > 0) progress(`${phase}: ${what.join(", ")}`);
  for (const node of reloads) await reloadTls(rt, client, node, inputs, tls);
  await rollingRestart(rt, client, restarts, inputs);
}

/**
 * Brings the TLS files to `tls` with the running nodes following each step: the trust bundle first
 * (old + new CA during a rotation), then the node keystores, then the bundle of the new CA alone.
 * Each step is taken by every node before the next is written, so no node ever serves a certificate
 * another does not trust; `stopAfter` pauses a rotation between steps.
 */
export async function rotateTls(rt: Runtime, client: ClusterClient, nodes: NodeRun[], inputs: RunningNodesInputs, tls: TlsMaterial): Promise<void> {
  // The clients' bundle here says which phase the lab is in: the nodes' copies follow it.
  const onDisk = (await readIfExists(tls.caFile))?.toString("utf8");
  const bundles = trustBundles(onDisk, tls);
  const rotating = bundles.first !== bundles.final;
  const phase = (n: number, what: string) => (rotating ? `CA rotation, phase ${n} of 3 (${what})` : "certificates");
  await writeTrust(rt, nodes, tls, bundles.first);
  await takeTls(rt, client, nodes, inputs, tls, phase(1, "trust the old and the new CA"));
  if (rotating && tls.stopAfter === "trust") return;
  await Promise.all(nodes.map((n) => writeKeystore(rt, n, tls)));
  await takeTls(rt, client, nodes, inputs, tls, phase(2, "certificates from the new CA"));
  if (rotating && tls.stopAfter === "reissue") return;
  await writeTrust(rt, nodes, tls, bundles.final);
  await takeTls(rt, client, nodes, inputs, tls, phase(3, "trust the new CA alone"));
}

/** Whether the TLS files on disk, or what a node loaded (`records`, in the order of `nodes`), differ from `tls`. */
export async function tlsPending(nodes: NodeRun[], records: (RunningRecord | undefined)[], tls: TlsMaterial | undefined): Promise<boolean> {
  if (!tls) return false;
  const bundle = trustBundles((await readIfExists(tls.caFile))?.toString("utf8"), tls).final;
  const trustHash = fingerprint(bundle);
  return nodes.some((n, i) => {
    const keystoreHash = fingerprint(Buffer.from(tls.keystores[String(n.id)].content, "base64").toString("latin1"));
    return records[i]?.keystoreHash !== keystoreHash || records[i]?.trustHash !== trustHash;
  });
}
