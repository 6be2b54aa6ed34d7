import { describe, expect, it } from "vitest";
import type { AclConfig } from "../model/config";
import { denyAliceWrite } from "../testing";
import { aclChanges, aclOf, quotaChanges, scramChanges } from "./access";

const allowBobGroup: AclConfig = {
  principal: "User:bob",
  permission: "Allow",
  operation: "Read",
  resourceType: "Group",
  resourceName: "app-",
  patternType: "Prefixed",
  host: "*",
};

describe("aclOf", () => {
  it("names the cluster resource as Kafka does", () => {
    expect(aclOf(denyAliceWrite)).toEqual(denyAliceWrite);
    expect(aclOf({ ...allowBobGroup, resourceType: "Cluster", operation: "Describe" })).toEqual({
      ...allowBobGroup,
      resourceType: "Cluster",
      operation: "Describe",
      resourceName: "kafka-cluster",
      patternType: "Literal",
    });
  });
});

describe("aclChanges", () => {
  it("adds what is new and removes what left the config, keeping the rest", () => {
    expect(aclChanges([denyAliceWrite], [denyAliceWrite, allowBobGroup])).toEqual({ remove: [], add: [allowBobGroup] });
    expect(aclChanges([denyAliceWrite, allowBobGroup], [allowBobGroup])).toEqual({ remove: [denyAliceWrite], add: [] });
    expect(aclChanges([denyAliceWrite], [denyAliceWrite])).toEqual({ remove: [], add: [] });
  });
});

describe("quotaChanges", () => {
  it("sets new quotas, changes changed ones and removes removed ones", () => {
    expect(quotaChanges({}, { alice: { producerByteRate: 1024, consumerByteRate: 1024 } })).toEqual([
      { user: "alice", set: { producer_byte_rate: 1024, consumer_byte_rate: 1024 }, remove: [] },
    ]);
    expect(quotaChanges({ alice: { producerByteRate: 1024, consumerByteRate: 1024 } }, { alice: { producerByteRate: 2048 } })).toEqual([
      { user: "alice", set: { producer_byte_rate: 2048 }, remove: ["consumer_byte_rate"] },
    ]);
    expect(quotaChanges({ alice: { producerByteRate: 1024 } }, {})).toEqual([{ user: "alice", set: {}, remove: ["producer_byte_rate"] }]);
    expect(quotaChanges({ alice: { producerByteRate: 1024 } }, { alice: { producerByteRate: 1024 } })).toEqual([]);
  });
});

describe("scramChanges", () => {
  it("creates new users, resets changed passwords and deletes removed users", () => {
    expect(scramChanges("SCRAM-SHA-512", { alice: "a1", bob: "b1" }, { alice: "a1", bob: "b2", carol: "c1" })).toEqual({
      upserts: [
        { user: "bob", mechanism: "SCRAM-SHA-512", iterations: 8192, password: "b2" },
        { user: "carol", mechanism: "SCRAM-SHA-512", iterations: 8192, password: "c1" },
      ],
      deletions: [],
    });
    expect(scramChanges("SCRAM-SHA-256", { alice: "a1", bob: "b1" }, { alice: "a1" })).toEqual({
      upserts: [],
      deletions: [{ user: "bob", mechanism: "SCRAM-SHA-256" }],
    });
  });
});
