// Day-2 operations on a running lab under a continuous idempotent producer: a dynamic config, a rolling restart, a 4th
// broker with a rebalance, a refused and then a drained removal, and drift. Nothing may be lost. The roll and the
// drain go through an `npm run up` killed mid-way (with its CLI and provider) and the next one.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTopic, kafkaTool, type LabOutputs, TestLab, toolJvmsDuring } from "./lab";
import { expectNothingLost, underLoad } from "./underLoad";

const PORT = 18092;
const combined = [1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] }));
const broker4 = { id: 4, roles: ["broker"] };
const TOPIC = "orders";

describe("day-2 operations under load", () => {
  let lab: TestLab;
  let outputs: LabOutputs;
  const pids = (o: LabOutputs) => Object.fromEntries(o.nodes.map((n) => [n.id, n.pid]));
  const directoryId = (id: number) =>
    /^directory\.id=(.*)$/m.exec(fs.readFileSync(path.join(lab.labDir, `node-${id}`, "data", "meta.properties"), "utf8"))?.[1];
  const describeTopics = (bootstrap: string) => kafkaTool("kafka-topics", ["--bootstrap-server", bootstrap, "--describe"]);
  const replicasOn = async (bootstrap: string, id: number) =>
    (await describeTopics(bootstrap)).split("\n").filter((l) => new RegExp(`Replicas: ([\\d,]*,)?${id}(,|\\s)`).test(l)).length;
  const brokerConfigs = (id: number) =>
    kafkaTool("kafka-configs", ["--bootstrap-server", outputs.bootstrapServers, "--describe", "--entity-type", "brokers", "--entity-name", String(id)]);
  /** Runs `action` while the producer runs; returns its result and the load report. */
  const underTheLoad = <T>(action: () => Promise<T>) => underLoad({ bootstrap: outputs.bootstrapServers, topic: TOPIC }, action);

  beforeAll(async () => {
    lab = await TestLab.create("day2", { nodes: combined, ports: { external: PORT, internal: PORT + 1, controller: PORT + 2 }, rebalance: true });
    ({ outputs } = await lab.up());
    await createTopic(outputs, TOPIC, 6, ["min.insync.replicas=2"]);
  });
  afterAll(async () => lab?.cleanup());

  it("changes a dynamic broker config in place: every pid kept, Kafka shows the new value", async () => {
    await lab.configure({ properties: { "log.retention.ms": 3_600_000 } });
    const { result, report } = await underTheLoad(() => lab.up());
    expectNothingLost(report);
    expect(pids(result.outputs)).toEqual(pids(outputs));
    const described = await brokerConfigs(2);
    expect(described).toMatch(/log\.retention\.ms=3600000/);
  });

  it("restarts every node one at a time for a read-only config change (the dynamic one removed in place), losing nothing, through an `npm run up` killed mid-roll", async () => {
    await lab.configure({ properties: { "queued.max.requests": 600 } });
    const directories = [1, 2, 3].map(directoryId);
    const {
      result: { result, report },
      tools,
    } = await toolJvmsDuring(
      // Killed with its CLI and provider after one node rolled; the next `npm run up` clears what it left and rolls on.
      () => underTheLoad(() => lab.upInterruptedAt(/restarting node \d \(2 of 3\)/)),
      /Verifiable|GetOffsetShell|ConsoleConsumer/, // the load checker's clients
    );
    expectNothingLost(report);
    expect(result.resumed.stderr).toMatch(/kraftlab: cleared the lock of stack e2e-day2 left by an interrupted run \(pid \d+, locked at \S+: no longer runs\)/);
    expect(result.resumed.stderr).toContain("kraftlab: NodeProcesses kafka-nodes was being updated when the run stopped; this run takes it from where it is");
    expect([1, 2, 3].map(directoryId)).toEqual(directories); // no node formatted again
    expect(tools).toEqual([]); // the gates ask through the cluster client
    for (const node of result.outputs.nodes) expect(node.pid).not.toBe(pids(outputs)[node.id]);
    const described = await brokerConfigs(2);
    expect(described).not.toMatch(/log\.retention\.ms/);
    outputs = result.outputs;
  });

  it("adds a 4th broker without restarting the others, then spreads the partitions onto it", async () => {
    await lab.configure({ nodes: [...combined, broker4] });
    const { result, report } = await underTheLoad(() => lab.up());
    expectNothingLost(report);
    const after = result.outputs;
    for (const id of [1, 2, 3]) expect(pids(after)[id]).toBe(pids(outputs)[id]);
    expect(after.nodes.map((n) => n.id)).toEqual([1, 2, 3, 4]);
    expect(after.bootstrapServers).toContain(`127.0.0.1:${PORT + 300}`);
    const moved = after.rebalanced as { topic: string; to: number[] }[];
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((m) => m.topic === TOPIC)).toBe(true);
    expect(await replicasOn(after.bootstrapServers, 4)).toBeGreaterThan(0);
    // Not a voter: the quorum is still the three controllers.
    const quorum = await kafkaTool("kafka-metadata-quorum", ["--bootstrap-server", after.bootstrapServers, "describe", "--replication"]);
    expect(quorum).toMatch(/^4\s.*Observer\s*$/m);
    outputs = after;
  });

  it("refuses to remove a broker that holds replicas unless asked to drain it, touching nothing", async () => {
    await lab.configure({ nodes: combined });
    await expect(lab.up()).rejects.toThrow(/broker 4 still holds \d+ replica\(s\) .*add 4 to kraftlab:drainBrokers/);
    await lab.configure({ nodes: [...combined, broker4] });
    const { outputs: same } = await lab.up();
    expect(pids(same)).toEqual(pids(outputs));
  });

  it("drains, stops and unregisters a broker that leaves, removing its data, through an `npm run up` killed mid-drain", async () => {
    await lab.configure({ nodes: combined, drainBrokers: [4] });
    const { result, report } = await underTheLoad(() => lab.upInterruptedAt(/draining broker 4/));
    expectNothingLost(report);
    expect(result.resumed.stderr).toContain("was being updated when the run stopped; this run takes it from where it is");
    const after = result.outputs;
    expect(after.nodes.map((n) => n.id)).toEqual([1, 2, 3]);
    for (const id of [1, 2, 3]) expect(pids(after)[id]).toBe(pids(outputs)[id]);
    expect(await replicasOn(after.bootstrapServers, 4)).toBe(0);
    expect(fs.existsSync(path.join(lab.labDir, "node-4"))).toBe(false);
    const endpoints = await kafkaTool("kafka-cluster", ["list-endpoints", "--bootstrap-server", after.bootstrapServers, "--include-fenced-brokers"]);
    expect(endpoints).not.toMatch(/^4\s/m);
    expect(await describeTopics(after.bootstrapServers)).not.toMatch(/Leader: none/);
    outputs = after;
  });

  it("puts back a config file edited by hand, and notices a killed node on refresh", async () => {
    const file = path.join(lab.labDir, "node-1", "server.properties");
    const original = fs.readFileSync(file, "utf8");
    fs.appendFileSync(file, "log.retention.ms=1\n");
    const healed = await lab.up();
    expect(fs.readFileSync(file, "utf8")).toBe(original);
    expect(pids(healed.outputs)).toEqual(pids(outputs)); // the running node never loaded the edit

    process.kill(outputs.nodes[1].pid as number, "SIGKILL");
    await lab.stack.refresh({ color: "never" });
    const state = await lab.stack.exportStack();
    const processes = state.deployment.resources.find((r: { type: string }) => r.type.endsWith("NodeProcesses"));
    expect(processes.outputs.running["2"]).toBe("");
    const { outputs: after } = await lab.up();
    expect(pids(after)[2]).not.toBe(0);
    expect(pids(after)[2]).not.toBe(pids(outputs)[2]);
    expect(await describeTopics(after.bootstrapServers)).not.toMatch(/Leader: none/);
  });
});
