// Pure security plan of a lab: the protocol of each listener, who the nodes are on the wire, who is a
// super user, and the server/client properties that follow. Secrets come in as plain strings here;
// KafkaCluster keeps them inside Pulumi secret outputs.
import type { Mechanism, Protocol, SecurityConfig } from "./config";
import { LISTENER, type ListenerKind } from "./topology";

/** The SASL user every node authenticates as on the CONTROLLER and INTERNAL listeners. */
export const NODE_USER = "kraftlab-node";
/**
 * Maps every node certificate's DN (CN=node-N,O=kraftlab) to the one node principal, so a node that
 * joins later needs no change to the others' super.users (which only a restart would apply).
 */
export const PRINCIPAL_MAPPING = `RULE:^CN=node-[0-9]+,O=kraftlab$/${NODE_USER}/,DEFAULT`;

/** The protocol of each listener; all PLAINTEXT on a lab without security. */
export type ListenerProtocols = Record<ListenerKind, Protocol>;
export const PLAINTEXT_LISTENERS: ListenerProtocols = { external: "PLAINTEXT", internal: "PLAINTEXT", controller: "PLAINTEXT" };

export const isSasl = (p: Protocol) => p === "SASL_SSL" || p === "SASL_PLAINTEXT";
export const isTls = (p: Protocol) => p === "SSL" || p === "SASL_SSL";

/** The principal a node presents on a listener of this protocol (mTLS maps through PRINCIPAL_MAPPING). */
export function nodePrincipal(protocol: Protocol): string {
  return isSasl(protocol) || protocol === "SSL" ? `User:${NODE_USER}` : "User:ANONYMOUS";
}

/** Lower-case names of the broker listeners that use TLS: their keystores reload without a restart. */
export function brokerTlsListeners(protocols: ListenerProtocols): string[] {
  return (["external", "internal"] as const).filter((kind) => isTls(protocols[kind])).map((kind) => LISTENER[kind].toLowerCase());
}

/** super.users: the principals nodes present to each other, then the configured users. */
export function superUsers(security: SecurityConfig): string[] {
  const nodes = [nodePrincipal(security.listeners.controller), nodePrincipal(security.listeners.internal)];
  return [...new Set([...nodes, ...security.superUsers.map((u) => `User:${u}`)])];
}

/** A JAAS string value: quotes and backslashes escaped. */
const q = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

const LOGIN_MODULE: Record<Mechanism, string> = {
  PLAIN: "org.apache.kafka.common.security.plain.PlainLoginModule",
  "SCRAM-SHA-256": "org.apache.kafka.common.security.scram.ScramLoginModule",
  "SCRAM-SHA-512": "org.apache.kafka.common.security.scram.ScramLoginModule",
};

/** A client's sasl.jaas.config for `mechanism`. */
export function clientJaas(mechanism: Mechanism, user: string, password: string): string {
  return `${LOGIN_MODULE[mechanism]} required username=${q(user)} password=${q(password)};`;
}

export function plainJaas(own: { username: string; password: string } | undefined, users: Record<string, string>): string {
  const parts = ["org.apache.kafka.common.security.plain.PlainLoginModule required"];
  if (own) parts.push(`username=${q(own.username)}`, `password=${q(own.password)}`);
  for (const [name, password] of Object.entries(users)) parts.push(`user_${name}=${q(password)}`);
  return `${parts.join(" ")};`;
}

export interface SecuritySecrets {
  nodePassword: string;
  userPasswords: Record<string, string>;
  keystorePassword: string;
  keystoreFile: string;
  truststoreFile: string;
}

