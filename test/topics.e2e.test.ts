// Topics as code on a real one-node lab: created, altered in place, refused when a change would lose
// data, and deleted only when the config allows it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkaTool, type LabOutputs, TestLab, toolJvmsDuring } from "./lab";

const PORT = 16092;

describe("topics as code", () => {
  let lab: TestLab;
  let outputs: LabOutputs;
  const describeTopic = (topic: string) => kafkaTool("kafka-topics", ["--bootstrap-server", outputs.bootstrapServers, "--describe", "--topic", topic]);
  const topicNames = async () => (await kafkaTool("kafka-topics", ["--bootstrap-server", outputs.bootstrapServers, "--list"])).split("\n").filter(Boolean);

  beforeAll(async () => {
    lab = await TestLab.create("topics", {
      nodes: [{ id: 1, roles: ["broker", "controller"] }],
      ports: { external: PORT, internal: PORT + 1, controller: PORT + 2 },
      topics: { orders: { partitions: 2, configs: { "retention.bytes": 1048576, "segment.bytes": 1048576 } }, audit: {} },
    });
    ({ outputs } = await lab.up());
  });
  afterAll(async () => lab?.cleanup());

  it("creates the declared topics with their partitions and configs", async () => {
    const orders = await describeTopic("orders");
    expect(orders).toMatch(/PartitionCount: 2\s/);
    expect(orders).toMatch(/retention\.bytes=1048576/);
    expect(orders).toMatch(/segment\.bytes=1048576/);
    expect(await topicNames()).toEqual(expect.arrayContaining(["orders", "audit"]));
  });

  it("alters configs and adds partitions in place, keeping the data", async () => {
    await kafkaTool("kafka-console-producer", ["--bootstrap-server", outputs.bootstrapServers, "--topic", "orders"], "kept\n");
    await lab.configure({ topics: { orders: { partitions: 4, configs: { "retention.bytes": 2097152 } }, audit: {} } });
    const {
      result: { changes },
      tools,
    } = await toolJvmsDuring(() => lab.up());
    expect(tools).toEqual([]);
    expect(changes).toMatchObject({ update: 1 });
    const orders = await describeTopic("orders");
    expect(orders).toMatch(/PartitionCount: 4\s/);
    expect(orders).toMatch(/retention\.bytes=2097152/);
    expect(orders).not.toMatch(/segment\.bytes=1048576/); // a key that left the config leaves the topic
    const read = await kafkaTool("kafka-console-consumer", [
      "--bootstrap-server",
      outputs.bootstrapServers,
      "--topic",
      "orders",
      "--from-beginning",
      "--max-messages",
      "1",
      "--timeout-ms",
      "30000",
    ]);
    expect(read.trim()).toBe("kept");
  });

  it("refuses fewer partitions with the fix, before anything changes", async () => {
    await lab.configure({ topics: { orders: { partitions: 1, configs: { "retention.bytes": 4096 } }, audit: {} } });
    await expect(lab.up()).rejects.toThrow(/kraftlab:topics\.orders\.partitions: 4 → 1 would drop data; Kafka cannot remove partitions/);
    expect(await describeTopic("orders")).toMatch(/retention\.bytes=2097152/);
  });

  it("keeps a topic that leaves the config unless deletion is allowed", async () => {
    await lab.configure({ topics: { orders: { partitions: 4, configs: { "retention.bytes": 2097152 } } } });
    await lab.up();
    expect(await topicNames()).toContain("audit");

    await lab.configure({ topics: { orders: { partitions: 4, configs: { "retention.bytes": 2097152 } }, audit: {} }, allowTopicDeletion: true });
    await lab.up(); // adopts the kept topic, now deletable
    await lab.configure({ topics: { orders: { partitions: 4, configs: { "retention.bytes": 2097152 } } } });
    await lab.up();
    expect(await topicNames()).not.toContain("audit");
  });
});
