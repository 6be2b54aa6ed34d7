// The foundation, proven on real nodes: up, use, a no-op up, destroy — combined and dedicated roles.
import * as fs from "node:fs";
import * as path from "node:path";
import pWaitFor from "p-wait-for";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portIsFree } from "../components/host/thisMachine";
import { defaultKafkaHome } from "../components/host/tools";
import {
  agentsServing,
  createTopic,
  kafkaTool,
  type LabOutputs,
  labProcesses,
  produceAndConsume,
  quorumStatus,
  runKafkaTool,
  TestLab,
  toolJvmsDuring,
} from "./lab";

const MESSAGES = 1000;

async function expectNoTrace(lab: TestLab, outputs: LabOutputs) {
  expect(labProcesses(lab.labDir)).toEqual([]);
  for (const node of outputs.nodes) {
    // Nor an agent of the lab: the provider's (its nodes removed), nor status's (its client settings removed).
    expect(agentsServing(node.ports.internal as number), `agent of node ${node.id}'s INTERNAL listener`).toEqual([]);
    expect(agentsServing(node.ports.external as number), `agent of node ${node.id}'s EXTERNAL listener`).toEqual([]);
    for (const port of Object.values(node.ports)) expect(await portIsFree("127.0.0.1", port as number), `port ${port}`).toBe(true);
  }
  expect(fs.existsSync(lab.labDir)).toBe(false);
}

describe("a 3-node lab of combined nodes", () => {
  let lab: TestLab;
  let outputs: LabOutputs;

  beforeAll(async () => {
    lab = await TestLab.create("combined", {
      nodes: [1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] })),
      ports: { external: 21092, internal: 21093, controller: 21094 },
    });
  });
  afterAll(async () => lab?.cleanup());

  it("comes up with 3 voters and an elected leader", async () => {
    ({ outputs } = await lab.up());
    expect(outputs.bootstrapServers).toBe("127.0.0.1:21092,127.0.0.1:21192,127.0.0.1:21292");
    expect(outputs.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(outputs.nodes.map((n) => [n.id, n.ports])).toEqual([
      [1, { external: 21092, internal: 21093, controller: 21094 }],
      [2, { external: 21192, internal: 21193, controller: 21194 }],
      [3, { external: 21292, internal: 21293, controller: 21294 }],
    ]);
    const status = await quorumStatus("127.0.0.1:21094");
    expect(status.voters.sort()).toEqual([1, 2, 3]);
    expect([1, 2, 3]).toContain(status.leaderId);
    for (const node of outputs.nodes) {
      expect(fs.readFileSync(`${node.dataDir}/meta.properties`, "utf8")).toContain(`cluster.id=${outputs.clusterId}`);
    }
  });

  it("starts every node and tool on the AppCDS archive of the setup, and a tool that does not fit it still runs", async () => {
    const archive = path.join(defaultKafkaHome(), "kafka.jsa");
    for (const node of outputs.nodes) expect(fs.readFileSync(`/proc/${node.pid}/maps`, "utf8"), `node ${node.id}`).toContain(archive);
    // -Xshare:on fails unless the archive is mapped; class+load says where each class came from.
    const shared = await runKafkaTool("kafka-topics", ["--bootstrap-server", outputs.bootstrapServers, "--list"], undefined, {
      KAFKA_OPTS: "-Xshare:on -Xlog:class+load=info:stderr",
    });
    expect(shared.code).toBe(0);
    expect(shared.stderr).toMatch(/org\.apache\.kafka\.tools\.TopicCommand source: shared objects file/);
    const garbage = path.join(lab.root, "stale.jsa");
    fs.writeFileSync(garbage, "not an archive");
    // A later -XX:SharedArchiveFile wins: an archive that does not fit is ignored, not fatal.
    const stale = await runKafkaTool("kafka-topics", ["--bootstrap-server", outputs.bootstrapServers, "--list"], undefined, {
      KAFKA_OPTS: `-XX:SharedArchiveFile=${garbage}`,
    });
    expect(stale).toMatchObject({ code: 0, stderr: "" });
  });

  it("replicates a topic 3 ways and delivers every message produced", async () => {
    await createTopic(outputs, "e2e", 3);
    const described = await kafkaTool("kafka-topics", ["--bootstrap-server", outputs.bootstrapServers, "--describe", "--topic", "e2e"]);
    expect(described).toMatch(/ReplicationFactor: 3/);
    expect(described.match(/Isr: \d+,\d+,\d+/g)).toHaveLength(3);
    const { sent, received } = await produceAndConsume(outputs.bootstrapServers, "e2e", MESSAGES);
    expect(received.sort()).toEqual(sent.sort());
  });

  it("touches nothing on a second up with the same config, and starts no Kafka tool JVM", async () => {
    const { result: again, tools } = await toolJvmsDuring(() => lab.up());
    expect(tools).toEqual([]);
    expect(again.changes).toEqual({ same: 13 });
    expect(again.outputs.nodes.map((n) => n.pid)).toEqual(outputs.nodes.map((n) => n.pid));
    expect(again.outputs.clusterId).toBe(outputs.clusterId);
  });

  it("asks the cluster through one agent of the lab, kept across `npm run status` and `npm run up`; a killed one is replaced, nothing lost", async () => {
    const status = async () => {
      const ran = await lab.status();
      expect(ran.stdout, ran.stderr).toMatch(/^lab e2e-combined: healthy/);
      return agentsServing(21092);
    };
    const [agent] = await status();
    expect(agent).toBeGreaterThan(0);
    expect(await status()).toEqual([agent]);
    const up = await lab.npmUp();
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/\nlab e2e-combined: healthy/);
    expect(agentsServing(21092)).toEqual([agent]);
    // Killed: the next command starts another, and its answers are whole.
    process.kill(agent, "SIGKILL");
    await pWaitFor(() => !fs.existsSync(`/proc/${agent}`), { interval: 50, timeout: 5_000 });
    const [replaced] = await status();
    expect(replaced).not.toBe(agent);
    expect((await lab.status()).stdout).toMatch(/^1\s+broker,controller\s+pid \d+\s+up/m);
  });

  it("stops every node and removes every file on destroy", async () => {
    await lab.stack.destroy({ color: "never" });
    await expectNoTrace(lab, outputs);
  });
});

