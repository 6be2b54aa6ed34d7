// Topics as Kafka CLI arguments: what to run to get a topic from one shape to another, which changes
// Kafka cannot make, and what `kafka-topics --describe` says a topic is. Pure: handler.ts runs the tools.
import type { ReplicationPlan } from "../topology";
import type { TopicConfigValue, TopicSpec, TopicsConfig } from "./schema";

export interface TopicChanges {
  /** kafka-topics arguments creating the topic. */
  create?: string[];
  /** kafka-topics arguments adding partitions. */
  alterPartitions?: string[];
  /** kafka-configs commands setting and removing topic configs (one command: Kafka applies it as one request). */
  alterConfigs?: string[][];
}

/** A topic as the cluster has it; configs are every non-default one `--describe` lists, broker-wide ones included. */
export interface LiveTopic {
  name: string;
  topicId: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

const key = (name: string, ...path: string[]) => ["kraftlab:topics", name, ...path].join(".");

/**
 * kafka-topics reads `--topic` as a regular expression (matched whole) for everything but --create, so
 * `a.b` would also alter or delete `axb`. '.' is the only legal topic-name character a regex treats specially.
 */
export const topicPattern = (name: string): string => name.replace(/\./g, "\\.");

/** One `key=value` of kafka-configs --add-config, which splits on ',' and '=' unless they are inside [ ] (then dropped). */
export function addConfigEntry(name: string, value: TopicConfigValue): string {
  const text = String(value);
  return `${name}=${/[,=]/.test(text) ? `[${text}]` : text}`;
}

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

/** The commands that turn `old` (undefined: no such topic) into `desired`; throws a refused change's message. */
export function topicChanges(old: TopicSpec | undefined, desired: TopicSpec, name: string): TopicChanges {
  if (!old) {
    return {
      create: [
        "--create",
        "--topic",
        name,
        "--partitions",
        String(desired.partitions),
        ...(desired.replicationFactor !== undefined ? ["--replication-factor", String(desired.replicationFactor)] : []),
        ...Object.entries(desired.configs).flatMap(([k, v]) => ["--config", `${k}=${String(v)}`]),
      ],
    };
  }
  const refused = refusedChange(old, desired, name);
  if (refused) throw new Error(refused);
  const changes: TopicChanges = {};
  if (desired.partitions > old.partitions) {
    changes.alterPartitions = ["--alter", "--topic", topicPattern(name), "--partitions", String(desired.partitions)];
  }
  // Compared as text: state may hold 1000 where the cluster says "1000".
  const add = Object.entries(desired.configs).filter(([k, v]) => old.configs[k] === undefined || String(old.configs[k]) !== String(v));
  const remove = Object.keys(old.configs).filter((k) => !(k in desired.configs));
  if (add.length || remove.length) {
    changes.alterConfigs = [
      [
        "--alter",
        "--entity-type",
        "topics",
        "--entity-name",
        name,
        ...(add.length ? ["--add-config", add.map(([k, v]) => addConfigEntry(k, v)).join(",")] : []),
        ...(remove.length ? ["--delete-config", remove.join(",")] : []),
      ],
    ];
  }
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

    for (const [k, v] of Object.entries(topic.configs)) {
      const text = String(v);
      if (text === "" || text !== text.trim() || /[=[\]]/.test(text)) {
        errors.push(
          `${key(name, "configs", k)}: ${JSON.stringify(text)} cannot go through kafka-topics and kafka-configs (they split on '=', drop '[' and ']', trim spaces and refuse empty values); no topic config needs such a value, so check it`,
        );
      }
    }
  }
  return errors;
}

/** The summary line of `kafka-topics --describe` for topic `name`; undefined when it is not there (no such topic). */
export function parseTopicDescription(describe: string, name: string): LiveTopic | undefined {
  for (const line of describe.split("\n")) {
    // Partition lines start with a tab; the summary line is `Topic: X\tTopicId: …\tPartitionCount: …`.
    if (!line.startsWith("Topic:")) continue;
    const fields = new Map(
      line.split("\t").map((field) => {
        const colon = field.indexOf(":");
        return [field.slice(0, colon).trim(), field.slice(colon + 1).trim()] as const;
      }),
    );
    if (fields.get("Topic") !== name || !fields.has("PartitionCount")) continue;
    return {
      name,
      topicId: fields.get("TopicId") ?? "",
      partitions: Number(fields.get("PartitionCount")),
      replicationFactor: Number(fields.get("ReplicationFactor")),
      configs: parseConfigList(fields.get("Configs") ?? ""),
    };
  }
  return undefined;
}

/**
 * `k=v,k2=v2` as --describe prints it. Values are not quoted, so a list value (cleanup.policy=compact,delete)
 * shows up as extra comma-separated pieces: a piece that does not start with `key=` continues the previous value.
 */
export function parseConfigList(text: string): Record<string, string> {
  const configs: Record<string, string> = {};
  let last: string | undefined;
  for (const piece of text ? text.split(",") : []) {
    const m = /^([A-Za-z0-9._-]+)=(.*)$/s.exec(piece);
    if (m) {
      last = m[1];
      configs[last] = m[2];
    } else if (last !== undefined) configs[last] += `,${piece}`;
  }
  return configs;
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
