// What a KafkaCluster exports of its nodes and its quorum: the plan, completed with what the running
// nodes report (pids, releases, the quorum as the cluster last said it, the finalized features).
import * as pulumi from "@pulumi/pulumi";
import type { ClusterId } from "../cluster/resources";
import type { RunningNodes } from "../converge/resource";
import type { QuorumMode } from "../model/schema/quorum";
import type { ClusterPlan, NodePorts } from "../model/topology";
import type { QuorumStatus } from "../quorum/outputs";

/** What the stack exports for each node. */
export interface NodeInfo {
  /** Its `node.id`. */
  id: number;
  /** `broker`, `controller`, or both. */
  roles: string[];
  /** Its listeners' ports (and the exporter's, with monitoring). */
  ports: NodePorts;
  /** Its log directory, on its machine with SSH. */
  dataDir: string;
  /** Its server.log, on its machine with SSH. */
  logFile: string;
  /** With the process and SSH runtimes: its pid (0 when not running), on its machine with SSH. */
  pid?: number;
  /** With the Docker runtime: its container's name. */
  container?: string;
  /** With the SSH runtime: its machine (a name of kraftlab:machines). */
  machine?: string;
  /** With the SSH runtime: that machine's address. */
  address?: string;
  /** The Kafka release it runs ("" when not running). */
  version: string;
}

/** What the stack exports of the quorum. */
export interface QuorumInfo extends Omit<QuorumStatus, "leaderId"> {
  /** `dynamic` (KIP-853) or `static`. */
  mode: QuorumMode;
  /** The leader's node id, as the cluster last said it. */
  leaderId?: number;
}

export interface ClusterOutputs {
  /** EXTERNAL listeners of the brokers, comma-separated. */
  bootstrapServers: pulumi.Output<string>;
  /** The cluster id, generated once. */
  clusterId: pulumi.Output<string>;
  /** Each node, as the stack exports it. */
  nodes: pulumi.Output<NodeInfo[]>;
  /** The controller quorum: its mode, the voters (node id, directory id, endpoint) and the observers. */
  quorum: pulumi.Output<QuorumInfo>;
  /** Finalized feature levels (kafka-features describe), by name. */
  features: pulumi.Output<Record<string, string>>;
}

/** Each node of the plan as the stack exports it: a container's name on Docker, else its pid (0 when not running). */
export function nodeInfos(plan: ClusterPlan, running: Record<string, string>, versions: Record<string, string> | undefined): NodeInfo[] {
  return plan.nodes.map((node) => ({
    id: node.id,
    roles: node.roles,
    ports: node.ports,
    dataDir: node.dataDir,
    logFile: node.logFile,
    ...(node.container ? { container: node.container } : { pid: Number(running[String(node.id)] || 0) }),
    ...(node.machine && { machine: node.machine, address: node.externalHost }),
    version: versions?.[String(node.id)] ?? "",
  }));
}

/** The cluster's outputs, from the plan, its id and what the running nodes report. */
export function clusterOutputs(plan: ClusterPlan, clusterId: ClusterId, processes: RunningNodes): ClusterOutputs {
  return {
    bootstrapServers: pulumi.output(plan.bootstrapServers),
    clusterId: clusterId.clusterId,
    nodes: pulumi.all([processes.running, processes.versions]).apply(([running, versions]) => nodeInfos(plan, running, versions)),
    quorum: processes.quorumStatus.apply((status) => ({ mode: plan.quorum.mode, voters: [], observers: [], ...status })),
    features: processes.finalized.apply((finalized) => finalized ?? {}),
  };
}
