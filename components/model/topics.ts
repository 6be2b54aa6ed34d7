// Topics: what to change to get a topic from one shape to another, and which changes Kafka cannot
// make. Pure: topics/handler.ts carries them out through the cluster client.

import type { TopicSpec, TopicsConfig } from "./schema/topics";
import type { ReplicationPlan } from "./topology";

export interface TopicChanges {
  /** Create the topic. */
  create?: { partitions: number; replicationFactor?: number; configs: Record<string, string> };
  /** Add partitions up to this many. */
  partitions?: number;
  /** Set and remove topic configs (one request). */
  configs?: { set: Record<string, string>; remove: string[] };
}

const key = (name: string, ...path: string[]) => ["kraftlab:topics", name, ...path].join(".");

/** Why Kafka cannot turn `old` into `desired`, as a config problem with its fix; undefined if it can. */
export function refusedChange(old: TopicSpec, desired: TopicSpec, name: string): string | undefined {
  if (desired.partitions < old.partitions) {
    return `${key(name, "partitions")}: ${old.partitions} → ${desired.partitions} would drop data; Kafka cannot remove partitions. Create a new topic, or set it back to ${old.partitions}`;
  }
  // Unset on either side means "whatever the topic has": nothing to compare.
  const [from, to] = [old.replicationFactor, desired.replicationFactor];
  if (from !== undefined && to !== undefined && from !== to) {
    return `${key(name, "replicationFactor")}: ${from} → ${to} means moving replicas between brokers, which kraftlab does not do; reassign the partitions with kafka-reassign-partitions and run \`npm run pulumi -- refresh\`, create a new topic, or set it back to ${from}`;
  }
  return undefined;
}

const asText = (configs: TopicSpec["configs"]) => Object.fromEntries(Object.entries(configs).map(([k, v]) => [k, String(v)]));

/** The changes that turn `old` (undefined: no such topic) into `desired`; throws a refused change's message. */
export function topicChanges(old: TopicSpec | undefined, desired: TopicSpec, name: string): TopicChanges {
  if (!old) return { create: { partitions: desired.partitions, replicationFactor: desired.replicationFactor, configs: asText(desired.configs) } };
  const refused = refusedChange(old, desired, name);
  if (refused) throw new Error(refused);
  const changes: TopicChanges = {};
  if (desired.partitions > old.partitions) changes.partitions = desired.partitions;
  // Compared as text: state may hold 1000 where the cluster says "1000".
  const set = Object.entries(desired.configs).filter(([k, v]) => old.configs[k] === undefined || String(old.configs[k]) !== String(v));
  const remove = Object.keys(old.configs).filter((k) => !(k in desired.configs));
  if (set.length || remove.length) changes.configs = { set: asText(Object.fromEntries(set)), remove };
  return changes;
}

/** Config problems of `kraftlab:topics` Kafka would only report half-way through an `up`; `cluster`: the lab's replication defaults. */
export function validateTopics(topics: TopicsConfig, brokerCount: number, cluster?: Pick<ReplicationPlan, "factor" | "minInsyncReplicas">): string[] {
  const errors: string[] = [];
  const byMetricName = new Map<string, string>();
  for (const [name, topic] of Object.entries(topics)) {
    const metricName = name.replace(/\./g, "_");
    const other = byMetricName.get(metricName);
    if (other !== undefined) {
      errors.push(`${key(name)}: collides with ${key(other)}: Kafka treats '.' and '_' alike in metric names and refuses the second topic; rename one`);
    } else byMetricName.set(metricName, name);

    if (topic.replicationFactor !== undefined && topic.replicationFactor > brokerCount) {
      errors.push(`${key(name, "replicationFactor")}: ${topic.replicationFactor} is more than the ${brokerCount} broker(s); lower it or add brokers`);
    }
    const factor = topic.replicationFactor ?? cluster?.factor;
    const ownMinIsr = topic.configs["min.insync.replicas"];
    if (factor !== undefined && ownMinIsr !== undefined && Number(ownMinIsr) > factor) {
      errors.push(
        `${key(name, "configs", "min.insync.replicas")}: ${ownMinIsr} is more than the topic's replication factor ${factor}, so no acks=all write could succeed; lower it or raise replicationFactor`,
      );
    } else if (topic.replicationFactor !== undefined && ownMinIsr === undefined && cluster && cluster.minInsyncReplicas > topic.replicationFactor) {
      errors.push(
        `${key(name, "replicationFactor")}: ${topic.replicationFactor} is less than the cluster's min.insync.replicas ${cluster.minInsyncReplicas} (kraftlab:replication.minInsyncReplicas), so no acks=all write could succeed; raise it, or set configs."min.insync.replicas" to at most ${topic.replicationFactor}`,
      );
    }
  }
  return errors;
}

/**
 * What the cluster has for the configs the stack manages (the keys of `managed`), the rest left out: a
 * managed key the topic no longer has is missing, so refresh shows it. A value equal as text keeps its
 * declared type, so 1000 does not drift to "1000".
 */
export function observedConfigs(managed: TopicSpec["configs"], live: Record<string, string>): TopicSpec["configs"] {
  return Object.fromEntries(
    Object.entries(managed)
      .filter(([k]) => k in live)
      .map(([k, v]) => [k, String(v) === live[k] ? v : live[k]]),
  );
}
