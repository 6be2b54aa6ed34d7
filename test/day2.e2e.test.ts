// Day-2 operations on a running lab under a continuous idempotent producer: a dynamic config, a rolling restart, a 4th
// broker with a rebalance, a refused and then a drained removal, and drift. Nothing may be lost. The roll and the
// drain go through an `npm run up` killed mid-way (with its CLI and provider) and the next one. Before the drain,
// failure drills (`npm run drill`) on the lab of 3 combined nodes and a broker: refusals, kill-controller,
// freeze-voter (also interrupted by Ctrl-C) and wipe-broker, each with its report and chart and nothing lost.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import pWaitFor from "p-wait-for";
import { getProperties } from "properties-file";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../components/host/projectDir";
import { createTopic, kafkaTool, type LabOutputs, type Ran, TestLab, toolJvmsDuring } from "./lab";
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

  const pidOf = (id: number) => Number(fs.readFileSync(path.join(lab.labDir, `node-${id}`, "kafka.pid"), "utf8"));
  const meta = (id: number) => getProperties(fs.readFileSync(path.join(lab.labDir, `node-${id}`, "data", "meta.properties"), "utf8"));
  /** Short windows around a drill's fault: its own 2 s warm-up comes first. */
  const QUICK = ["--before", "1", "--after", "1"];

  /** A drill that ran to its end: nothing lost, duplicated or refused, its report and chart written. */
  function expectSound(ran: Ran, scenario: string): string {
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/\n {2}lost · duplicated · failed sends +0 · 0 · 0 +ok/);
    expect(ran.stdout).toMatch(/\n {2}records sent · acked · consumed +(\d+) · \1 · \1\n/);
    const file = /\nreport: (\S+)\n/.exec(ran.stdout)?.[1] as string;
    expect(path.basename(file)).toMatch(new RegExp(`-${scenario}\\.md$`));
    const chart = /\]\((\S+\.svg)\)/.exec(fs.readFileSync(file, "utf8"))?.[1] as string;
    expect(fs.readFileSync(path.join(path.dirname(file), chart), "utf8")).toMatch(/^<svg [\s\S]*acked records \/ s[\s\S]*ack latency \(ms\)/);
    return ran.stdout;
  }

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
    // Kafka checks a property set new to this machine once, with a tool JVM (preflight/properties.ts): here, before the roll is watched.
    await lab.stack.preview({ color: "never" });
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

  // Failure drills on this lab of 3 combined nodes and a broker, each through `npm run drill` under its load.
  it("refuses a drill processes cannot do, and an unknown scenario, touching nothing", async () => {
    const isolate = await lab.drill(["isolate-controller"]);
    expect(isolate.code).toBe(2);
    expect(isolate.stderr).toMatch(
      /kraftlab: drill refused: isolate-controller: nodes that are processes share this machine's network, .*kraftlab:runtime: docker/,
    );
    const unknown = await lab.drill(["kill-everything"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("usage: npm run drill -- <kill-controller|kill-broker|freeze-voter|isolate-controller|wipe-broker|restart-all>");
    for (const node of outputs.nodes) expect(pidOf(node.id)).toBe(node.pid);
  });

  it("drill kill-controller: the leader (a combined node) killed; the quorum without a leader for a time asked of the surviving controllers, its partitions led elsewhere once it is fenced, up starts it again", async () => {
    const before = Object.fromEntries(outputs.nodes.map((n) => [n.id, n.pid]));
    const out = expectSound(await lab.drill(["kill-controller", ...QUICK]), "kill-controller");
    const victim = Number(/SIGKILL of the active controller: node (\d)/.exec(out)?.[1]);
    expect(out).toMatch(new RegExp(`\\n {2}node ${victim} still leads partitions +\\d+\\.\\d+ s +(ok|outside) +\\d`));
    expect(out).toMatch(new RegExp(`recovery +\`up\`: node ${victim}: not running: started again`));
    // Where the recovery's time went: kraftlab's `up` until the node runs, then Kafka's start and catching up.
    expect(out).toMatch(new RegExp(`\\n {2}· \`up\` until node ${victim} runs again \\(kraftlab\\) +\\d+(\\.\\d+ s| ms)\\n`));
    expect(out).toMatch(/\n {2}· then until ready \(Kafka's start\) +\d+(\.\d+ s| ms) +(ok|outside) +0 ms – 16\.00 s \[\d\]\n/);
    expect(out).toMatch(/\n {2}· then until fully replicated +\d+(\.\d+ s| ms) +(ok|outside) +0 ms – 2\.50 s \[\d\]\n/);
    expect(out).toMatch(/\n {2}\[\d\] the followers fetch what they missed \(replica\.fetch\.wait\.max\.ms 500 a round\)/);
    expect(pidOf(victim)).not.toBe(before[victim]);
    expect(out).toContain("is a combined node: the fault strikes a voter and a broker at once");
    expect(out).toMatch(/\n {2}quorum without a leader +\d+\.\d+ s +(ok|outside) +2\.00 s – 5\.50 s \[1\]\n/);
    expect(out).toMatch(/\n {2}\[1\] controller\.quorum\.fetch\.timeout\.ms 2000, then an election/);
  });

  it("drill freeze-voter: a follower stopped and resumed recovers by itself, the same process", async () => {
    const before = [1, 2, 3, 4].map(pidOf);
    const out = expectSound(await lab.drill(["freeze-voter", "--hold", "3", ...QUICK]), "freeze-voter");
    expect(out).toMatch(/SIGSTOP of a follower voter, resumed after a while: node \d/);
    expect(out).toMatch(/\n {2}quorum without a leader +0 ms +ok/);
    expect(out).toMatch(/recovery +by itself, no `up`/);
    expect(out).not.toContain("· `up` until");
    expect([1, 2, 3, 4].map(pidOf)).toEqual(before);
  });

  it("drill freeze-voter interrupted by Ctrl-C resumes the node it froze", async () => {
    const child = spawn(process.execPath, lab.drillArgs(["freeze-voter", "--hold", "60", ...QUICK]), {
      cwd: PROJECT_DIR,
      env: { ...process.env, ...lab.scriptEnv() },
    });
    let said = "";
    const frozen = await new Promise<number>((resolve, reject) => {
      child.stderr.on("data", (chunk: Buffer) => {
        said += chunk;
        const match = /kraftlab: node (\d) frozen/.exec(said);
        if (match) resolve(Number(match[1]));
      });
      child.on("exit", () => reject(new Error(`the drill ended before it froze a node:\n${said}`)));
    });
    const state = () => fs.readFileSync(`/proc/${pidOf(frozen)}/stat`, "utf8").split(") ")[1][0];
    try {
      // SIGSTOP is sent; the kernel stops the JVM once it is scheduled, a moment later on a busy machine.
      await pWaitFor(() => state() === "T", { interval: 20, timeout: 5_000 });
      const code = await new Promise<number | null>((resolve) => {
        child.on("exit", (c) => resolve(c));
        child.kill("SIGINT");
      });
      expect(code).toBe(130);
      expect(said).toContain(`kraftlab: drill interrupted (SIGINT); put back: node ${frozen} resumed, the load`);
      expect(state()).not.toBe("T");
    } finally {
      // A drill left running would strike the next tests' lab.
      if (child.exitCode === null) child.kill("SIGINT");
    }
  });

  it("drill wipe-broker: the broker-only node's data removed, formatted again with the cluster's id by up, its replicas fetched again", async () => {
    const [clusterBefore, directoryBefore] = [meta(4)["cluster.id"], meta(4)["directory.id"]];
    const out = expectSound(await lab.drill(["wipe-broker", ...QUICK]), "wipe-broker");
    expect(out).toContain("a broker stopped, its data removed, then repaired by `up`: node 4 (broker)");
    expect(out).toMatch(/\n {2}until every partition is fully replicated +\d+(\.\d+ s| ms)/);
    expect(meta(4)["cluster.id"]).toBe(clusterBefore);
    expect(meta(4)["directory.id"]).not.toBe(directoryBefore);
    expect((await lab.status()).stdout).toMatch(new RegExp(`^lab ${lab.stack.name}: healthy`));
    outputs = await lab.outputs();
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
