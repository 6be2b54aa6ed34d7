// Semantic checks over a parsed config, pure so they are unit-tested and run before anything is
// touched. Each message starts with the offending key and ends with the fix.
import * as net from "node:net";
import * as path from "node:path";
import { effectiveAcls } from "./acls";
import type { LabConfig, SecurityConfig } from "./config";
import { isSasl } from "./listeners";
import { machineFindings } from "./machines";
import { MANAGED_PREFIX, MANAGED_PROPERTIES } from "./render";
import { validateTopics } from "./topics";
import { nodePorts, type PortKind, replicationPlan } from "./topology";

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

  if (cfg.runtime.kind === "docker" && cfg.runtime.subnet) {
    // Besides the nodes, the network's own address, its broadcast address and the gateway.
    const room = 2 ** (32 - Number(cfg.runtime.subnet.split("/")[1])) - 3;
    if (nodes.length > room) {
      errors.push(
        `kraftlab:runtime.subnet: ${cfg.runtime.subnet} holds ${room} containers and the lab has ${nodes.length} nodes; use a larger subnet, such as a /24`,
      );
    }
  }

  const controllers = nodes.filter((n) => n.roles.includes("controller")).length;
  const brokers = nodes.filter((n) => n.roles.includes("broker")).length;
  if (controllers === 0) {
    errors.push(
      `kraftlab:nodes: no node has the controller role; a KRaft cluster needs a quorum, so give one or three nodes roles [broker, controller] or [controller]`,
    );
  } else if (controllers % 2 === 0) {
    warnings.push(`kraftlab:nodes: ${controllers} controllers tolerate no more failures than ${controllers - 1}; use an odd number of controllers`);
  }
  if (brokers === 0) {
    errors.push(`kraftlab:nodes: no node has the broker role; clients need at least one, so add "broker" to a node's roles`);
  }

  errors.push(...machineFindings(cfg), ...portProblems(cfg));
  cfg.drainBrokers.forEach((id, i) => {
    if (seen.has(id)) {
      errors.push(
        `kraftlab:drainBrokers[${i}]: node ${id} is still in kraftlab:nodes; remove it from kraftlab:nodes to drain it and take it out of the cluster`,
      );
    }
  });

  const replication = replicationPlan(cfg, brokers);
  if (brokers > 0 && replication.factor > brokers) {
    errors.push(`kraftlab:replication.factor: ${replication.factor} is more than the ${brokers} broker(s); lower it or add brokers`);
  }
  if (replication.minInsyncReplicas > replication.factor) {
    errors.push(
      `kraftlab:replication.minInsyncReplicas: ${replication.minInsyncReplicas} is more than the replication factor ${replication.factor}, so no acks=all write could succeed; lower it`,
    );
  }

  if (brokers > 0) errors.push(...validateTopics(cfg.topics, brokers, replication));

  const managed = (key: string, where: string) => {
    const owner = MANAGED_PROPERTIES[key] ?? (MANAGED_PREFIX.test(key) ? "kraftlab:security" : undefined);
    if (owner) errors.push(`${where}: "${key}" is managed by kraftlab; set ${owner} instead`);
  };
  for (const key of Object.keys(cfg.properties)) managed(key, `kraftlab:properties.${key}`);
  for (const [i, node] of nodes.entries()) {
    for (const key of Object.keys(node.properties ?? {})) managed(key, `kraftlab:nodes[${i}].properties.${key}`);
  }
  errors.push(...versionFindings(cfg));

  errors.push(...hostProblems(cfg.host), ...heapProblems(cfg));
  if (!cfg.security && !/^(127\.\d+\.\d+\.\d+|localhost)$/.test(cfg.host)) {
    warnings.push(
      `kraftlab:host: ${cfg.host} is not a loopback address, so these plaintext listeners are reachable from the network; use 127.0.0.1 unless that is what you want`,
    );
  }
  if (cfg.security) {
    const security = securityFindings(cfg.security);
    errors.push(...security.errors);
    warnings.push(...security.warnings);
  }
  return { errors, warnings };
}

/** The key every node's properties may not set for the quorum's sake, and why. */
const AUTO_JOIN = "controller.quorum.auto.join.enable";

