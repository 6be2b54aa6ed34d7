// The handler of the running nodes (RunningNodes, resource.ts): it makes the lab's Runtime and
// ClusterClient and hands them to converge, holding the lab's lease while it starts, rolls or stops
// nodes; its diff says, node by node, what an `up` will do. The kind name "nodeProcesses" and the
// property names of its inputs and outputs (inputs.ts) live in Pulumi state.
import * as path from "node:path";
import { stopLabAgent } from "../client/connect";
import { labClient } from "../cluster/client";
import { type Handler, same } from "../provider/handler";
import { plan } from "../provider/progress";
import { runtimeFor } from "../runtime/select";
import { stateRuntime, updateRuntime } from "../runtime/spec";
import { withLease } from "../store/labStore";
import { converge } from "./converge";
import type { RunningNodesInputs, RunningNodesOutputs } from "./inputs";
import { stopNode } from "./lifecycle";
import { previewLines } from "./preview";
import { readOnlyKeys } from "./roll";
import { nodeAction } from "./rollout";
import { readRunning, runningOf } from "./running";
import { tlsPending } from "./tls";

/** The lab directory whose lease converging holds (a state written by an earlier release names none: the nodes' parent). */
const labDirOf = (inputs: Pick<RunningNodesInputs, "labDir" | "nodes">) => inputs.labDir ?? (inputs.nodes[0] && path.dirname(inputs.nodes[0].dir));

export const runningNodes: Handler = {
  async create(inputs: RunningNodesInputs) {
    const outs = await withLease(labDirOf(inputs), () => converge(runtimeFor(inputs.runtime), labClient(inputs.admin), undefined, inputs));
    return { id: "nodes", outs };
  },
  async diff(_id, olds: RunningNodesOutputs, news: RunningNodesInputs) {
    const rt = runtimeFor(news.runtime);
    // One read of each node's record (a process check, or an engine request) serves every question below.
    const records = await Promise.all(news.nodes.map((n) => readRunning(rt, n)));
    const removed = olds.nodes.some((old) => !news.nodes.some((n) => n.id === old.id));
    const tls = await tlsPending(news.nodes, records, news.tls);
    const pending = news.nodes.some((n, i) => nodeAction(n, records[i]) !== "keep") || tls;
    // A state written by an earlier release has no `running` (it kept pids): an update (that restarts nothing) records it.
    const moved = olds.running === undefined || news.nodes.some((n, i) => (olds.running[String(n.id)] ?? "") !== (records[i]?.alive ? records[i].ref : ""));
    // A state without the quorum outputs (an earlier release's): an update (that restarts nothing) reads them.
    const unread = olds.quorumStatus === undefined;
    const readOnly = await readOnlyKeys(() => labClient(news.admin), news, records);
    const lines = previewLines({
      olds: { nodes: olds.nodes, kafkaVersion: olds.kafkaVersion, protocolsChanged: !same(olds.protocols, news.protocols) },
      nodes: news.nodes,
      kafkaVersion: news.kafkaVersion,
      quorumMode: news.quorum.mode,
      records,
      tlsPending: tls,
      readOnly,
    });
    for (const line of lines) plan(line);
    return { changes: removed || pending || moved || unread };
  },
  async update(_id, olds: RunningNodesOutputs, news: RunningNodesInputs) {
    const rt = runtimeFor(updateRuntime(stateRuntime(olds), news.runtime));
    const outs = await withLease(labDirOf(news), () => converge(rt, labClient(news.admin), olds, news));
    // The lab's connection changed (a node added or gone, another release): the agent of the old one serves nothing now.
    if (!same(olds.admin, news.admin)) await stopLabAgent(olds.admin).catch(() => undefined);
    return { outs };
  },
  async delete(_id, olds: RunningNodesOutputs) {
    const rt = runtimeFor(stateRuntime(olds));
    await withLease(labDirOf(olds), () => Promise.all(olds.nodes.map((n) => stopNode(rt, n, olds))));
    // The nodes gone, the lab's agent serves nothing: it goes now, not when idle (left to idle if it cannot be asked).
    await stopLabAgent(olds.admin).catch(() => undefined);
  },
  async read(id, olds: RunningNodesOutputs) {
    // A node that no longer runs reads back with "", so the next `up` starts it again.
    return { id, props: { ...olds, running: (await runningOf(runtimeFor(stateRuntime(olds)), olds.nodes)).running } };
  },
};
