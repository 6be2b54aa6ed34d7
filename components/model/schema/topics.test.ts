import { describe, expect, it } from "vitest";
import { allowTopicDeletionSchema, topicsSchema } from "./topics";

describe("topicsSchema", () => {
  it("fills in one partition and no configs, and leaves the replication factor to the cluster", () => {
    expect(topicsSchema.parse({ orders: {} })).toEqual({ orders: { partitions: 1, configs: {} } });
    expect(topicsSchema.parse(undefined)).toEqual({});
    expect(allowTopicDeletionSchema.parse(undefined)).toBe(false);
  });

  it("names the bad topic in the path, with Kafka's naming rule as the message", () => {
    const issues = topicsSchema.safeParse({ "my topic": {}, "..": {}, ["x".repeat(250)]: {}, ok: { partitions: 0, extra: 1 } }).error?.issues ?? [];
    expect(issues.map((i) => [i.path.join("."), i.code === "unrecognized_keys" ? i.keys : i.message])).toEqual([
      ["ok.partitions", "Too small: expected number to be >=1"],
      ["ok", ["extra"]],
      ["my topic", "letters, digits, '.', '_' and '-' only; rename the topic"],
      ["..", `".." is not a legal topic name; pick another`],
      ["x".repeat(250), "250 characters; Kafka allows at most 249, shorten it"],
    ]);
  });
});