/** The Kafka release, its features, and what the dynamic quorum needs kraftlab alone to do. */
function versionFindings(cfg: LabConfig): string[] {
  const errors: string[] = [];
  if (cfg.kafkaHome && cfg.kafkaVersion) {
    errors.push(
      "kraftlab:kafkaVersion: set either kraftlab:kafkaVersion (a release kraftlab lays out from Maven Central) or kraftlab:kafkaHome (a distribution of your own), not both",
    );
  }
  if (cfg.features && cfg.features !== "auto" && "kraft.version" in cfg.features) {
    errors.push(
      "kraftlab:features.kraft.version: kraft.version moves only with the quorum's migration (kraftlab:quorum: dynamic), never as a feature; remove it from kraftlab:features",
    );
  }
  const autoJoin = [
    ...(AUTO_JOIN in cfg.properties ? ["kraftlab:properties"] : []),
    ...cfg.nodes.flatMap((n, i) => (n.properties && AUTO_JOIN in n.properties ? [`kraftlab:nodes[${i}].properties`] : [])),
  ];
  for (const where of autoJoin) {
    errors.push(
      `${where}.${AUTO_JOIN}: kraftlab adds and removes controllers itself (kraftlab:nodes), and with auto-join a removed controller that still runs joins again (KAFKA-19850); remove it`,
    );
  }
  return errors;
}

const MIB = 1024 * 1024;
const bytes = (size: string) => Number.parseInt(size, 10) * (/[gG]$/.test(size) ? 1024 * MIB : MIB);

/**
 * A heap the node can start with: the log cleaner allocates its dedupe buffer (128 MiB by default) on
 * the heap at start, and with less than that plus ~128 MiB for the rest the node dies of
 * OutOfMemoryError (seen with 128m).
 */
function heapProblems(cfg: LabConfig): string[] {
  const key = "log.cleaner.dedupe.buffer.size";
  const buffer = Math.max(...cfg.nodes.map((n) => Number(n.properties?.[key] ?? cfg.properties[key] ?? 128 * MIB)));
  const floor = buffer + 128 * MIB;
  if (bytes(cfg.heap) >= floor) return [];
  return [
    `kraftlab:heap: ${cfg.heap} is too small: each node's log cleaner takes ${key} (${buffer / MIB} MiB) of it at start, and the node dies of OutOfMemoryError; use at least ${Math.ceil(floor / MIB)}m`,
  ];
}

/** kraftlab:host as written: one address or name that Kafka can both bind and advertise. */
export function hostProblems(host: string): string[] {
  const fix = "set it to an address of this machine that clients can reach, e.g. 127.0.0.1";
  if (host === "0.0.0.0" || host === "::" || host === "[::]") {
    return [`kraftlab:host: ${host} is the wildcard address: Kafka can bind it but cannot advertise it to clients; ${fix}`];
  }
  if (/^[\d.]+$/.test(host) && net.isIP(host) === 0) return [`kraftlab:host: ${host} is not a valid IPv4 address; ${fix}`];
  if (net.isIP(host.replace(/^\[|\]$/g, "")) === 6) {
    return [
      `kraftlab:host: ${host} is an IPv6 address, which kraftlab does not support yet (listeners, voters and bootstrap lists are written host:port); use an IPv4 address, e.g. 127.0.0.1`,
    ];
  }
  if (net.isIP(host) === 0 && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) {
    return [`kraftlab:host: "${host}" is neither an IP address nor a host name; ${fix}`];
  }
  return [];
}