describe("a lab with dedicated controllers", () => {
  let lab: TestLab;

  beforeAll(async () => {
    lab = await TestLab.create("dedicated", {
      nodes: [
        { id: 1, roles: ["controller"] },
        { id: 2, roles: ["controller"] },
        { id: 3, roles: ["controller"] },
        { id: 4, roles: ["broker"] },
        { id: 5, roles: ["broker"] },
      ],
      ports: { external: 22092, internal: 22093, controller: 22094 },
    });
  });
  afterAll(async () => lab?.cleanup());

  it("forms a 3-voter quorum, serves clients from the 2 brokers, and leaves nothing behind", async () => {
    const { outputs } = await lab.up();
    expect(outputs.bootstrapServers).toBe("127.0.0.1:22392,127.0.0.1:22492");
    const status = await quorumStatus("127.0.0.1:22094");
    expect(status.voters.sort()).toEqual([1, 2, 3]);
    expect([1, 2, 3]).toContain(status.leaderId);

    await kafkaTool("kafka-topics", ["--bootstrap-server", outputs.bootstrapServers, "--create", "--topic", "e2e", "--replication-factor", "2"]);
    const { sent, received } = await produceAndConsume(outputs.bootstrapServers, "e2e", MESSAGES);
    expect(received.sort()).toEqual(sent.sort());

    await lab.stack.destroy({ color: "never" });
    await expectNoTrace(lab, outputs);
  });
});
