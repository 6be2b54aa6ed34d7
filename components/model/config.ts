// The shape of the `kraftlab:*` stack configuration, with its defaults. Parsing is pure: index.ts
// hands it the raw values and gets a typed LabConfig or a ConfigError naming every bad key.
import { z } from "zod";
import { describeIssue } from "./configIssues";
import { machinesSchema } from "./schema/machines";
import { monitoringSchema } from "./schema/monitoring";
import { quorumSchema } from "./schema/quorum";
import { runtimeSchema } from "./schema/runtime";
import { allowTopicDeletionSchema, topicsSchema } from "./schema/topics";
import { featuresSchema, kafkaVersionSchema } from "./schema/versions";

export const ROLES = ["broker", "controller"] as const;
export type Role = (typeof ROLES)[number];

const port = z.number().int().min(1).max(65535);
/** Extra server.properties entries: scalar values only, written as given. */
const properties = z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()]));

/** One entry of `kraftlab:nodes`, e.g. `{ id: 4, roles: [broker], properties: { log.retention.ms: 3600000 } }`. */
const nodeSchema = z.strictObject({
  /** Kafka `node.id` (0 or more; required); also decides the node's default ports (see `kraftlab:ports`). */
  id: z.number().int().min(0),
  /** Required: `[broker]`, `[controller]` or `[broker, controller]` (a combined node). Fixed once the node is formatted. */
  roles: z.array(z.enum(ROLES)).min(1),
  /** Port overrides for this node, any of `{ external, internal, controller, metrics }`; unset ports follow `kraftlab:ports`. */
  ports: z.strictObject({ external: port, internal: port, controller: port, metrics: port }).partial().optional(),
  /** Extra server.properties for this node only (wins over `kraftlab:properties`); default none. */
  properties: properties.optional(),
  /** With `kraftlab:runtime: ssh` (and only then): the name of the `kraftlab:machines` entry it runs on, e.g. `h1`. */
  machine: z.string().min(1).optional(),
});

export const PROTOCOLS = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export const MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;
export type Mechanism = (typeof MECHANISMS)[number];

/** One entry of `kraftlab:security.acls`, e.g. `{ principal: User:alice, operation: Read, resourceName: orders }`. */
const aclSchema = z.strictObject({
  /** Required: `User:<name>` of a declared user, e.g. `User:alice`. */
  principal: z.string().regex(/^User:.+$/, "expected User:<name>; write the user's name after User:, e.g. User:alice"),
  /** `Allow` (default) or `Deny`; a Deny wins over any Allow. */
  permission: z.enum(["Allow", "Deny"]).default("Allow"),
  /** Required: the Kafka ACL operation, e.g. `Read`, `Write`, `Describe`, `All`. */
  operation: z.enum(["All", "Read", "Write", "Create", "Delete", "Alter", "Describe", "ClusterAction", "DescribeConfigs", "AlterConfigs", "IdempotentWrite"]),
  /** `Topic` (default), `Group`, `Cluster` or `TransactionalId`. */
  resourceType: z.enum(["Topic", "Group", "Cluster", "TransactionalId"]).default("Topic"),
  /** The resource's name (or prefix, with `patternType: Prefixed`); default `*`, every resource of the type. */
  resourceName: z.string().min(1).default("*"),
  /** `Literal` (default): `resourceName` exactly; `Prefixed`: every name that starts with it. */
  patternType: z.enum(["Literal", "Prefixed"]).default("Literal"),
  /** The client address the ACL applies to; default `*`, any. */
  host: z.string().default("*"),
});
export type AclConfig = z.infer<typeof aclSchema>;

