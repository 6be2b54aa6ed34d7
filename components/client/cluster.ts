// The one way kraftlab asks and changes a running cluster: a typed client, handed to whatever needs it
// (the roller, gates, ops, security, topics, quorum, versions), so each can be tested on a fake. Its
// real implementation is a long-lived helper on Kafka's own Admin client (helper.ts).
import type { AclConfig } from "../model/config";

/** One partition: leader (-1 when none), replicas and in-sync replicas, and its topic's min.insync.replicas. */
export interface PartitionInfo {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  minIsr: number;
}

/** A replica of the metadata log as the leader sees it (timestamps in ms, -1 when unknown). */
export interface QuorumReplica {
  id: number;
  /** Its storage's directory id ("" on a static quorum). */
  directoryId: string;
  logEndOffset: number;
  lastFetchTimestamp: number;
  lastCaughtUpTimestamp: number;
}

/** describeMetadataQuorum. */
export interface QuorumDescription {
  leaderId: number;
  leaderEpoch: number;
  highWatermark: number;
  /** Voters with their endpoints (`CONTROLLER://host:port`; none on a static quorum). */
  voters: (QuorumReplica & { endpoints: string[] })[];
  observers: QuorumReplica[];
}

/** A feature's levels, as `kafka-features describe` shows them: numbers, metadata.version as a release (4.3-IV0). */
export interface FeatureLevels {
  supportedMin: string;
  supportedMax: string;
  /** "0" when not finalized. */
  finalized: string;
}

export interface BrokerInfo {
  id: number;
  host: string;
  port: number;
  fenced: boolean;
}

/** broker "" is the cluster-wide default of every broker. */
export type ConfigResource = { type: "broker"; name: string } | { type: "topic"; name: string };

export interface ConfigValue {
  value: string | null;
  /** ConfigEntry.ConfigSource: DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG, … */
  source: string;
  readOnly: boolean;
  sensitive: boolean;
}

/** An ACL as kraftlab:security.acls names it. */
export type Acl = Required<Pick<AclConfig, "principal" | "host" | "operation" | "permission" | "resourceType" | "resourceName" | "patternType">>;

export interface ScramUpsert {
  user: string;
  mechanism: string;
  iterations: number;
  password: string;
}

/** A topic as the cluster has it; configs are its own overrides only. */
export interface TopicDescription {
  name: string;
  topicId: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export interface Assignment {
  topic: string;
  partition: number;
  replicas: number[];
}

export interface ClusterClient {
  /** Every partition of every topic, internal ones included. */
  partitions(): Promise<PartitionInfo[]>;
  quorum(): Promise<QuorumDescription>;
  addVoter(id: number, directoryId: string, endpoints: { name: string; host: string; port: number }[]): Promise<void>;
  removeVoter(id: number, directoryId: string): Promise<void>;
  features(): Promise<Record<string, FeatureLevels>>;
  /** Raises each feature to its level, by name. */
  updateFeatures(levels: Record<string, number>): Promise<void>;
  /** The registered brokers, fenced ones included, and the active controller. */
  brokers(): Promise<{ controllerId: number; brokers: BrokerInfo[] }>;
  /** The active controller as the node asked knows it, -1 when it knows none (asked of controllers, their own view). */
  activeController(): Promise<number>;
  unregisterBroker(id: number): Promise<void>;
  describeConfigs(resources: ConfigResource[]): Promise<Record<string, ConfigValue>[]>;
  alterConfigs(resource: ConfigResource, set: Record<string, string>, remove: string[]): Promise<void>;
  createAcls(acls: Acl[]): Promise<void>;
  deleteAcls(acls: Acl[]): Promise<void>;
  alterScram(upserts: ScramUpsert[], deletions: { user: string; mechanism: string }[]): Promise<void>;
  alterQuotas(user: string, set: Record<string, number>, remove: string[]): Promise<void>;
  /** undefined when there is no such topic. */
  topic(name: string): Promise<TopicDescription | undefined>;
  createTopic(name: string, partitions: number, replicationFactor: number | undefined, configs: Record<string, string>): Promise<void>;
  createPartitions(name: string, total: number): Promise<void>;
  /** Deletes the topic; nothing when there is none. */
  deleteTopic(name: string): Promise<void>;
  /** The reassignment tool's own proposal spreading `topics` over `brokers`. */
  generateAssignment(topics: string[], brokers: number[]): Promise<Assignment[]>;
  /** The reassignment tool's --execute, with an inter-broker throttle (bytes/s). */
  executeReassignment(partitions: Assignment[], throttle: number): Promise<void>;
  /** The reassignment tool's --verify: what is not done yet; once done, it removes the throttles. */
  verifyReassignment(partitions: Assignment[]): Promise<{ done: boolean; pending: string[] }>;
  /** Moves each partition's leadership to its preferred replica. */
  electPreferred(): Promise<void>;
}
