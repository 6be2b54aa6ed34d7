// Nodes that leave and nodes that arrive: removals refused before anything is touched, a leaving
// broker drained, stopped and unregistered, a leaving node's keystore removed; the storage of a node
// about to start for the first time formatted.
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import type { ClusterClient } from "../client/cluster";
import { drainPlan, reassign } from "../ops/reassign";
import { removalRefusals } from "../ops/removal";
import { progress } from "../provider/progress";
import { controllerIds, type FormatContext, formatFlags, shrinkRefusals } from "../quorum/plan";
import type { NodeRun, Runtime } from "../runtime/runtime";
import { recordDrained } from "../store/labStore";
import type { RunningNodesInputs } from "./inputs";
import { stopNode } from "./lifecycle";
import { ensureFormatted } from "./storage";

/** The nodes of `olds` that `inputs` no longer lists. */
export const leaving = (olds: RunningNodesInputs | undefined, inputs: RunningNodesInputs) =>
  (olds?.nodes ?? []).filter((old) => !inputs.nodes.some((n) => n.id === old.id));

/** Refuses, before anything is touched, to remove a controller of a static quorum, too many voters at once, or a broker that still holds replicas. */
export async function checkRemovals(client: ClusterClient, removed: NodeRun[], inputs: RunningNodesInputs, olds: RunningNodesInputs): Promise<void> {
  if (removed.length === 0) return;
  const dynamic = inputs.quorum.mode === "dynamic";
  const all = removed.every((n) => n.roles.includes("controller") && !n.roles.includes("broker")) ? [] : await client.partitions();
  const refusals = [
    ...removalRefusals(removed, inputs.drain, all, inputs.quorum.mode),
    ...(dynamic ? shrinkRefusals(controllerIds(olds.nodes), controllerIds(removed)) : []),
  ];
  if (refusals.length > 0) throw new Error(refusals.join("\n"));
}

/**
 * Formats the storage of nodes about to start for the first time (see formatFlags); formatted storage
 * is only checked. A controller of a static quorum whose storage is gone is refused before anything
 * is touched: it would vote with a log it no longer has.
 */
export async function prepareStorage(rt: Runtime, nodes: NodeRun[], inputs: RunningNodesInputs, olds: RunningNodesInputs | undefined): Promise<void> {
  if (inputs.quorum.mode === "static" && olds) {
    const known = nodes.filter((n) => n.roles.includes("controller") && olds.nodes.some((o) => o.id === n.id));
    const wiped = (await Promise.all(known.map(async (n) => ((await rt.meta(n)) ? [] : [n.id])))).flat();
    if (wiped.length > 0) {
      throw new Error(
        `controller(s) ${wiped.join(", ")} lost their storage, and a static quorum cannot take a voter back without it (it would vote with a log it no longer has); ` +
          `migrate the lab with kraftlab:quorum: dynamic (kraftlab then replaces the voter), or restore the directory from a backup`,
      );
    }
  }
  const ctx: FormatContext = { ...inputs.quorum, creating: !olds };
  await Promise.all(nodes.map((n) => ensureFormatted(rt, n, inputs.clusterId, formatFlags(n, ctx))));
}

/** Moves a leaving broker's replicas to the remaining brokers, stops it, unregisters it and records it drained. */
async function removeBroker(rt: Runtime, client: ClusterClient, node: NodeRun, remaining: number[], inputs: RunningNodesInputs): Promise<void> {
  progress(`draining broker ${node.id}`);
  const plan = drainPlan(await client.partitions(), node.id, remaining);
  await reassign(client, plan, { throttleBytesPerSecond: inputs.throttleBytesPerSecond, timeoutMs: inputs.gateTimeoutMs });
  await stopNode(rt, node, inputs);
  await client.unregisterBroker(node.id);
  recordDrained(inputs.labDir ?? path.dirname(node.dir), node.id);
}

/**
 * Takes the nodes that leave out of the cluster: a broker drained first, a controller stopped (it
 * left the voters before, see reconcileVoters); then its keystore here (`olds`' material) goes. On a
 * machine of its own, the keystore goes with the node's directory.
 */
export async function removeNodes(
  rt: Runtime,
  client: ClusterClient,
  removed: NodeRun[],
  inputs: RunningNodesInputs,
  olds?: RunningNodesInputs,
): Promise<void> {
  const brokers = inputs.nodes.filter((n) => n.roles.includes("broker")).map((n) => n.id);
  for (const node of removed) {
    if (node.roles.includes("broker")) await removeBroker(rt, client, node, brokers, inputs);
    else await stopNode(rt, node, inputs);
    const keystore = olds?.tls?.keystores[String(node.id)];
    if (keystore && !node.machine) await fsp.rm(keystore.file, { force: true });
  }
}
