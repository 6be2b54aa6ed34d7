// `npm run status`: the lab at a glance. Pure: gather.ts gathers the facts (stack outputs, the
// cluster's partitions and quorum, served certificates, node logs) and this decides what they mean.

import type { PartitionState, QuorumState } from "../ops/clusterState";

/** A quorum lag this small (records) counts as caught up: the leader appends a record every 500 ms. */
const CAUGHT_UP_LAG = 10;

export interface NodeFacts {
  id: number;
  roles: string[];
  /** Where it runs: "pid 1234". */
  where: string;
  alive: boolean;
  /** Days until the certificate it serves expires, with security. */
  certificateDays?: number;
  /** Kafka version from its log, when it says. */
  version?: string;
}

export interface LabFacts {
  nodes: NodeFacts[];
  /** Undefined when the cluster could not be asked. */
  partitions?: PartitionState[];
  quorum?: QuorumState;
  /** A certificate this close to expiry is a problem (kraftlab:security.renewBeforeDays). */
  renewBeforeDays: number;
}

export interface NodeStatus extends NodeFacts {
  quorumRole: "leader" | "follower" | "observer" | "-";
  lag?: number;
  led: number;
  underReplicated: number;
  offline: number;
}

export interface LabStatus {
  nodes: NodeStatus[];
  /** Why the lab is not healthy; empty when it is. */
  problems: string[];
}

export function labStatus(facts: LabFacts): LabStatus {
  const all = facts.partitions ?? [];
  const q = facts.quorum;
  const nodes = facts.nodes.map((node): NodeStatus => {
    const voter = q?.voters.find((v) => v.id === node.id);
    const observer = q?.observers.find((o) => o.id === node.id);
    const replicaOf = all.filter((p) => p.replicas.includes(node.id));
    return {
      ...node,
      quorumRole: q?.leaderId === node.id ? "leader" : voter ? "follower" : observer ? "observer" : "-",
      lag: (voter ?? observer)?.lag,
      led: all.filter((p) => p.leader === node.id).length,
      // As Kafka counts it per broker: partitions it leads with fewer in-sync replicas than replicas.
      underReplicated: all.filter((p) => p.leader === node.id && p.isr.length < p.replicas.length).length,
      offline: replicaOf.filter((p) => p.leader < 0).length,
    };
  });
  const problems = [
    ...nodes.filter((n) => !n.alive).map((n) => `node ${n.id} is down`),
    ...(facts.partitions === undefined || q === undefined ? ["the cluster did not answer"] : []),
    ...(q && q.leaderId < 0 ? ["the quorum has no leader"] : []),
    ...nodes
      .filter((n) => n.quorumRole === "follower" && (n.lag ?? 0) > CAUGHT_UP_LAG)
      .map((n) => `controller ${n.id} lags ${n.lag} records behind the leader`),
  ];
  const offline = all.filter((p) => p.leader < 0).length;
  const under = all.filter((p) => p.leader >= 0 && p.isr.length < p.replicas.length).length;
  if (offline > 0) problems.push(`${offline} offline partition(s)`);
  if (under > 0) problems.push(`${under} under-replicated partition(s)`);
  for (const n of nodes) {
    if (n.certificateDays !== undefined && n.certificateDays <= facts.renewBeforeDays) {
      problems.push(`node ${n.id}'s certificate expires in ${n.certificateDays} day(s); run \`npm run up\` to renew it`);
    }
  }
  return { nodes, problems };
}

/** The table, then the lab's addresses, then a verdict line. */
export function renderStatus(lab: string, status: LabStatus, urls: [string, string][]): string {
  const secure = status.nodes.some((n) => n.certificateDays !== undefined);
  const header = ["ID", "ROLES", "RUNS", "STATE", "QUORUM", "LAG", "LED", "URP", "OFFLINE", ...(secure ? ["CERT DAYS"] : []), "VERSION"];
  const rows = status.nodes.map((n) => [
    String(n.id),
    n.roles.join(","),
    n.where,
    n.alive ? "up" : "down",
    n.quorumRole,
    n.lag === undefined ? "-" : String(n.lag),
    String(n.led),
    String(n.underReplicated),
    String(n.offline),
    ...(secure ? [n.certificateDays === undefined ? "-" : String(n.certificateDays)] : []),
    n.version ?? "-",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  const verdict = status.problems.length === 0 ? "healthy" : `NOT healthy: ${status.problems.join("; ")}`;
  return `${[`lab ${lab}: ${verdict}`, line(header), ...rows.map(line), "", ...urls.map(([name, url]) => `${name}: ${url}`)].join("\n")}\n`;
}