/** Checks of kraftlab:security: every principal the lab relies on exists and can do its job. */
export function securityFindings(security: SecurityConfig): Findings {
  const errors: string[] = [];
  const warnings: string[] = [];
  const users = Object.keys(security.users);
  const declared = (user: string) => users.includes(user);
  const usersHint = `declare it under kraftlab:security.users (declared: ${users.join(", ") || "none"})`;

  for (const kind of ["controller", "internal"] as const) {
    const protocol = security.listeners[kind];
    if (protocol === "PLAINTEXT") {
      errors.push(
        `kraftlab:security.listeners.${kind}: PLAINTEXT nodes present User:ANONYMOUS, which the authorizer would have to make a super user, opening the cluster to every plaintext client; use SASL_SSL or SSL`,
      );
    }
  }
  if (security.mechanism !== "PLAIN" && !isSasl(security.listeners.external)) {
    warnings.push(`kraftlab:security.mechanism: ${security.mechanism} is unused: the external listener is ${security.listeners.external}, without SASL`);
  }
  if (security.renewBeforeDays >= security.certificateValidityDays) {
    errors.push(
      `kraftlab:security.renewBeforeDays: ${security.renewBeforeDays} is not less than certificateValidityDays ${security.certificateValidityDays}, so every \`up\` would reissue the certificates; lower it`,
    );
  }
  if (!declared(security.adminUser)) errors.push(`kraftlab:security.adminUser: "${security.adminUser}" is not a user; ${usersHint}`);
  if (!security.superUsers.includes(security.adminUser)) {
    errors.push(`kraftlab:security.superUsers: the admin user "${security.adminUser}" manages ACLs and quotas and must be a super user; add it`);
  }
  security.superUsers.forEach((user, i) => {
    if (!declared(user)) errors.push(`kraftlab:security.superUsers[${i}]: "${user}" is not a user; ${usersHint}`);
  });
  security.acls.forEach((acl, i) => {
    const user = acl.principal.slice("User:".length);
    if (user !== "*" && !declared(user)) errors.push(`kraftlab:security.acls[${i}].principal: ${acl.principal} is not a user; ${usersHint}`);
  });
  Object.keys(security.quotas).forEach((user) => {
    if (!declared(user)) errors.push(`kraftlab:security.quotas.${user}: "${user}" is not a user; ${usersHint}`);
  });
  for (const [user, { password }] of Object.entries(security.users)) {
    if (password !== undefined && /["\\]/.test(password)) {
      errors.push(`kraftlab:security.users.${user}.password: must not contain " or \\ (JAAS quoting); choose another password`);
    }
  }
  if (security.listeners.external === "PLAINTEXT" || security.listeners.external === "SSL") {
    warnings.push(
      `kraftlab:security.listeners.external: ${security.listeners.external} clients are not authenticated and act as User:ANONYMOUS; use SASL_SSL to have users`,
    );
  }
  if (security.allowEveryoneIfNoAclFound && effectiveAcls(security).length > security.acls.length) {
    warnings.push(
      "kraftlab:security.acls: a resource pattern with only Deny ACLs would stop allow.everyone.if.no.acl.found from applying to everyone else on it; kraftlab adds `Allow User:* All` there (deny still wins)",
    );
  }
  return { errors, warnings };
}

/** Two listeners (or exporters, or monitoring servers) on one port, on one node or across nodes. */
function portProblems(cfg: LabConfig): string[] {
  const owners = new Map<string, string>();
  const problems: string[] = [];
  cfg.nodes.forEach((node, i) => {
    for (const [kind, port] of Object.entries(nodePorts(cfg, node)) as [PortKind, number][]) {
      const label = `kraftlab:nodes[${i}] (node ${node.id}) ${kind} port`;
      if (port < 1 || port > 65535) {
        problems.push(
          `${label}: ${port} is not a valid port (1-65535): node ${node.id} listens on kraftlab:ports.${kind} + (${node.id} - 1) × kraftlab:ports.step; change those, or set kraftlab:nodes[${i}].ports.${kind}`,
        );
        continue;
      }
      // On machines of their own, nodes collide only with the nodes of their machine.
      const where = `${node.machine ?? ""}:${port}`;
      const other = owners.get(where);
      if (other) {
        problems.push(
          `${label}: ${port} is also the ${other.replace(/^kraftlab:/, "")}; set kraftlab:nodes[${i}].ports.${kind} or change kraftlab:ports so that every listener has its own port`,
        );
      } else owners.set(where, label);
    }
  });
  for (const key of ["prometheusPort", "grafanaPort"] as const) {
    const port = cfg.monitoring?.[key];
    if (port === undefined) continue;
    const other = owners.get(`:${port}`);
    if (other)
      problems.push(`kraftlab:monitoring.${key}: ${port} is also the ${other.replace(/^kraftlab:/, "")}; set kraftlab:monitoring.${key} to a port of its own`);
    else owners.set(`:${port}`, `kraftlab:monitoring.${key}`);
  }
  return problems;
}

/**
 * Listener ports inside the kernel's ephemeral range: any outgoing connection may take one as its
 * local port (even for the TIME_WAIT minute after it closes), and the node then cannot bind it.
 */
export function ephemeralPortWarnings(cfg: LabConfig, range: [number, number]): string[] {
  const inRange = cfg.nodes.flatMap((node) =>
    (Object.entries(nodePorts(cfg, node)) as [PortKind, number][])
      .filter(([, port]) => port >= range[0] && port <= range[1])
      .map(([kind, port]) => `node ${node.id} ${kind} ${port}`),
  );
  if (inRange.length === 0) return [];
  return [
    `kraftlab:ports: ${inRange.join(", ")} lie in this machine's ephemeral port range ${range[0]}-${range[1]}, where outgoing connections may take them at any time; use ports below ${range[0]}`,
  ];
}

/** A port of this plan that something else holds, and what holds it when that can be seen. */
/** Who holds a busy port, as preflight/portHolder.ts finds it. */
export interface PortHolder {
  pid: number;
  /** Its command line, shortened. */
  command: string;
  /** When it is a kraftlab node: its lab directory, node id and the stack that made the lab. */
  node?: { labDir: string; id: number; stack?: string };
  /** When it is another process of a kraftlab lab (its Prometheus): the lab directory and its stack. */
  lab?: { labDir: string; stack?: string };
}

export interface BusyPort {
  nodeId: number;
  kind: PortKind;
  port: number;
  holder?: PortHolder;
}

/**
 * Ports of this plan taken by a process that is not one of the lab's own nodes. Held by this very
 * stack's nodes from another directory, they mean kraftlab:labDir changed under a running lab.
 */
export function busyPortProblems(busy: BusyPort[], lab: { labDir: string; stack: string }): string[] {
  const moved = busy.map((b) => b.holder?.node).find((node) => node?.stack === lab.stack && node.labDir !== lab.labDir);
  if (moved) return [labMoveProblem("kraftlab:labDir", moved.labDir, lab.labDir)];
  return busy.map(({ nodeId, kind, port, holder }) => {
    const node = holder?.node;
    const by = !holder
      ? "another process"
      : node
        ? `node ${node.id} of ${node.stack ? `kraftlab stack ${node.stack}` : "another kraftlab lab"} (${node.labDir}, pid ${holder.pid})`
        : `another process (pid ${holder.pid}: ${holder.command})`;
    const stop = node?.stack ? `run \`pulumi destroy\` on stack ${node.stack}` : "stop that process";
    return `node ${nodeId} ${kind} port ${port} is already in use by ${by}; ${stop}, or set kraftlab:ports (or kraftlab:nodes[].ports.${kind}) to a free port`;
  });
}

/** No Docker engine answered at any of `tried`: how to get one. */
export const noEngineProblem = (tried: string[]) =>
  `kraftlab:runtime: no Docker engine answers (tried ${tried.join(", ")}); start kraftlab's own with \`npm run docker:engine\` ` +
  "(as root: it installs Debian's docker.io), start yours, or set kraftlab:runtime.dockerHost to its socket";

/** The checkout a lab directory is the default of (`<checkout>/.lab/<stack>`), if it is one. */
const checkoutOf = (dir: string) => (path.basename(path.dirname(dir)) === ".lab" ? path.dirname(path.dirname(dir)) : undefined);

/**
 * A lab that exists cannot move: its nodes' data (or certificates) would stay behind. Both at their
 * default place in two checkouts: the checkouts share the state backend, and so the stack.
 */
export function labMoveProblem(key: string, from: string, to: string): string {
  const [there, here] = [checkoutOf(from), checkoutOf(to)];
  if (there && here && there !== here && path.basename(from) === path.basename(to)) {
    const stack = path.basename(to);
    return (
      `stack ${stack} already has a lab, created from another checkout of kraftlab, ${there} (its lab: ${from}); the checkouts of one machine share the stacks. ` +
      `Run kraftlab there (\`cd ${there} && npm run up\`), or give this checkout a stack of its own (\`KRAFTLAB_STACK=<name> npm run up\`; with plain pulumi, \`pulumi stack init <name>\`)`
    );
  }
  return (
    `${key}: this lab lives in ${from}; moving it to ${to} would leave its nodes' data (or certificates) behind: ` +
    `set ${key} back to ${from}, or run \`pulumi destroy\` first and then \`pulumi up\` with the new directory`
  );
}
