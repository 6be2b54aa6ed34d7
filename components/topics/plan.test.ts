import { describe, expect, it } from "vitest";
import { addConfigEntry, observedConfigs, parseConfigList, parseTopicDescription, refusedChange, topicChanges, topicPattern, validateTopics } from "./plan";
import type { TopicSpec } from "./schema";

const orders: TopicSpec = { partitions: 3, replicationFactor: 3, configs: { "retention.ms": 604800000, "cleanup.policy": "compact" } };

describe("topicChanges", () => {
  it("creates a missing topic with every config, and leaves the replication factor to the cluster when unset", () => {
    expect(topicChanges(undefined, orders, "orders.v1")).toEqual({
      create: [
        "--create",
        "--topic",
        "orders.v1",
        "--partitions",
        "3",
        "--replication-factor",
        "3",
        "--config",
        "retention.ms=604800000",
        "--config",
        "cleanup.policy=compact",
      ],
    });
    // kafka-topics --config takes a comma in a value as is (checked on Kafka 4.3.1).
    expect(topicChanges(undefined, { partitions: 1, configs: { "cleanup.policy": "compact,delete" } }, "events")).toEqual({
      create: ["--create", "--topic", "events", "--partitions", "1", "--config", "cleanup.policy=compact,delete"],
    });
  });

  it("adds partitions, naming the topic as a regex that matches only it", () => {
    expect(topicChanges(orders, { ...orders, partitions: 6 }, "orders.v1")).toEqual({
      alterPartitions: ["--alter", "--topic", "orders\\.v1", "--partitions", "6"],
    });
  });

  it("sets changed and new configs and deletes removed ones in one kafka-configs command, brackets around list values", () => {
    const desired: TopicSpec = { ...orders, configs: { "cleanup.policy": "compact,delete", "min.insync.replicas": 2 } };
    expect(topicChanges(orders, desired, "orders.v1")).toEqual({
      alterConfigs: [
        [
          "--alter",
          "--entity-type",
          "topics",
          "--entity-name",
          "orders.v1",
          "--add-config",
          "cleanup.policy=[compact,delete],min.insync.replicas=2",
          "--delete-config",
          "retention.ms",
        ],
      ],
    });
  });

  it('changes nothing when only the value\'s type differs (state says 604800000, the cluster "604800000")', () => {
    const live: TopicSpec = { partitions: 3, replicationFactor: 3, configs: { "retention.ms": "604800000", "cleanup.policy": "compact" } };
    expect(topicChanges(live, orders, "orders.v1")).toEqual({});
    // An unset replication factor is "whatever the topic has".
    expect(topicChanges(orders, { ...orders, replicationFactor: undefined }, "orders.v1")).toEqual({});
  });

  it("refuses fewer partitions and another replication factor, saying what to do instead", () => {
    expect(() => topicChanges(orders, { ...orders, partitions: 2 }, "orders.v1")).toThrow(
      "kraftlab:topics.orders.v1.partitions: 3 → 2 would drop data; Kafka cannot remove partitions. Create a new topic, or set it back to 3",
    );
    expect(() => topicChanges(orders, { ...orders, replicationFactor: 1 }, "orders.v1")).toThrow(
      "kraftlab:topics.orders.v1.replicationFactor: 3 → 1 means moving replicas between brokers, which kraftlab does not do; reassign the partitions with kafka-reassign-partitions and run `npm run pulumi -- refresh`, create a new topic, or set it back to 3",
    );
    expect(refusedChange({ ...orders, replicationFactor: undefined }, { ...orders, replicationFactor: 1 }, "orders.v1")).toBeUndefined();
  });
});

describe("addConfigEntry and topicPattern", () => {
  it("brackets values kafka-configs would split, and writes numbers and booleans as text", () => {
    expect(addConfigEntry("cleanup.policy", "compact,delete")).toBe("cleanup.policy=[compact,delete]");
    expect(addConfigEntry("leader.replication.throttled.replicas", "0:1,1:2")).toBe("leader.replication.throttled.replicas=[0:1,1:2]");
    expect(addConfigEntry("min.cleanable.dirty.ratio", 0.5)).toBe("min.cleanable.dirty.ratio=0.5");
    expect(addConfigEntry("preallocate", true)).toBe("preallocate=true");
  });

  it("escapes only '.'", () => {
    expect(topicPattern("app.orders_v1-dlq")).toBe("app\\.orders_v1-dlq");
  });
});