/** The security properties of a node's server.properties, in order. */
export function serverSecurityProperties(security: SecurityConfig, secrets: SecuritySecrets): [string, string][] {
  const props: [string, string][] = [];
  const kinds: ListenerKind[] = ["external", "internal", "controller"];
  const protocols = kinds.map((k) => security.listeners[k]);
  if (protocols.some(isTls)) {
    props.push(
      ["ssl.keystore.type", "PKCS12"],
      ["ssl.keystore.location", secrets.keystoreFile],
      ["ssl.keystore.password", secrets.keystorePassword],
      ["ssl.key.password", secrets.keystorePassword],
      ["ssl.truststore.type", "PEM"],
      ["ssl.truststore.location", secrets.truststoreFile],
      ["ssl.principal.mapping.rules", PRINCIPAL_MAPPING],
    );
  }
  const node = { username: NODE_USER, password: secrets.nodePassword };
  for (const kind of kinds) {
    const protocol = security.listeners[kind];
    const name = LISTENER[kind].toLowerCase();
    if (protocol === "SSL" && kind !== "external") props.push([`listener.name.${name}.ssl.client.auth`, "required"]);
    if (!isSasl(protocol)) continue;
    // Nodes dial CONTROLLER and INTERNAL as NODE_USER with PLAIN (never SCRAM there: KAFKA-15513).
    // Clients use the configured mechanism on EXTERNAL; SCRAM users live in the cluster metadata.
    const mechanism = kind === "external" ? security.mechanism : "PLAIN";
    props.push([`listener.name.${name}.sasl.enabled.mechanisms`, mechanism]);
    if (mechanism === "PLAIN") {
      const accepted = kind === "external" ? secrets.userPasswords : { [NODE_USER]: secrets.nodePassword };
      props.push([`listener.name.${name}.plain.sasl.jaas.config`, plainJaas(kind === "external" ? undefined : node, accepted)]);
    } else {
      props.push([`listener.name.${name}.${mechanism.toLowerCase()}.sasl.jaas.config`, `${LOGIN_MODULE[mechanism]} required;`]);
    }
  }
  if (isSasl(security.listeners.internal)) props.push(["sasl.mechanism.inter.broker.protocol", "PLAIN"]);
  if (isSasl(security.listeners.controller)) props.push(["sasl.mechanism.controller.protocol", "PLAIN"]);
  props.push(
    ["authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"],
    ["super.users", superUsers(security).join(";")],
    ["allow.everyone.if.no.acl.found", String(security.allowEveryoneIfNoAclFound)],
  );
  return props;
}

/** The client properties of `user` on the EXTERNAL listener (admin.properties is the admin's). */
export function clientSecurityProperties(security: SecurityConfig, user: string, password: string, truststoreFile: string): [string, string][] {
  const protocol = security.listeners.external;
  const props: [string, string][] = [["security.protocol", protocol]];
  if (isTls(protocol)) props.push(["ssl.truststore.type", "PEM"], ["ssl.truststore.location", truststoreFile]);
  if (isSasl(protocol)) props.push(["sasl.mechanism", security.mechanism], ["sasl.jaas.config", clientJaas(security.mechanism, user, password)]);
  return props;
}

/**
 * How the program itself connects to manage ACLs, quotas and SCRAM users: on INTERNAL, as the nodes
 * do (a super user), so it never depends on a client user that may not exist yet.
 */
export function operatorProperties(security: SecurityConfig, secrets: SecuritySecrets): [string, string][] {
  const protocol = security.listeners.internal;
  const props: [string, string][] = [["security.protocol", protocol]];
  if (isTls(protocol)) props.push(["ssl.truststore.type", "PEM"], ["ssl.truststore.location", secrets.truststoreFile]);
  if (protocol === "SSL") {
    props.push(["ssl.keystore.type", "PKCS12"], ["ssl.keystore.location", secrets.keystoreFile], ["ssl.keystore.password", secrets.keystorePassword]);
  }
  if (isSasl(protocol)) props.push(["sasl.mechanism", "PLAIN"], ["sasl.jaas.config", clientJaas("PLAIN", NODE_USER, secrets.nodePassword)]);
  return props;
}
