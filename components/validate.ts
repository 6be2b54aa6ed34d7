// Semantic checks over a parsed config, pure so they are unit-tested and run before anything is
// touched. Each message starts with the offending key and ends with the fix.
import type { LabConfig } from "./config";
import { MANAGED_PREFIX, MANAGED_PROPERTIES } from "./render";
import { nodePorts, replicationPlan, type ListenerKind } from "./topology";

export interface Findings {
  errors: string[];
  warnings: string[];
}

const EXAMPLE_NODE = "e.g. { id: 1, roles: [broker, controller] }";

export function validateLab(cfg: LabConfig): Findings {
  const errors: string[] = [];
  const warnings: string[] = [];
  const nodes = cfg.nodes;

  if (nodes.length === 0) {
    errors.push(`kraftlab:nodes: no node declared; declare at least one, ${EXAMPLE_NODE}`);
    return { errors, warnings };
  }

  const seen = new Map<number, number>();
  nodes.forEach((node, i) => {
    const first = seen.get(node.id);
    if (first !== undefined) {
      errors.push(`kraftlab:nodes[${i}].id: node id ${node.id} is already used by kraftlab:nodes[${first}]; give every node its own id`);
    } else seen.set(node.id, i);
    if (new Set(node.roles).size !== node.roles.length) {
      errors.push(`kraftlab:nodes[${i}].roles: a role is listed twice; list each of broker, controller at most once`);
    }
  });

  const controllers = nodes.filter((n) => n.roles.includes("controller")).length;
  const brokers = nodes.filter((n) => n.roles.includes("broker")).length;
  if (controllers === 0) {
    errors.push(`kraftlab:nodes: no node has the controller role; a KRaft cluster needs a quorum, so give one or three nodes roles [broker, controller] or [controller]`);
  } else if (controllers % 2 === 0) {
    warnings.push(`kraftlab:nodes: ${controllers} controllers tolerate no more failures than ${controllers - 1}; use an odd number of controllers`);
  }
  if (brokers === 0) {
    errors.push(`kraftlab:nodes: no node has the broker role; clients need at least one, so add "broker" to a node's roles`);
  }

  errors.push(...portProblems(cfg));

  const replication = replicationPlan(cfg, brokers);
  if (brokers > 0 && replication.factor > brokers) {
    errors.push(`kraftlab:replication.factor: ${replication.factor} is more than the ${brokers} broker(s); lower it or add brokers`);
  }
  if (replication.minInsyncReplicas > replication.factor) {
    errors.push(`kraftlab:replication.minInsyncReplicas: ${replication.minInsyncReplicas} is more than the replication factor ${replication.factor}, so no acks=all write could succeed; lower it`);
  }

  const managed = (key: string, where: string) => {
    const owner = MANAGED_PROPERTIES[key] ?? (MANAGED_PREFIX.test(key) ? "kraftlab:security" : undefined);
    if (owner) errors.push(`${where}: "${key}" is managed by kraftlab; set ${owner} instead`);
  };
  Object.keys(cfg.properties).forEach((key) => managed(key, `kraftlab:properties.${key}`));
  nodes.forEach((node, i) => Object.keys(node.properties ?? {}).forEach((key) => managed(key, `kraftlab:nodes[${i}].properties.${key}`)));

  if (!/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(cfg.host)) {
    warnings.push(`kraftlab:host: ${cfg.host} is not a loopback address, so these plaintext listeners are reachable from the network; use 127.0.0.1 unless that is what you want`);
  }
  return { errors, warnings };
}

/** Two listeners on one port, on one node or across nodes. */
function portProblems(cfg: LabConfig): string[] {
  const owners = new Map<number, string>();
  const problems: string[] = [];
  cfg.nodes.forEach((node, i) => {
    for (const [kind, port] of Object.entries(nodePorts(cfg, node)) as [ListenerKind, number][]) {
      const label = `kraftlab:nodes[${i}] (node ${node.id}) ${kind} port`;
      if (port > 65535) {
        problems.push(`${label}: ${port} is not a valid port; lower kraftlab:ports.${kind} or kraftlab:ports.step, or set kraftlab:nodes[${i}].ports.${kind}`);
        continue;
      }
      const other = owners.get(port);
      if (other) {
        problems.push(`${label}: ${port} is also the ${other.replace(/^kraftlab:/, "")}; set kraftlab:nodes[${i}].ports.${kind} or change kraftlab:ports so that every listener has its own port`);
      } else owners.set(port, label);
    }
  });
  return problems;
}

/** Ports of this plan that are taken by a process that is not one of the lab's own nodes. */
export function busyPortProblems(busy: { nodeId: number; kind: ListenerKind; port: number }[]): string[] {
  return busy.map(
    ({ nodeId, kind, port }) =>
      `node ${nodeId} ${kind} port ${port} is already in use by another process; stop that process, or set kraftlab:ports (or kraftlab:nodes[].ports.${kind}) to a free port`,
  );
}
