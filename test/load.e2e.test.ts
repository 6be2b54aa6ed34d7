// The load checker itself, proven on a real 3-node lab: clean on a quiet cluster, and still clean
// (nothing lost, nothing twice) when a node stops under load and `up` brings it back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isAlive } from "../components/process/daemon";
import { kafkaTool, TestLab, type LabOutputs } from "./lab";
import { LoadRun, type LoadReport } from "./load";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectClean(report: LoadReport) {
  expect(report.acked).toBeGreaterThan(0);
  expect(report.complete).toBe(true);
  expect(report.produceErrors).toEqual([]);
  expect(report.lost).toEqual([]);
  expect(report.duplicated).toEqual([]);
  expect(report.outOfOrder).toEqual([]);
  expect(report.consumed).toBeGreaterThanOrEqual(report.acked);
}

async function waitUntilGone(pid: number, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`pid ${pid} still alive after ${timeoutMs} ms`);
    await sleep(200);
  }
}

describe("continuous load on a 3-node lab", () => {
  let lab: TestLab;
  let outputs: LabOutputs;
  let run: LoadRun | undefined;
  const load = () => LoadRun.start({ bootstrap: outputs.bootstrapServers, topic: "load", clientConfig: outputs.clientProperties });

  beforeAll(async () => {
    lab = await TestLab.create("load", {
      nodes: [1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] })),
      ports: { external: 20092, internal: 20093, controller: 20094 },
    });
    ({ outputs } = await lab.up());
    await kafkaTool("kafka-topics", [
      "--bootstrap-server", outputs.bootstrapServers, "--command-config", outputs.clientProperties,
      "--create", "--topic", "load", "--partitions", "3", "--replication-factor", "3", "--config", "min.insync.replicas=2",
    ]);
  });
  afterEach(() => run?.abort());
  afterAll(async () => lab?.cleanup());

  it("reads back every acked record once and in order per key", async () => {
    run = await load();
    await sleep(10_000);
    const report = await run.stop();
    console.log("quiet load:", JSON.stringify({ ...report, lost: report.lost.length }));
    expectClean(report);
  });

  it("keeps acking while a node is stopped, and loses nothing when up restarts it", async () => {
    run = await load();
    const victim = outputs.nodes[1];
    process.kill(victim.pid, "SIGTERM");
    await waitUntilGone(victim.pid);
    const before = run.acked;
    await sleep(5_000);
    await run.waitForAcked(before + 1);
    const ackedWhileDown = run.acked - before;

    ({ outputs } = await lab.up());
    const restarted = outputs.nodes.find((n) => n.id === victim.id)!;
    expect(restarted.pid).not.toBe(victim.pid);
    expect(isAlive(restarted.pid)).toBe(true);
    await run.waitForAcked(run.acked + 1);

    const report = await run.stop();
    console.log("load across a node stop:", JSON.stringify({ ...report, lost: report.lost.length, ackedWhileDown }));
    expectClean(report);
  });
});
