// Pure computation of the cluster's shape from the config: which node has which listeners on which
// ports, the quorum voters, replication sizes and where each node's files live. Everything a node's
// server.properties says is derived here or in render.ts, nowhere else.
import * as path from "node:path";
import type { LabConfig, NodeConfig, Role, SecurityConfig } from "./config";
import type { MonitoringConfig } from "./schema/monitoring";
import type { QuorumChoice } from "./schema/quorum";
import type { RuntimeConfig } from "./schema/runtime";

/** Kafka listener names, one per purpose. */
export const LISTENER = { external: "EXTERNAL", internal: "INTERNAL", controller: "CONTROLLER" } as const;
export type ListenerKind = keyof typeof LISTENER;

/** What a node port serves: a Kafka listener, or the metrics exporter. */
export type PortKind = ListenerKind | "metrics";
/** The ports a node listens on: brokers have external + internal, controllers have controller, and every node metrics with monitoring. */
export type NodePorts = Partial<Record<PortKind, number>>;

export interface NodePlan {
  id: number;
  roles: Role[];
  broker: boolean;
  controller: boolean;
  ports: NodePorts;
  /** Where the other nodes reach it (INTERNAL, CONTROLLER): kraftlab:host, its name on the lab's Docker network, or its machine's address. */
  host: string;
  /** Where clients reach its EXTERNAL listener: kraftlab:host, or its machine's address. */
  externalHost: string;
  /** With the SSH runtime: the machine it runs on (kraftlab:machines). */
  machine?: string;
  /** The address its listeners bind: kraftlab:host, or every address of its container. */
  bindHost: string;
  /** Its container, with the Docker runtime. */
  container?: string;
  /** `<labDir>/node-<id>` (on its machine, `<baseDir>/<stack>/node-<id>`): everything of this node, removed on destroy. */
  dir: string;
  dataDir: string;
  configFile: string;
  logFile: string;
  pidFile: string;
  /** kraftlab:properties merged with this node's own `properties`. */
  extraProperties: Record<string, string>;
}

export interface ReplicationPlan {
  factor: number;
  minInsyncReplicas: number;
  partitions: number;
  /** For __consumer_offsets, transactions and share-group state. */
  internalFactor: number;
  internalMinIsr: number;
}

export interface ClusterPlan {
  /** Where clients reach the EXTERNAL listeners (and the metrics): kraftlab:host. */
  host: string;
  runtime: RuntimeConfig;
  labDir: string;
  nodes: NodePlan[];
  brokers: NodePlan[];
  controllers: NodePlan[];
  /** Dynamic (KIP-853) or static, and whether a static lab is migrating (quorum/plan.ts chooseQuorum). */
  quorum: QuorumChoice;
  /** controller.quorum.voters of a static quorum: `id@host:port,…` */
  voters: string;
  /** controller.quorum.bootstrap.servers of a dynamic quorum: the controllers' `host:port,…` */
  quorumBootstrapServers: string;
  /** EXTERNAL listeners of every broker, comma-separated. */
  bootstrapServers: string;
  /** INTERNAL listeners of every broker, comma-separated: where the program itself connects. */
  internalBootstrapServers: string;
  replication: ReplicationPlan;
  /** TLS, SASL and authorization; undefined for an all-PLAINTEXT lab. */
  security?: SecurityConfig;
  /** The exporter, Prometheus and Grafana; undefined without monitoring. */
  monitoring?: MonitoringConfig;
}

/**
 * Which step of `kraftlab:ports` a node takes: its id less one, or on machines of their own, its rank
 * among the nodes of its machine (each machine's first node listens on 9092, 9093, … as an
 * administrator would set it).
 */
function portSlot(cfg: Pick<LabConfig, "nodes" | "runtime">, node: Pick<NodeConfig, "id" | "machine">): number {
  if (cfg.runtime.kind !== "ssh") return node.id - 1;
  return cfg.nodes.filter((n) => n.machine === node.machine && n.id < node.id).length;
}

