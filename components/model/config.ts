// The shape of the `kraftlab:*` stack configuration, with its defaults. Parsing is pure: index.ts
// hands it the raw values and gets a typed LabConfig or a ConfigError naming every bad key.
import { RunError } from "@pulumi/pulumi";
import { z } from "zod";
import { monitoringSchema } from "../monitoring/schema";
import { quorumSchema } from "../quorum/schema";
import { runtimeSchema } from "../runtime/schema";
import { machinesSchema } from "../runtime/ssh/schema";
import { allowTopicDeletionSchema, topicsSchema } from "../topics/schema";
import { featuresSchema, kafkaVersionSchema } from "../versions/schema";
import { describeIssue } from "./configIssues";

export const ROLES = ["broker", "controller"] as const;
export type Role = (typeof ROLES)[number];

const port = z.number().int().min(1).max(65535);
/** Extra server.properties entries: scalar values only, written as given. */
const properties = z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()]));

const nodeSchema = z.strictObject({
  /** Kafka node.id; also decides the default ports (see `ports`). */
  id: z.number().int().min(0),
  /** `broker`, `controller`, or both (a combined node). */
  roles: z.array(z.enum(ROLES)).min(1),
  /** Per-node port overrides; unset ports follow `kraftlab:ports`. */
  ports: z.strictObject({ external: port, internal: port, controller: port, metrics: port }).partial().optional(),
  /** Extra server.properties for this node only (wins over `kraftlab:properties`). */
  properties: properties.optional(),
  /** With `kraftlab:runtime: ssh`: the machine of `kraftlab:machines` it runs on. */
  machine: z.string().min(1).optional(),
});

export const PROTOCOLS = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export const MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;
export type Mechanism = (typeof MECHANISMS)[number];

const aclSchema = z.strictObject({
  /** `User:<name>` of a declared user. */
  principal: z.string().regex(/^User:.+$/, "expected User:<name>; write the user's name after User:, e.g. User:alice"),
  permission: z.enum(["Allow", "Deny"]).default("Allow"),
  /** Kafka ACL operation, e.g. Read, Write, Describe, All. */
  operation: z.enum(["All", "Read", "Write", "Create", "Delete", "Alter", "Describe", "ClusterAction", "DescribeConfigs", "AlterConfigs", "IdempotentWrite"]),
  resourceType: z.enum(["Topic", "Group", "Cluster", "TransactionalId"]).default("Topic"),
  /** Resource name; `*` for all. */
  resourceName: z.string().min(1).default("*"),
  patternType: z.enum(["Literal", "Prefixed"]).default("Literal"),
  host: z.string().default("*"),
});
export type AclConfig = z.infer<typeof aclSchema>;

const securitySchema = z.strictObject({
  /** Security protocol of each listener. */
  listeners: z
    .strictObject({
      external: z.enum(PROTOCOLS).default("SASL_SSL"),
      internal: z.enum(PROTOCOLS).default("SASL_SSL"),
      controller: z.enum(PROTOCOLS).default("SASL_SSL"),
    })
    .prefault({}),
  /** SASL mechanism of the EXTERNAL listener (nodes use PLAIN among themselves). */
  mechanism: z.enum(MECHANISMS).default("PLAIN"),
  /** Client users; a user without a password gets a generated one, kept as a Pulumi secret. */
  users: z
    .record(z.string().regex(/^[A-Za-z0-9._-]+$/, "letters, digits, '.', '_' and '-' only"), z.strictObject({ password: z.string().min(8).optional() }))
    .default({}),
  /** Users with every right (`super.users`), besides the nodes' own principal. */
  superUsers: z.array(z.string()).default(["admin"]),
  /** Users the program connects as to manage ACLs and quotas; must be a super user. */
  adminUser: z.string().default("admin"),
  allowEveryoneIfNoAclFound: z.boolean().default(true),
  acls: z.array(aclSchema).default([]),
  /** Per-user quotas in bytes per second. */
  quotas: z.record(z.string(), z.strictObject({ producerByteRate: z.number().int().min(1), consumerByteRate: z.number().int().min(1) }).partial()).default({}),
  caValidityDays: z.number().int().min(1).default(3650),
  certificateValidityDays: z.number().int().min(1).default(365),
  /** Node certificates are reissued on the first `up` this many days before they expire. */
  renewBeforeDays: z.number().int().min(0).default(30),
  /** Change (e.g. increment) to reissue every node certificate now. */
  certificateRotation: z.number().int().min(0).default(0),
  /** Change (e.g. increment) to replace the CA: old + new trusted, node certificates reissued, old dropped. */
  caGeneration: z.number().int().min(0).default(0),
  /** Pause a CA rotation after `trust` (old + new CA everywhere) or `reissue` (new node certificates). */
  caRotationStopAfter: z.enum(["trust", "reissue"]).optional(),
});
export type SecurityConfig = z.infer<typeof securitySchema>;

