// Gathers what `npm run status` shows: the stack's outputs, then the cluster itself (partitions and
// quorum through the cluster client as the lab's admin, the certificate each node serves, the version in
// each node's log). Changes nothing; view.ts decides what it means.
import * as path from "node:path";
import * as tls from "node:tls";
import { labClient } from "../cluster/client";
import type { NodeInfo } from "../kafkaCluster/kafkaCluster";
import { quorumState } from "../ops/clusterState";
import type { NodeRef, Runtime } from "../runtime/runtime";
import { runtimeFor } from "../runtime/select";
import type { RuntimeSpec } from "../runtime/spec";
import { type LabStatus, labStatus, type NodeFacts, renderStatus } from "./view";

/** The stack outputs status reads (see index.ts). */
export interface StatusOutputs {
  bootstrapServers: string;
  kafkaHome: string;
  clientProperties: string;
  nodes: NodeInfo[];
  /** Absent in the outputs of an earlier release, whose labs ran processes. */
  runtime?: RuntimeSpec | { kind: "docker"; dockerHost: string };
  caCertificate?: string;
  prometheusUrl?: string;
  prometheusConsoles?: string;
  grafanaUrl?: string;
  grafana?: string;
}

/** A node of the outputs as its runtime names it: its files where model/topology.ts puts them. */
export function nodeRef(node: NodeInfo): NodeRef & { logFile: string } {
  const dir = path.dirname(node.dataDir);
  const files = { configFile: path.join(dir, "server.properties"), pidFile: path.join(dir, "kafka.pid"), logFile: node.logFile };
  return { id: node.id, dir, dataDir: node.dataDir, ...files, container: node.container, machine: node.machine };
}

/**
 * The runtime the outputs name. Outputs that name none (an earlier release's) mean processes; outputs
 * that name only Docker's engine (an earlier release's too) hold all that telling a container's state takes.
 */
export function statusRuntime(outputs: StatusOutputs): RuntimeSpec {
  const spec = outputs.runtime;
  if (!spec || spec.kind === "process") return { kind: "process", kafkaHome: outputs.kafkaHome };
  if (spec.kind === "docker" && !("image" in spec)) {
    return { kind: "docker", dockerHost: spec.dockerHost, image: "", network: "", subnet: "", lab: "", publishHost: "", mounts: [], user: "" };
  }
  return spec as RuntimeSpec;
}

/**
 * Whether the node runs, and where, in words ("pid 4242", "pid 4242 on h1", "container
 * kraftlab-dev-node-1"), as its runtime says; and the end of its log, read where it runs.
 */
async function whereNodeRuns(rt: Runtime, node: NodeInfo): Promise<{ alive: boolean; where: string; log: string }> {
  const ref = nodeRef(node);
  const [running, log] = await Promise.all([rt.running(ref).catch(() => undefined), rt.log(ref).catch(() => "")]);
  // The pid the outputs know, running or not: a node down shows which process went.
  const pid = running ?? (node.pid ? String(node.pid) : undefined);
  const where = node.container ? `container ${node.container}` : pid ? `pid ${pid}${node.machine ? ` on ${node.machine}` : ""}` : "-";
  return { alive: running !== undefined, where, log };
}

/** The Kafka version the node logged when it started last. */
const loggedVersion = (log: string) =>
  log
    .match(/Kafka version: (\S+)/g)
    ?.at(-1)
    ?.split(": ")[1];

/** Days until the certificate served on one of the node's TLS ports expires (the first that answers). */
async function servedCertificateDays(host: string, ports: number[]): Promise<number | undefined> {
  for (const port of ports) {
    const days = await new Promise<number | undefined>((resolve) => {
      const socket = tls.connect({ host, port, rejectUnauthorized: false, timeout: 5_000 }, () => {
        const validTo = socket.getPeerCertificate().valid_to;
        socket.destroy();
        resolve(validTo ? Math.floor((Date.parse(validTo) - Date.now()) / 86_400_000) : undefined);
      });
      socket.on("error", () => resolve(undefined));
      socket.on("timeout", () => {
        socket.destroy();
        resolve(undefined);
      });
    });
    if (days !== undefined) return days;
  }
  return undefined;
}

export async function gatherStatus(outputs: StatusOutputs, renewBeforeDays: number): Promise<LabStatus> {
  // As a client would: on the EXTERNAL listeners as the lab's admin, whatever the runtime.
  const client = labClient({
    runtime: { kind: "process", kafkaHome: outputs.kafkaHome },
    kafkaHome: outputs.kafkaHome,
    bootstrapServers: outputs.bootstrapServers,
    commandConfig: outputs.clientProperties,
    listener: "EXTERNAL",
  });
  const host = outputs.bootstrapServers.split(",")[0].replace(/:\d+$/, "");
  const [all, q] = await Promise.all([client.partitions().catch(() => undefined), client.quorum().then(quorumState, () => undefined)]);
  const rt = runtimeFor(statusRuntime(outputs));
  const nodes = await Promise.all(
    outputs.nodes.map(async (node): Promise<NodeFacts> => {
      const ports = [node.ports.external, node.ports.internal, node.ports.controller].filter((p): p is number => p !== undefined);
      const { alive: up, where, log } = await whereNodeRuns(rt, node);
      // A container publishes only EXTERNAL.
      const served = node.container ? ports.filter((p) => p === node.ports.external) : ports;
      return {
        id: node.id,
        roles: node.roles,
        where,
        alive: up,
        certificateDays: outputs.caCertificate && up ? await servedCertificateDays(node.address ?? host, served) : undefined,
        version: loggedVersion(log),
      };
    }),
  );
  return labStatus({ nodes, partitions: all, quorum: q, renewBeforeDays });
}

export function statusText(lab: string, outputs: StatusOutputs, status: LabStatus): string {
  const urls: [string, string][] = [
    ["bootstrap", outputs.bootstrapServers],
    ["client config", outputs.clientProperties],
    ...(outputs.prometheusUrl ? [["prometheus", outputs.prometheusUrl] as [string, string]] : []),
    ...(outputs.prometheusConsoles ? [["dashboards", outputs.prometheusConsoles] as [string, string]] : []),
    ...(outputs.grafanaUrl ? [["grafana", outputs.grafanaUrl] as [string, string]] : outputs.grafana ? [["grafana", outputs.grafana] as [string, string]] : []),
  ];
  return renderStatus(lab, status, urls);
}
