// A node's life as converging sees it: started and ready by the cluster's own answer, or stopped; the
// nodes that do not run started together.
import type { ClusterClient } from "../client/cluster";
import { fatalCause, lastLines } from "../host/kafkaLog";
import { quorumState } from "../ops/clusterState";
import { readyProblems } from "../ops/gates";
import { waitUntil } from "../ops/wait";
import type { NodeRun, Runtime } from "../runtime/runtime";
import type { RunningNodesInputs } from "./inputs";
import { recordRunning } from "./running";

/**
 * Waits until the node is ready by the cluster's own answer: a broker registered and unfenced, a
 * controller caught up with the quorum leader. Fails at once if it stops running, with its log's end.
 */
async function waitNodeReady(rt: Runtime, client: ClusterClient, node: NodeRun, ref: string, timeoutMs: number): Promise<void> {
  let exited = false;
  const directoryId = node.roles.includes("controller") ? (await rt.meta(node))?.directoryId : undefined;
  try {
    await waitUntil(`starting node ${node.id}`, timeoutMs, async () => {
      if (!(await rt.runs(node, ref))) {
        exited = true;
        return [];
      }
      const [cluster, q] = await Promise.all([
        node.roles.includes("broker") ? client.brokers() : undefined,
        node.roles.includes("controller") ? client.quorum().then(quorumState) : undefined,
      ]);
      return readyProblems(node.id, node.roles, cluster?.brokers, q, directoryId);
    });
  } catch (err) {
    throw new Error(
      `${(err as Error).message}; raise kraftlab:readyTimeoutSeconds if the machine is slow. The end of ${node.logFile}:\n${lastLines(await rt.log(node))}`,
    );
  }
  if (exited) {
    const log = await rt.log(node);
    const cause = fatalCause(log);
    throw new Error(
      cause
        ? `node ${node.id} exited while starting: ${cause}; its log: ${node.logFile}`
        : `node ${node.id} exited while starting; the end of ${node.logFile}:\n${lastLines(log)}`,
    );
  }
}

/** Starts the node and waits until it is ready, then records what it runs with. */
export async function startNode(rt: Runtime, client: ClusterClient, node: NodeRun, inputs: RunningNodesInputs): Promise<void> {
  // What an earlier attempt that failed left running is not what state knows: stop it, or it holds the ports.
  await rt.stop(node, inputs.stopTimeoutMs, []);
  const { ref } = await rt.start(node);
  try {
    await waitNodeReady(rt, client, node, ref, inputs.readyTimeoutMs);
  } catch (err) {
    // Not ready means not started: stop it so that nothing runs beyond what state knows of.
    await rt.stop(node, inputs.stopTimeoutMs, []);
    throw err;
  }
  await recordRunning(rt, node, ref, inputs.tls);
}

export const stopNode = (rt: Runtime, node: NodeRun, inputs: Pick<RunningNodesInputs, "stopTimeoutMs" | "voters">) =>
  rt.stop(node, inputs.stopTimeoutMs, inputs.voters);

/**
 * Starts at once the nodes that do not run (`start`: new or dead) and those that must all restart
 * together (`restart`, stopped first). On a create (`creating`), one that fails stops them all: a
 * failed create leaves nothing running.
 */
export async function startTogether(
  rt: Runtime,
  client: ClusterClient,
  nodes: { start: NodeRun[]; restart: NodeRun[] },
  inputs: RunningNodesInputs,
  creating: boolean,
): Promise<void> {
  await Promise.all(nodes.restart.map((n) => stopNode(rt, n, inputs)));
  const started = await Promise.allSettled([...nodes.start, ...nodes.restart].map((n) => startNode(rt, client, n, inputs)));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    if (creating) await Promise.all(inputs.nodes.map((n) => stopNode(rt, n, inputs)));
    throw failed.reason;
  }
}
