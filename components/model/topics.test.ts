import { describe, expect, it } from "vitest";
import type { TopicSpec } from "./schema/topics";
import { observedConfigs, refusedChange, topicChanges, validateTopics } from "./topics";

const orders: TopicSpec = { partitions: 3, replicationFactor: 3, configs: { "retention.ms": 604800000, "cleanup.policy": "compact" } };

describe("topicChanges", () => {
  it("creates a missing topic with every config as text, and leaves the replication factor to the cluster when unset", () => {
    expect(topicChanges(undefined, orders, "orders.v1")).toEqual({
      create: { partitions: 3, replicationFactor: 3, configs: { "retention.ms": "604800000", "cleanup.policy": "compact" } },
    });
    expect(topicChanges(undefined, { partitions: 1, configs: { "cleanup.policy": "compact,delete" } }, "events")).toEqual({
      create: { partitions: 1, replicationFactor: undefined, configs: { "cleanup.policy": "compact,delete" } },
    });
  });

  it("adds partitions", () => {
    expect(topicChanges(orders, { ...orders, partitions: 6 }, "orders.v1")).toEqual({ partitions: 6 });
  });

  it("sets changed and new configs and removes the ones no longer declared, in one change", () => {
    const desired: TopicSpec = { ...orders, configs: { "cleanup.policy": "compact,delete", "min.insync.replicas": 2 } };
    expect(topicChanges(orders, desired, "orders.v1")).toEqual({
      configs: { set: { "cleanup.policy": "compact,delete", "min.insync.replicas": "2" }, remove: ["retention.ms"] },
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

  it("refuses names that collide in metrics", () => {
    expect(validateTopics({ "a.b": { partitions: 1, configs: {} }, a_b: { partitions: 1, configs: {} } }, 1)).toEqual([
      "kraftlab:topics.a_b: collides with kraftlab:topics.a.b: Kafka treats '.' and '_' alike in metric names and refuses the second topic; rename one",
    ]);
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