describe("validateTopics", () => {
  const cluster = { factor: 3, minInsyncReplicas: 2 };

  it("accepts topics the cluster can hold, unknown config keys included (Kafka judges those)", () => {
    expect(validateTopics({ orders: orders, logs: { partitions: 1, configs: { "made.up.key": "x" } } }, 3, cluster)).toEqual([]);
  });

  it("refuses more replicas than brokers, and a min.insync.replicas no write could meet", () => {
    expect(validateTopics({ orders: { ...orders, replicationFactor: 4 } }, 3)).toEqual([
      "kraftlab:topics.orders.replicationFactor: 4 is more than the 3 broker(s); lower it or add brokers",
    ]);
    expect(validateTopics({ orders: { ...orders, configs: { "min.insync.replicas": 4 } } }, 3)).toEqual([
      "kraftlab:topics.orders.configs.min.insync.replicas: 4 is more than the topic's replication factor 3, so no acks=all write could succeed; lower it or raise replicationFactor",
    ]);
    // An unset replication factor is the cluster's.
    expect(validateTopics({ orders: { partitions: 1, configs: { "min.insync.replicas": "3" } } }, 3, { factor: 2, minInsyncReplicas: 1 })).toEqual([
      "kraftlab:topics.orders.configs.min.insync.replicas: 3 is more than the topic's replication factor 2, so no acks=all write could succeed; lower it or raise replicationFactor",
    ]);
    expect(validateTopics({ scratch: { partitions: 1, replicationFactor: 1, configs: {} } }, 3, cluster)).toEqual([
      `kraftlab:topics.scratch.replicationFactor: 1 is less than the cluster's min.insync.replicas 2 (kraftlab:replication.minInsyncReplicas), so no acks=all write could succeed; raise it, or set configs."min.insync.replicas" to at most 1`,
    ]);
    expect(validateTopics({ scratch: { partitions: 1, replicationFactor: 1, configs: { "min.insync.replicas": 1 } } }, 3, cluster)).toEqual([]);
  });

  it("refuses names that collide in metrics, and values the tools cannot carry", () => {
    expect(validateTopics({ "a.b": { partitions: 1, configs: {} }, a_b: { partitions: 1, configs: {} } }, 1)).toEqual([
      "kraftlab:topics.a_b: collides with kraftlab:topics.a.b: Kafka treats '.' and '_' alike in metric names and refuses the second topic; rename one",
    ]);
    expect(validateTopics({ t: { partitions: 1, configs: { "retention.ms": " 1000", "message.timestamp.type": "[CreateTime]" } } }, 1)).toEqual([
      `kraftlab:topics.t.configs.retention.ms: " 1000" cannot go through kafka-topics and kafka-configs (they split on '=', drop '[' and ']', trim spaces and refuse empty values); no topic config needs such a value, so check it`,
      `kraftlab:topics.t.configs.message.timestamp.type: "[CreateTime]" cannot go through kafka-topics and kafka-configs (they split on '=', drop '[' and ']', trim spaces and refuse empty values); no topic config needs such a value, so check it`,
    ]);
  });
});

// As Kafka 4.3.1 prints it: `--topic 'orders.v1'` (unescaped) also matched ordersXv1; the broker's own
// min.insync.replicas shows up among the configs.
const DESCRIBE = [
  "Topic: orders.v1\tTopicId: D8EA0JtTScmk2leBK06s6Q\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: min.insync.replicas=2,cleanup.policy=compact,delete,retention.ms=604800000",
  "\tTopic: orders.v1\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3\tElr: \tLastKnownElr: ",
  "\tTopic: orders.v1\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3,1\tElr: \tLastKnownElr: ",
  "\tTopic: orders.v1\tPartition: 2\tLeader: 3\tReplicas: 3,1,2\tIsr: 3,1,2\tElr: \tLastKnownElr: ",
  "Topic: ordersXv1\tTopicId: 5A0mi3gAQ5STUtUdzK6Dlg\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: ",
  "\tTopic: ordersXv1\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ",
  "",
].join("\n");

describe("parseTopicDescription", () => {
  it("reads the summary line of exactly the named topic, list values whole", () => {
    expect(parseTopicDescription(DESCRIBE, "orders.v1")).toEqual({
      name: "orders.v1",
      topicId: "D8EA0JtTScmk2leBK06s6Q",
      partitions: 3,
      replicationFactor: 3,
      configs: { "min.insync.replicas": "2", "cleanup.policy": "compact,delete", "retention.ms": "604800000" },
    });
    expect(parseTopicDescription(DESCRIBE, "ordersXv1")).toMatchObject({ partitions: 1, replicationFactor: 1, configs: {} });
  });

  it("finds nothing in the empty output of --describe --if-exists for a missing topic", () => {
    expect(parseTopicDescription("", "orders.v1")).toBeUndefined();
    expect(parseTopicDescription(DESCRIBE, "orders")).toBeUndefined();
  });

  it("parses config lists", () => {
    expect(parseConfigList("")).toEqual({});
    expect(parseConfigList("leader.replication.throttled.replicas=0:1,1:2,retention.ms=1000")).toEqual({
      "leader.replication.throttled.replicas": "0:1,1:2",
      "retention.ms": "1000",
    });
  });
});

describe("observedConfigs", () => {
  it("reports the managed keys as the cluster has them, keeping the declared type when equal", () => {
    const live = { "min.insync.replicas": "2", "cleanup.policy": "delete", "retention.ms": "604800000" };
    expect(observedConfigs({ "retention.ms": 604800000, "cleanup.policy": "compact", "segment.ms": 3600000 }, live)).toEqual({
      "retention.ms": 604800000,
      "cleanup.policy": "delete",
    });
  });
});