/** `kraftlab:security`: present (even `{}`), the lab has a CA, TLS and SASL listeners, users and authorization. */
const securitySchema = z.strictObject({
  /** Security protocol of each listener; each defaults to `SASL_SSL`, e.g. `{ external: SASL_PLAINTEXT }`. */
  listeners: z
    .strictObject({
      /** The client listener (EXTERNAL): `SASL_SSL` (default), `SSL`, `SASL_PLAINTEXT` or `PLAINTEXT`. */
      external: z.enum(PROTOCOLS).default("SASL_SSL"),
      /** The inter-broker listener (INTERNAL): `SASL_SSL` (default), `SSL` (mTLS) or `SASL_PLAINTEXT`. */
      internal: z.enum(PROTOCOLS).default("SASL_SSL"),
      /** The quorum listener (CONTROLLER): `SASL_SSL` (default), `SSL` (mTLS) or `SASL_PLAINTEXT`. */
      controller: z.enum(PROTOCOLS).default("SASL_SSL"),
    })
    .prefault({}),
  /** SASL mechanism of the EXTERNAL listener: `PLAIN` (default), `SCRAM-SHA-256` or `SCRAM-SHA-512` (nodes use PLAIN among themselves). */
  mechanism: z.enum(MECHANISMS).default("PLAIN"),
  /**
   * Client users by name, e.g. `{ admin: {}, alice: { password: "at-least-8" } }`; default none. A user
   * without a password gets a generated one, kept as a Pulumi secret.
   */
  users: z
    .record(z.string().regex(/^[A-Za-z0-9._-]+$/, "letters, digits, '.', '_' and '-' only"), z.strictObject({ password: z.string().min(8).optional() }))
    .default({}),
  /** Users with every right (`super.users`), besides the nodes' own principal; default `[admin]`. */
  superUsers: z.array(z.string()).default(["admin"]),
  /** The user the program connects as to manage ACLs and quotas (and of admin.properties); must be a super user. Default `admin`. */
  adminUser: z.string().default("admin"),
  /** Kafka's `allow.everyone.if.no.acl.found`; default `true`: a resource without ACLs is open to every user. */
  allowEveryoneIfNoAclFound: z.boolean().default(true),
  /** ACLs set on the cluster and reconciled (what leaves the list leaves the cluster); default none. */
  acls: z.array(aclSchema).default([]),
  /** Per-user quotas in bytes per second, e.g. `{ alice: { producerByteRate: 1048576 } }`; default none. */
  quotas: z.record(z.string(), z.strictObject({ producerByteRate: z.number().int().min(1), consumerByteRate: z.number().int().min(1) }).partial()).default({}),
  /** Validity of the lab's CA, in days; default 3650. */
  caValidityDays: z.number().int().min(1).default(3650),
  /** Validity of each node certificate, in days; default 365. */
  certificateValidityDays: z.number().int().min(1).default(365),
  /** Node certificates are reissued on the first `up` this many days before they expire; default 30. */
  renewBeforeDays: z.number().int().min(0).default(30),
  /** Change (e.g. increment) to reissue every node certificate now; default 0. */
  certificateRotation: z.number().int().min(0).default(0),
  /** Change (e.g. increment) to replace the CA: old + new trusted, node certificates reissued, old dropped. Default 0. */
  caGeneration: z.number().int().min(0).default(0),
  /** Pause a CA rotation after `trust` (old + new CA everywhere) or `reissue` (new node certificates); unset, it runs through. */
  caRotationStopAfter: z.enum(["trust", "reissue"]).optional(),
});
export type SecurityConfig = z.infer<typeof securitySchema>;