export const labConfigSchema = z.strictObject({
  /** The cluster's nodes. */
  nodes: z.array(nodeSchema),
  /** The Kafka release the nodes run, laid out from Maven Central on first use; changing it rolls the nodes. */
  kafkaVersion: kafkaVersionSchema,
  /** Feature levels to finalize once every node runs kafkaVersion: `auto`, or a map; absent, none. */
  features: featuresSchema,
  /** A Kafka distribution of your own (bin/, libs/), instead of kafkaVersion's. */
  kafkaHome: z.string().min(1).optional(),
  /** Where node configs, data and logs go; defaults to `.lab/<stack>` in the project. */
  labDir: z.string().min(1).optional(),
  /** Address every listener binds and advertises. */
  host: z.string().min(1).default("127.0.0.1"),
  /** Port of node N = base + (N - 1) * step, for each listener (and the metrics exporter, with monitoring). */
  ports: z
    .strictObject({
      external: port.default(9092),
      internal: port.default(9093),
      controller: port.default(9094),
      metrics: port.default(9095),
      step: z.number().int().min(1).default(100),
    })
    .prefault({}),
  /** JVM heap per node (-Xms and -Xmx), e.g. 512m or 1g. */
  heap: z
    .string()
    .regex(/^[0-9]+[mMgG]$/, "expected a size such as 512m or 1g")
    .default("512m"),
  /** Replication defaults; unset values are derived from the number of brokers. */
  replication: z
    .strictObject({
      factor: z.number().int().min(1),
      minInsyncReplicas: z.number().int().min(1),
      partitions: z.number().int().min(1),
    })
    .partial()
    .prefault({}),
  /** Extra server.properties for every node. */
  properties: properties.default({}),
  /** How long a node may take to become ready after it starts. */
  readyTimeoutSeconds: z.number().int().min(5).default(180),
  /** How long a node may take to stop after SIGTERM before it is killed. */
  stopTimeoutSeconds: z.number().int().min(1).default(60),
  /** How long each health gate of a rolling restart, a drain or a rebalance may wait. */
  gateTimeoutSeconds: z.number().int().min(10).default(300),
  /** Brokers leaving `nodes` whose replicas are moved to the remaining brokers before they stop. */
  drainBrokers: z.array(z.number().int().min(0)).default([]),
  /** Spread the topics' partitions over all brokers whenever the set of brokers changes. */
  rebalance: z.boolean().default(false),
  /** Replication throttle (bytes/s per broker) while partitions move. */
  reassignmentThrottle: z
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  /** Topics as code: created, and altered in place (configs, more partitions). */
  topics: topicsSchema,
  /** Whether a topic that leaves `topics` is deleted from the cluster (it is kept otherwise). */
  allowTopicDeletion: allowTopicDeletionSchema,
  /** TLS, SASL, authorization and quotas; absent, every listener is PLAINTEXT. */
  security: securitySchema.optional(),
  /** JMX exporter on every node, Prometheus with alert rules, Grafana provisioning; absent, none of it. */
  monitoring: monitoringSchema,
  /** Where certificates and keystores go; defaults to `certs/<stack>` in the project. */
  certsDir: z.string().min(1).optional(),
  /** Where the nodes run: local processes (default), Docker containers, or machines over SSH. */
  runtime: runtimeSchema,
  /** With `runtime: ssh`: the machines, by name (see runtime/ssh/schema.ts). */
  machines: machinesSchema,
  /** `dynamic` (KIP-853, the default for a new lab) or `static` (controller.quorum.voters). */
  quorum: quorumSchema,
});

export type LabConfig = z.infer<typeof labConfigSchema>;
export type NodeConfig = LabConfig["nodes"][number];

/**
 * A configuration (or machine) the lab cannot be built from; `problems` are one line each, key first.
 * A RunError: Pulumi prints its message as one error, without a stack trace.
 */
export class ConfigError extends RunError {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `kraftlab cannot go on, ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Every `kraftlab:` key of a stack's config, prefix stripped, JSON-decoded where the value is JSON. */
export function kraftlabKeys(all: Record<string, string>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    if (!key.startsWith("kraftlab:")) continue;
    try {
      raw[key.slice("kraftlab:".length)] = JSON.parse(value);
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