/** The ports node `node` uses, from its overrides or from `kraftlab:ports` by its slot (portSlot). */
export function nodePorts(
  cfg: Pick<LabConfig, "ports" | "monitoring" | "nodes" | "runtime">,
  node: Pick<NodeConfig, "id" | "roles" | "ports" | "machine">,
): NodePorts {
  const offset = portSlot(cfg, node) * cfg.ports.step;
  const pick = (kind: PortKind) => node.ports?.[kind] ?? cfg.ports[kind] + offset;
  const ports: NodePorts = {};
  if (node.roles.includes("broker")) {
    ports.external = pick("external");
    ports.internal = pick("internal");
  }
  if (node.roles.includes("controller")) ports.controller = pick("controller");
  if (cfg.monitoring) ports.metrics = pick("metrics");
  return ports;
}

/** Replication sizes that fit `brokerCount` brokers, unless the config sets them. */
export function replicationPlan(cfg: Pick<LabConfig, "replication">, brokerCount: number): ReplicationPlan {
  const fit = Math.max(1, Math.min(3, brokerCount));
  const factor = cfg.replication.factor ?? fit;
  return {
    factor,
    minInsyncReplicas: cfg.replication.minInsyncReplicas ?? (factor >= 3 ? 2 : 1),
    partitions: cfg.replication.partitions ?? 1,
    internalFactor: fit,
    internalMinIsr: Math.min(2, fit),
  };
}

const stringify = (props: Record<string, string | number | boolean> = {}) => Object.fromEntries(Object.entries(props).map(([k, v]) => [k, String(v)]));

/** A node's name on the lab's Docker network (an alias), and in its certificate. */
export const nodeHostName = (id: number) => `node-${id}`;
/** A node's container: named after the lab and the node, as unique as the stack on one engine. */
export const containerName = (lab: string, id: number) => `kraftlab-${lab}-node-${id}`;

/**
 * The whole cluster, nodes in config order. `labDir` must be absolute; `lab` is the stack's name;
 * `quorum` as chosen for this lab (a new lab's: kraftlab:quorum, dynamic by default).
 */
export function planCluster(
  cfg: LabConfig,
  labDir: string,
  lab: string,
  quorum: QuorumChoice = { mode: cfg.quorum ?? "dynamic", migrating: false },
): ClusterPlan {
  const docker = cfg.runtime.kind === "docker";
  const nodes: NodePlan[] = cfg.nodes.map((node) => {
    const machine = cfg.runtime.kind === "ssh" && node.machine ? cfg.machines[node.machine] : undefined;
    // On a machine, the node's files are that machine's (POSIX paths, whatever this machine is).
    const dir = machine ? path.posix.join(machine.baseDir, lab, `node-${node.id}`) : path.join(labDir, `node-${node.id}`);
    const address = machine?.address ?? cfg.host;
    return {
      id: node.id,
      roles: [...new Set(node.roles)].sort(),
      broker: node.roles.includes("broker"),
      controller: node.roles.includes("controller"),
      ports: nodePorts(cfg, node),
      // In a container, EXTERNAL is published on kraftlab:host by the engine, so listeners bind every address.
      host: docker ? nodeHostName(node.id) : address,
      externalHost: address,
      bindHost: docker ? "0.0.0.0" : address,
      ...(docker && { container: containerName(lab, node.id) }),
      ...(machine && { machine: node.machine }),
      dir,
      dataDir: path.join(dir, "data"),
      configFile: path.join(dir, "server.properties"),
      logFile: path.join(dir, "logs", "server.log"),
      pidFile: path.join(dir, "kafka.pid"),
      extraProperties: { ...stringify(cfg.properties), ...stringify(node.properties) },
    };
  });
  const brokers = nodes.filter((n) => n.broker);
  const controllers = nodes.filter((n) => n.controller);
  return {
    host: cfg.host,
    runtime: cfg.runtime,
    labDir,
    nodes,
    brokers,
    controllers,
    quorum,
    voters: controllers.map((n) => `${n.id}@${n.host}:${n.ports.controller}`).join(","),
    quorumBootstrapServers: controllers.map((n) => `${n.host}:${n.ports.controller}`).join(","),
    bootstrapServers: brokers.map((n) => `${n.externalHost}:${n.ports.external}`).join(","),
    internalBootstrapServers: brokers.map((n) => `${n.host}:${n.ports.internal}`).join(","),
    replication: replicationPlan(cfg, brokers.length),
    security: cfg.security,
    monitoring: cfg.monitoring,
  };
}
