// The lab's "Option Docker" on a real engine (the user's, or kraftlab's private dockerd started for the
// file): a secure, monitored 3-node lab in containers, clients and Prometheus on the host, the day-2
// steps on Docker (topics and ACLs through the containers' tools, a 4th broker, a leaf rotation under
// load, failure drills, a drain, refusals), and a destroy that leaves nothing of the lab.
import * as fs from "node:fs";
import * as net from "node:net";
import type Docker from "dockerode";
import pWaitFor from "p-wait-for";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engine } from "../components/runtime/docker/engine";
import { ensureEngine, stopPrivateEngine } from "../lab/engine";
import { consume, kafkaTool, type LabOutputs, produce, runKafkaTool, TestLab } from "./lab";
import { expectNothingLost, underLoad } from "./underLoad";

const PORT = 14092;
const LAB = "e2e-docker";
const TOPIC = "orders";
const labFilter = { label: [`org.kraftlab.lab=${LAB}`] };

describe("a secure lab on Docker", () => {
  let lab: TestLab;
  let outputs: LabOutputs & { runtime?: { kind: string; dockerHost?: string } };
  let docker: Docker;
  let startedEngine = false;
  const nodes = [1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] }));
  const security = {
    users: { admin: {}, alice: {} },
    acls: [{ principal: "User:alice", permission: "Deny", operation: "Write", resourceType: "Topic", resourceName: "*" }],
  };
  const config = {
    runtime: { kind: "docker" },
    nodes,
    ports: { external: PORT, internal: PORT + 1, controller: PORT + 2, metrics: PORT + 3 },
    security,
    monitoring: { prometheusPort: PORT - 2, scrapeIntervalSeconds: 2 },
    topics: { [TOPIC]: { partitions: 3, configs: { "min.insync.replicas": "2" } } },
  };
  /** Node ids whose exporter Prometheus scrapes with success. */
  async function targetsUp(): Promise<number[]> {
    const body = (await (await fetch(`http://127.0.0.1:${PORT - 2}/api/v1/targets`)).json()) as {
      data: { activeTargets: { labels: Record<string, string>; health: string }[] };
    };
    return body.data.activeTargets
      .filter((t) => t.health === "up")
      .map((t) => Number(t.labels.node))
      .sort();
  }
  /** Node id → its container's id, as the engine reports it. */
  async function containerIds(): Promise<Record<string, string>> {
    const all = await docker.listContainers({ all: true, filters: labFilter });
    return Object.fromEntries(all.map((c) => [c.Labels["org.kraftlab.node"], c.Id]));
  }
  const leftovers = async () => ({
    containers: (await docker.listContainers({ all: true, filters: labFilter })).length,
    volumes: ((await docker.listVolumes({ filters: labFilter })).Volumes ?? []).length,
    networks: (await docker.listNetworks({ filters: labFilter })).length,
  });

  beforeAll(async () => {
    const found = await ensureEngine();
    startedEngine = found.started;
    docker = engine(found.dockerHost);
    lab = await TestLab.create("docker", config);
    ({ outputs } = await lab.up());
  }, 900_000);

  afterAll(async () => {
    try {
      await lab?.cleanup();
    } finally {
      // Whatever a failed test left of the lab on the engine, then the engine this file started.
      for (const c of await docker.listContainers({ all: true, filters: labFilter })) await docker.getContainer(c.Id).remove({ force: true });
      for (const v of (await docker.listVolumes({ filters: labFilter })).Volumes ?? []) await docker.getVolume(v.Name).remove();
      for (const n of await docker.listNetworks({ filters: labFilter })) await docker.getNetwork(n.Id).remove();
      if (startedEngine) stopPrivateEngine();
    }
  }, 300_000);

  it("runs each node in a container of its own on the lab's network, with a quorum of 3 and a leader", async () => {
    expect(outputs.runtime?.kind).toBe("docker");
    expect(outputs.runtime?.dockerHost).toMatch(/^unix:\/\//);
    expect(outputs.nodes.map((n) => n.container)).toEqual([1, 2, 3].map((id) => `kraftlab-${LAB}-node-${id}`));
    const info = await docker.getContainer(`kraftlab-${LAB}-node-1`).inspect();
    expect(info.State.Running).toBe(true);
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([`kraftlab-${LAB}`]);
    // Only EXTERNAL and the exporter's port, on 127.0.0.1 alone.
    expect(info.HostConfig.PortBindings).toEqual({
      [`${PORT}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: String(PORT) }],
      [`${PORT + 3}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: String(PORT + 3) }],
    });
    const quorum = await kafkaTool("kafka-metadata-quorum", [
      "--bootstrap-server",
      outputs.bootstrapServers,
      "--command-config",
      outputs.clientProperties,
      "describe",
      "--status",
    ]);
    expect(JSON.parse(/CurrentVoters:\s+(\[.*\])/.exec(quorum)?.[1] ?? "[]").map((v: { id: number }) => v.id)).toEqual([1, 2, 3]);
    expect(Number(/LeaderId:\s+(-?\d+)/.exec(quorum)?.[1])).toBeGreaterThan(0);
  });

  it("serves a client on this machine over SASL_SSL: every message produced comes back", async () => {
    const sent = await produce(outputs.bootstrapServers, TOPIC, 200, "docker", outputs.clientProperties);
    expect((await consume(outputs.bootstrapServers, TOPIC, 200, outputs.clientProperties)).sort()).toEqual([...sent].sort());
  });

  it("creates the topic as code and applies the ACL through the containers' tools: alice may not write", async () => {
    const described = await kafkaTool("kafka-topics", [
      "--bootstrap-server",
      outputs.bootstrapServers,
      "--command-config",
      outputs.clientProperties,
      "--describe",
      "--topic",
      TOPIC,
    ]);
    expect(described).toMatch(/PartitionCount: 3\s+ReplicationFactor: 3\s+Configs: min\.insync\.replicas=2/);
    const write = await runKafkaTool(
      "kafka-console-producer",
      ["--bootstrap-server", outputs.bootstrapServers, "--topic", TOPIC, "--command-config", (outputs.clientFiles as Record<string, string>).alice],
      "denied\n",
    );
    expect(write.stderr).toMatch(/TopicAuthorizationException/);
  });

  it("serves every node's metrics from its container, scraped by the lab's Prometheus on this machine", async () => {
    const text = await (await fetch(`http://127.0.0.1:${PORT + 3}/metrics`)).text();
    expect(text).toMatch(/^kafka_server_/m);
    await pWaitFor(async () => (await targetsUp().catch(() => [])).join() === "1,2,3", { interval: 1_000, timeout: 60_000 });
  });

  it("keeps every container on an up with the same config", async () => {
    const before = await containerIds();
    const again = await lab.up();
    expect(again.changes).toEqual({ same: Object.values(again.changes).reduce((a, b) => a + b, 0) });
    expect(await containerIds()).toEqual(before);
  });

  it("refuses to move the lab to another runtime, touching nothing", async () => {
    const before = await containerIds();
    await lab.configure({ runtime: "process" });
    await expect(lab.up()).rejects.toThrow(/kraftlab:runtime: this lab runs on Docker .*Run `npm run down` first/s);
    await lab.configure({ runtime: config.runtime });
    expect(await containerIds()).toEqual(before);
  });

  it("refuses a 5th node whose port something else already holds, naming the port", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(PORT + 400, "127.0.0.1", resolve));
    try {
      await lab.configure({ nodes: [...nodes, { id: 5, roles: ["broker"] }] });
      await expect(lab.up()).rejects.toThrow(new RegExp(`${PORT + 400}`));
    } finally {
      holder.close();
      await lab.configure({ nodes });
    }
    expect(await containerIds()).not.toHaveProperty("5");
  });

  it("adds a 4th broker: only its container is created, the others keep theirs", async () => {
    const before = await containerIds();
    await lab.configure({ nodes: [...nodes, { id: 4, roles: ["broker"] }] });
    ({ outputs } = await lab.up());
    const after = await containerIds();
    expect(Object.keys(after).sort()).toEqual(["1", "2", "3", "4"]);
    for (const id of ["1", "2", "3"]) expect(after[id]).toBe(before[id]);
    const brokers = await kafkaTool("kafka-broker-api-versions", [
      "--bootstrap-server",
      outputs.bootstrapServers,
      "--command-config",
      outputs.clientProperties,
    ]);
    expect(brokers).toMatch(new RegExp(`127\\.0\\.0\\.1:${PORT + 300} \\(id: 4 rack: null`));
  });

  it("adds a controller in a container of its own: it joins the dynamic quorum with no other restart, then leaves it with its volume", async () => {
    const before = await containerIds();
    const voters = () => (outputs.quorum?.voters ?? []).map((v) => v.id).sort();
    const withBroker4 = [...nodes, { id: 4, roles: ["broker"] }];
    await lab.configure({ nodes: [...withBroker4, { id: 5, roles: ["controller"] }] });
    ({ outputs } = await lab.up());
    const grown = await containerIds();
    for (const id of ["1", "2", "3", "4"]) expect(grown[id]).toBe(before[id]);
    expect(voters()).toEqual([1, 2, 3, 5]);
    expect(outputs.quorum?.voters.find((v) => v.id === 5)?.endpoint).toBe(`CONTROLLER://node-5:${PORT + 402}`);

    await lab.configure({ nodes: withBroker4 });
    ({ outputs } = await lab.up());
    expect(voters()).toEqual([1, 2, 3]);
    expect(Object.keys(await containerIds()).sort()).toEqual(["1", "2", "3", "4"]);
    const volumes = ((await docker.listVolumes({ filters: labFilter })).Volumes ?? []).map((v) => v.Name);
    expect(volumes.some((v) => v.includes("node-5"))).toBe(false);
  });

  it("rotates the node certificates under load: the broker reloads in place, controllers roll; nothing is lost", async () => {
    const before = await containerIds();
    await lab.configure({ security: { ...security, certificateRotation: 1 } });
    const load = { bootstrap: outputs.bootstrapServers, topic: TOPIC, clientConfig: outputs.clientProperties };
    const { result, report } = await underLoad(load, () => lab.up());
    expectNothingLost(report);
    outputs = result.outputs;
    const after = await containerIds();
    expect(after["4"]).toBe(before["4"]);
    for (const id of ["1", "2", "3"]) expect(after[id]).not.toBe(before[id]);
  }, 900_000);

  it("brings back a container removed by hand on the next up, with its data", async () => {
    await docker.getContainer(`kraftlab-${LAB}-node-2`).remove({ force: true });
    await lab.stack.refresh({ color: "never" });
    ({ outputs } = await lab.up());
    expect((await docker.getContainer(`kraftlab-${LAB}-node-2`).inspect()).State.Running).toBe(true);
    expect((await consume(outputs.bootstrapServers, TOPIC, 200, outputs.clientProperties)).length).toBe(200);
  });

  it("drills isolate-controller: the active controller cut off the lab network, then back; the quorum asked of the others over SASL_SSL", async () => {
    const ran = await lab.drill(["isolate-controller", "--hold", "4", "--before", "1", "--after", "1"]);
    expect(ran.code, ran.stderr).toBe(0);
    const victim = Number(/the active controller cut off the others, then reconnected: node (\d)/.exec(ran.stdout)?.[1]);
    expect(ran.stdout).not.toContain("asked through the brokers");
    expect(ran.stdout).toMatch(/\n {2}quorum without a leader +\d+\.\d+ s +(ok|outside) /);
    expect(ran.stdout).toMatch(/\n {2}lost · duplicated · failed sends +0 · 0 · 0 +ok/);
    expect(ran.stdout).toMatch(/recovery +by itself, no `up`/);
    const networks = (await docker.getContainer(`kraftlab-${LAB}-node-${victim}`).inspect()).NetworkSettings.Networks;
    expect(Object.keys(networks)).toEqual([`kraftlab-${LAB}`]);
    expect(networks[`kraftlab-${LAB}`].Aliases).toContain(`node-${victim}`);
  });

  it("drills wipe-broker: node 4 stopped and its volume removed; up makes a new one, formatted with the cluster's id", async () => {
    // (The engine says when a volume was made; dockerode's type leaves it out.)
    const created = async () => ((await docker.getVolume(`kraftlab-${LAB}-node-4-data`).inspect()) as { CreatedAt?: string }).CreatedAt;
    const before = await created();
    const ran = await lab.drill(["wipe-broker", "--before", "1", "--after", "1"]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain("a broker stopped, its data removed, then repaired by `up`: node 4 (broker)");
    expect(ran.stdout).toMatch(/\n {2}lost · duplicated · failed sends +0 · 0 · 0 +ok/);
    expect(await created()).not.toBe(before);
    expect((await lab.status()).stdout).toMatch(new RegExp(`^lab ${lab.stack.name}: healthy`));
  });

  it("drains the 4th broker: its replicas move, then its container and volume go", async () => {
    const connect = ["--bootstrap-server", outputs.bootstrapServers, "--command-config", outputs.clientProperties];
    await kafkaTool("kafka-topics", [...connect, "--create", "--topic", "on-4", "--replica-assignment", "4:1:2"]);
    const sent = await produce(outputs.bootstrapServers, "on-4", 50, "on-4", outputs.clientProperties);
    await lab.configure({ nodes, drainBrokers: [4] });
    ({ outputs } = await lab.up());
    expect(Object.keys(await containerIds()).sort()).toEqual(["1", "2", "3"]);
    expect(((await docker.listVolumes({ filters: labFilter })).Volumes ?? []).map((v) => v.Name).sort()).toEqual(
      [1, 2, 3].map((id) => `kraftlab-${LAB}-node-${id}-data`),
    );
    expect((await consume(outputs.bootstrapServers, "on-4", 50, outputs.clientProperties)).sort()).toEqual([...sent].sort());
  });

  it("refuses a lab whose directory went while its containers and volumes stay; destroy then leaves nothing of the lab", async () => {
    fs.rmSync(lab.labDir, { recursive: true, force: true });
    await expect(lab.up()).rejects.toThrow(new RegExp(`holds .*volume kraftlab-${LAB}-node-1-data.* of a lab of stack ${LAB} whose lab directory .* is gone`));
    expect((await leftovers()).volumes).toBe(3);
    await lab.stack.destroy({ color: "never" });
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });
});
