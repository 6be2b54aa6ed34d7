// Renders the files Kafka reads from templates/ and the plan (topology.ts). The only place that
// decides the text of server.properties and client.properties.
import Handlebars from "handlebars";
import { escapeKey } from "properties-file/escape";
import { templateText } from "../host/templates";
import { clientSecurityProperties, operatorProperties, type SecuritySecrets, serverSecurityProperties } from "./listeners";
import { type ClusterPlan, LISTENER, type ListenerKind, type NodePlan } from "./topology";

// noEscape: the output is a .properties file, not HTML; values are escaped for .properties below (propertyValue).
const compile = (name: string) => Handlebars.compile(templateText(name), { noEscape: true, strict: true });
const serverTemplate = compile("server.properties.hbs");
const clientTemplate = compile("client.properties.hbs");

/**
 * server.properties keys kraftlab derives itself, each with the config key that controls it.
 * Setting one through `properties` is refused: two sources for one value would disagree.
 */
export const MANAGED_PROPERTIES: Readonly<Record<string, string>> = {
  "process.roles": "kraftlab:nodes[].roles",
  "node.id": "kraftlab:nodes[].id",
  "controller.quorum.voters": "kraftlab:nodes",
  "controller.quorum.bootstrap.servers": "kraftlab:nodes",
  "controller.listener.names": "kraftlab:nodes",
  listeners: "kraftlab:host and kraftlab:ports",
  "advertised.listeners": "kraftlab:host and kraftlab:ports",
  "listener.security.protocol.map": "kraftlab:ports",
  "inter.broker.listener.name": "kraftlab:nodes",
  "log.dirs": "kraftlab:labDir",
  "log.dir": "kraftlab:labDir",
  "num.partitions": "kraftlab:replication.partitions",
  "default.replication.factor": "kraftlab:replication.factor",
  "min.insync.replicas": "kraftlab:replication.minInsyncReplicas",
  "offsets.topic.replication.factor": "kraftlab:replication",
  "transaction.state.log.replication.factor": "kraftlab:replication",
  "transaction.state.log.min.isr": "kraftlab:replication",
  "share.coordinator.state.topic.replication.factor": "kraftlab:replication",
  "share.coordinator.state.topic.min.isr": "kraftlab:replication",
  "ssl.keystore.type": "kraftlab:security",
  "ssl.keystore.location": "kraftlab:security",
  "ssl.keystore.password": "kraftlab:security",
  "ssl.key.password": "kraftlab:security",
  "ssl.truststore.type": "kraftlab:security",
  "ssl.truststore.location": "kraftlab:security",
  "ssl.principal.mapping.rules": "kraftlab:security",
  "sasl.mechanism.inter.broker.protocol": "kraftlab:security",
  "sasl.mechanism.controller.protocol": "kraftlab:security",
  "authorizer.class.name": "kraftlab:security",
  "super.users": "kraftlab:security.superUsers",
  "allow.everyone.if.no.acl.found": "kraftlab:security.allowEveryoneIfNoAclFound",
};

/** Per-listener settings (listener.name.<listener>.*) are kraftlab:security's too. */
export const MANAGED_PREFIX = /^listener\.name\.(external|internal|controller)\./;

/** Defaults for a 2-core lab machine; any of them can be overridden through `properties`. */
export const LAB_TUNABLES: Readonly<Record<string, string>> = {
  "num.network.threads": "2",
  "num.io.threads": "4",
  "group.initial.rebalance.delay.ms": "0",
};

const ORDER: ListenerKind[] = ["external", "internal", "controller"];

/** `EXTERNAL://127.0.0.1:9092,…` for the listeners this node has: where they bind, or (`advertised`) where they are reached. */
export function nodeListeners(node: NodePlan, advertised = false): string {
  const host = (kind: ListenerKind) => (!advertised ? node.bindHost : kind === "external" ? node.externalHost : node.host);
  return ORDER.filter((kind) => node.ports[kind] !== undefined)
    .map((kind) => `${LISTENER[kind]}://${host(kind)}:${node.ports[kind]}`)
    .join(",");
}

/**
 * A value as an administrator writes it, escaped only where Java's Properties.load needs it: a
 * backslash, a line break or tab, a leading space, and characters beyond Latin-1 (the file is read as
 * ISO-8859-1). `=`, `:`, `#` and `!` are plain text inside a value, so a JAAS line stays copy-pastable.
 */
export function propertyValue(value: string): string {
  const named: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\f": "\\f" };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: \u0000-\u00ff is the Latin-1 range, all of it on purpose
  return value.replace(/[\\\n\r\t\f]|[^\u0000-\u00ff]/g, (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).replace(/^ /, "\\ ");
}

const escaped = (props: [string, string][]) => props.map(([key, value]) => ({ key: escapeKey(key), value: propertyValue(value) }));

/** The node's tunables: the lab's defaults, then kraftlab:properties and its own. */
export const nodeTunables = (node: Pick<NodePlan, "extraProperties">): Record<string, string> => ({ ...LAB_TUNABLES, ...node.extraProperties });

/** `secrets` is required when the plan has security; without `withTunables`, the file less its tunables (what a broker cannot take at run time). */
export function renderServerProperties(plan: ClusterPlan, node: NodePlan, lab: string, secrets?: SecuritySecrets, withTunables = true): string {
  const tunables = withTunables ? nodeTunables(node) : {};
  if (plan.security && !secrets) throw new Error("renderServerProperties: a secure plan needs its secrets");
  return serverTemplate({
    lab,
    id: node.id,
    roles: node.roles.join(","),
    staticQuorum: plan.quorum.mode === "static",
    voters: plan.voters,
    quorumBootstrapServers: plan.quorumBootstrapServers,
    listeners: nodeListeners(node),
    advertised: nodeListeners(node, true),
    // Every name mapped, even those this node does not listen on: brokers still dial CONTROLLER.
    protocolMap: ORDER.map((kind) => `${LISTENER[kind]}:${plan.security?.listeners[kind] ?? "PLAINTEXT"}`).join(","),
    broker: node.broker,
    dataDir: propertyValue(node.dataDir),
    replication: plan.replication,
    security: plan.security && secrets ? escaped(serverSecurityProperties(plan.security, secrets)) : [],
    tunables: escaped(Object.entries(tunables)),
  });
}

/** Client settings for EXTERNAL; with security, those of `client` (a user and its password). */
export function renderClientProperties(plan: ClusterPlan, lab: string, client?: { user: string; password: string; truststoreFile: string }): string {
  const security: [string, string][] =
    plan.security && client
      ? clientSecurityProperties(plan.security, client.user, client.password, client.truststoreFile)
      : [["security.protocol", "PLAINTEXT"]];
  return clientTemplate({ lab, user: client?.user, bootstrapServers: plan.bootstrapServers, security: escaped(security) });
}

/** The program's own client config: INTERNAL listeners, node identity (see operatorProperties). */
export function renderOperatorProperties(plan: ClusterPlan, lab: string, secrets: SecuritySecrets): string {
  if (!plan.security) throw new Error("renderOperatorProperties: only for a secure plan");
  return clientTemplate({
    lab,
    user: "kraftlab (operator)",
    bootstrapServers: plan.internalBootstrapServers,
    security: escaped(operatorProperties(plan.security, secrets)),
  });
}
