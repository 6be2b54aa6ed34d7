import { describe, expect, it } from "vitest";
import type { AclConfig } from "../config";
import { aclArgs, aclBatches, aclChanges, effectiveAcls, quotaCommands, scramCommands } from "./access";

const denyAliceWrite: AclConfig = {
  principal: "User:alice",
  permission: "Deny",
  operation: "Write",
  resourceType: "Topic",
  resourceName: "*",
  patternType: "Literal",
  host: "*",
};
const allowBobGroup: AclConfig = {
  principal: "User:bob",
  permission: "Allow",
  operation: "Read",
  resourceType: "Group",
  resourceName: "app-",
  patternType: "Prefixed",
  host: "*",
};

describe("aclArgs", () => {
  it("writes the lab's 'alice may not write any topic' as kafka-acls does", () => {
    expect(aclArgs(denyAliceWrite)).toEqual([
      "--deny-principal",
      "User:alice",
      "--deny-host",
      "*",
      "--operation",
      "Write",
      "--topic",
      "*",
      "--resource-pattern-type",
      "literal",
    ]);
  });

  it("handles groups with a prefixed pattern, and the cluster", () => {
    expect(aclArgs(allowBobGroup)).toEqual([
      "--allow-principal",
      "User:bob",
      "--allow-host",
      "*",
      "--operation",
      "Read",
      "--group",
      "app-",
      "--resource-pattern-type",
      "prefixed",
    ]);
    expect(aclArgs({ ...allowBobGroup, resourceType: "Cluster", operation: "Describe", patternType: "Literal" })).toContain("--cluster");
  });
});

describe("aclChanges", () => {
  it("adds what is new and removes what left the config, keeping the rest", () => {
    expect(aclChanges([denyAliceWrite], [denyAliceWrite, allowBobGroup])).toEqual({ remove: [], add: [allowBobGroup] });
    expect(aclChanges([denyAliceWrite, allowBobGroup], [allowBobGroup])).toEqual({ remove: [denyAliceWrite], add: [] });
    expect(aclChanges([denyAliceWrite], [denyAliceWrite])).toEqual({ remove: [], add: [] });
  });
});

describe("aclBatches", () => {
  it("runs the operations on one principal and pattern in one kafka-acls, and other patterns apart", () => {
    const denyAliceRead = { ...denyAliceWrite, operation: "Read" as const };
    expect(aclBatches([denyAliceWrite, allowBobGroup, denyAliceRead])).toEqual([
      [...aclArgs(denyAliceWrite).slice(0, 4), "--operation", "Write", "--operation", "Read", ...aclArgs(denyAliceWrite).slice(6)],
      aclArgs(allowBobGroup),
    ]);
    expect(aclBatches([])).toEqual([]);
  });
});

describe("quotaCommands", () => {
  it("sets new quotas, changes changed ones and deletes removed ones", () => {
    expect(quotaCommands({}, { alice: { producerByteRate: 1024, consumerByteRate: 1024 } })).toEqual([
      ["--alter", "--add-config", "producer_byte_rate=1024,consumer_byte_rate=1024", "--entity-type", "users", "--entity-name", "alice"],
    ]);
    expect(quotaCommands({ alice: { producerByteRate: 1024, consumerByteRate: 1024 } }, { alice: { producerByteRate: 2048 } })).toEqual([
      ["--alter", "--add-config", "producer_byte_rate=2048", "--delete-config", "consumer_byte_rate", "--entity-type", "users", "--entity-name", "alice"],
    ]);
    expect(quotaCommands({ alice: { producerByteRate: 1024 } }, {})).toEqual([
      ["--alter", "--delete-config", "producer_byte_rate", "--entity-type", "users", "--entity-name", "alice"],
    ]);
    expect(quotaCommands({ alice: { producerByteRate: 1024 } }, { alice: { producerByteRate: 1024 } })).toEqual([]);
  });
});

describe("effectiveAcls", () => {
  it("keeps everyone else allowed on a pattern that only has Deny ACLs", () => {
    expect(effectiveAcls({ acls: [denyAliceWrite], allowEveryoneIfNoAclFound: true })).toEqual([
      denyAliceWrite,
      { ...denyAliceWrite, principal: "User:*", permission: "Allow", operation: "All" },
    ]);
  });

  it("adds nothing where the config has its own Allow, or when everyone is not allowed by default", () => {
    const allowBobTopics = { ...denyAliceWrite, principal: "User:bob", permission: "Allow" as const, operation: "Read" as const };
    expect(effectiveAcls({ acls: [denyAliceWrite, allowBobTopics], allowEveryoneIfNoAclFound: true })).toEqual([denyAliceWrite, allowBobTopics]);
    expect(effectiveAcls({ acls: [denyAliceWrite], allowEveryoneIfNoAclFound: false })).toEqual([denyAliceWrite]);
  });
});

describe("scramCommands", () => {
  it("creates new users, resets changed passwords and deletes removed users", () => {
    expect(scramCommands("SCRAM-SHA-512", { alice: "a1", bob: "b1" }, { alice: "a1", bob: "b2", carol: "c1" })).toEqual([
      ["--alter", "--add-config", "SCRAM-SHA-512=[iterations=8192,password=b2]", "--entity-type", "users", "--entity-name", "bob"],
      ["--alter", "--add-config", "SCRAM-SHA-512=[iterations=8192,password=c1]", "--entity-type", "users", "--entity-name", "carol"],
    ]);
    expect(scramCommands("SCRAM-SHA-256", { alice: "a1", bob: "b1" }, { alice: "a1" })).toEqual([
      ["--alter", "--delete-config", "SCRAM-SHA-256", "--entity-type", "users", "--entity-name", "bob"],
    ]);
  });
});