export const labConfigSchema = z.strictObject({
  /** Required: the cluster's nodes, e.g. `[{ id: 1, roles: [broker, controller] }, …]`. */
  nodes: z.array(nodeSchema),
  /**
   * The Kafka release the nodes run, e.g. `4.3.1`; default the setup's (setup/kafka/pom.xml). Laid out
   * from Maven Central on first use and cached; changing it rolls the nodes. Not with `kafkaHome`.
   */
  kafkaVersion: kafkaVersionSchema,
  /** Feature levels to finalize once every node runs kafkaVersion: `auto`, or a map such as `{ metadata.version: "4.3" }`; absent, none. */
  features: featuresSchema,
  /** A Kafka distribution of your own (bin/, libs/; an unpacked official tarball works), instead of kafkaVersion's; relative to the project. */
  kafkaHome: z.string().min(1).optional(),
  /** Where node configs, data and logs go, new or empty, removed by `destroy`; default `.lab/<stack>` in the project. */
  labDir: z.string().min(1).optional(),
  /** Address every listener binds and advertises (on Docker, where EXTERNAL and the metrics are published); default `127.0.0.1`. */
  host: z.string().min(1).default("127.0.0.1"),
  /** Port of node N = base + (N - 1) * step, for each listener (and the metrics exporter, with monitoring), e.g. `{ external: 19092 }`. */
  ports: z
    .strictObject({
      /** Base of the client listener (EXTERNAL); default 9092. */
      external: port.default(9092),
      /** Base of the inter-broker listener (INTERNAL); default 9093. */
      internal: port.default(9093),
      /** Base of the quorum listener (CONTROLLER); default 9094. */
      controller: port.default(9094),
      /** Base of the JMX exporter's `/metrics`, with `monitoring`; default 9095. */
      metrics: port.default(9095),
      /** How far apart two nodes' ports are; default 100 (node 2 on 9192, 9193, …). */
      step: z.number().int().min(1).default(100),
    })
    .prefault({}),
  /** JVM heap per node (-Xms and -Xmx), e.g. 512m or 1g; default `512m`. */
  heap: z
    .string()
    .regex(/^[0-9]+[mMgG]$/, "expected a size such as 512m or 1g")
    .default("512m"),
  /** Replication defaults; unset values are derived from the number of brokers. */
  replication: z
    .strictObject({
      /** `default.replication.factor`; default min(3, brokers). */
      factor: z.number().int().min(1),
      /** `min.insync.replicas`, set as the cluster's default at run time; default 2 when the factor is 3 or more, else 1. */
      minInsyncReplicas: z.number().int().min(1),
      /** `num.partitions` of a topic made without a count; default 1. */
      partitions: z.number().int().min(1),
    })
    .partial()
    .prefault({}),
  /** Extra server.properties for every node, e.g. `{ log.retention.hours: 1 }`; default none. Dynamic keys change in place, others roll the nodes. */
  properties: properties.default({}),
  /** How long a node may take to become ready after it starts, in seconds; default 180. */
  readyTimeoutSeconds: z.number().int().min(5).default(180),
  /** How long a node may take to stop after SIGTERM before it is killed, in seconds; default 60. */
  stopTimeoutSeconds: z.number().int().min(1).default(60),
  /** How long each health gate of a rolling restart, a drain or a rebalance may wait, in seconds; default 300. */
  gateTimeoutSeconds: z.number().int().min(10).default(300),
  /** Ids of brokers leaving `nodes` whose replicas are moved to the remaining brokers before they stop, e.g. `[4]`; default none. */
  drainBrokers: z.array(z.number().int().min(0)).default([]),
  /** Spread the topics' partitions over all brokers whenever the set of brokers changes; default `false`. */
  rebalance: z.boolean().default(false),
  /** Replication throttle (bytes/s per broker) while partitions move; default 10485760 (10 MiB/s). */
  reassignmentThrottle: z
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  /** Topics as code: created, and altered in place (configs, more partitions); default none (see schema/topics.ts). */
  topics: topicsSchema,
  /** Whether a topic that leaves `topics` is deleted from the cluster (it is kept otherwise); default `false`. */
  allowTopicDeletion: allowTopicDeletionSchema,
  /** TLS, SASL, authorization and quotas; absent (the default), every listener is PLAINTEXT. */
  security: securitySchema.optional(),
  /** JMX exporter on every node, Prometheus with alert rules, Grafana provisioning: `{}` or with keys; absent (the default), none of it. */
  monitoring: monitoringSchema,
  /** Where the CA, keystores and client files go, new or empty, removed by `destroy`; default `certs/<stack>` in the project. */
  certsDir: z.string().min(1).optional(),
  /** Where the nodes run: `process` (local JVMs, the default), `docker`, or `ssh` (see schema/runtime.ts). */
  runtime: runtimeSchema,
  /** With `runtime: ssh`: the machines, by name; default none (see schema/machines.ts). */
  machines: machinesSchema,
  /** `dynamic` (KIP-853) or `static` (controller.quorum.voters); unset, what the lab runs, `dynamic` for a new lab (see schema/quorum.ts). */
  quorum: quorumSchema,
});

export type LabConfig = z.infer<typeof labConfigSchema>;
export type NodeConfig = LabConfig["nodes"][number];

/**
 * A configuration (or machine) the lab cannot be built from; `problems` are one line each, key first.
 * A RunError to Pulumi, which prints its message as one error, without a stack trace: the SDK knows one
 * by the field below (RunError.isInstance), so the model need not load the SDK to make one.
 */
export class ConfigError extends Error {
  readonly __pulumiRunError = true;

  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `kraftlab cannot go on, ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Every `kraftlab:` key of a stack's config, prefix stripped, JSON-decoded where the value is JSON text
 * (as the CLI hands values over; a stack file read as YAML may hold them already decoded).
 */
export function kraftlabKeys(all: Record<string, unknown>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    if (!key.startsWith("kraftlab:")) continue;
    try {
      raw[key.slice("kraftlab:".length)] = typeof value === "string" ? JSON.parse(value) : value;
    } catch {
      raw[key.slice("kraftlab:".length)] = value;
    }
  }
  return raw;
}

/** Parses the `kraftlab:` keys (prefix stripped, values already JSON-decoded). */
export function parseLabConfig(raw: Record<string, unknown>): LabConfig {
  // reportInput: without it zod's issues carry no value, and a wrong type reads like a missing key.
  const result = labConfigSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map(describeIssue));
}
