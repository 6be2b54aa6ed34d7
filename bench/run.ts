// npm run bench: kraftlab against the lab's manual procedure (bench/manual-lab.sh), alternating in
// one run, on the same ports and heap. Writes bench/results/<time>.{json,md} and prints the table.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openStack } from "../lab/stack";
import { defaultKafkaHome, PROJECT_DIR } from "../lab/toolchain";
import { LoadRun } from "../test/load";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const HEAP = "512m";
const KRAFTLAB_PORT = 28092;
const SCRIPT_PORT = 29092;
const TARGETS = { coldUpRatio: 1.3, noopUpSeconds: 10, destroySeconds: 15, rssGiB: 3 };

const PERF_RECORDS = 50_000;

/** producer-perf-test over `config` (a client file, or plaintext): records per second, best of two runs (the first warms the JIT). */
function producerThroughput(bootstrap: string, config?: string): number {
  return Math.max(producerRun(bootstrap, config), producerRun(bootstrap, config));
}

function producerRun(bootstrap: string, config?: string): number {
  const out = execFileSync(
    path.join(defaultKafkaHome(), "bin", "kafka-producer-perf-test.sh"),
    [
      "--topic",
      "bench",
      "--num-records",
      String(PERF_RECORDS),
      "--record-size",
      "1024",
      "--throughput",
      "-1",
      ...(config ? ["--command-config", config] : []),
      "--producer-props",
      `bootstrap.servers=${bootstrap}`,
      "acks=all",
    ],
    { encoding: "utf8" },
  );
  return Number(new RegExp(`${PERF_RECORDS} records sent, ([\\d.]+) records/sec`).exec(out)?.[1]);
}

const seconds = async (work: () => Promise<unknown>) => {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
};
const rssBytes = (pids: number[]) =>
  pids.reduce((sum, pid) => sum + Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024, 0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-bench-"));
  const labDir = path.join(root, "lab");
  const scriptDir = path.join(root, "manual");
  const script = path.join(PROJECT_DIR, "bench", "manual-lab.sh");
  const env = { ...process.env, KAFKA_HOME: defaultKafkaHome() };
  const stack = await openStack({
    stackName: "bench",
    config: {
      nodes: [1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] })),
      labDir,
      certsDir: path.join(root, "certs"),
      heap: HEAP,
      ports: { external: KRAFTLAB_PORT, internal: KRAFTLAB_PORT + 1, controller: KRAFTLAB_PORT + 2, metrics: KRAFTLAB_PORT + 3 },
    },
    env: { PULUMI_BACKEND_URL: `file://${path.join(root, "state")}` },
  });
  const rounds: Record<string, number>[] = [];
  const security: { plaintext?: number; plaintextExporter?: number; saslSsl?: number } = {};
  const day2: Record<string, number> = {};
  const combined = [1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] }));
  const setNodes = (nodes: unknown) => stack.setConfig("kraftlab:nodes", { value: JSON.stringify(nodes) });
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const r: Record<string, number> = {};
      let pids: number[] = [];
      r.kraftlabColdUp = await seconds(async () => {
        const up = await stack.up();
        pids = (up.outputs.nodes.value as { pid: number }[]).map((n) => n.pid);
      });
      r.rssGiB = rssBytes(pids) / 2 ** 30;
      r.noopUp = await seconds(async () => {
        const up = await stack.up();
        const after = (up.outputs.nodes.value as { pid: number }[]).map((n) => n.pid);
        r.noopRestarts = after.filter((pid, i) => pid !== pids[i]).length + (up.summary.resourceChanges?.update ?? 0);
      });
      r.destroy = await seconds(() => stack.destroy());
      r.scriptUp = await seconds(async () => execFileSync(script, ["up", scriptDir, String(SCRIPT_PORT), HEAP], { env, stdio: "inherit" }));
      r.scriptDown = await seconds(async () => execFileSync(script, ["down", scriptDir], { env, stdio: "inherit" }));
      rounds.push(r);
      console.log(`round ${round}: ${JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v.toFixed(2))])))}`);
    }
    // The cost of security: the same lab, plaintext then SASL_SSL on every listener, same records.
    const plain = await stack.up();
    const bootstrap = plain.outputs.bootstrapServers.value as string;
    const create = (config?: string) =>
      execFileSync(path.join(defaultKafkaHome(), "bin", "kafka-topics.sh"), [
        "--bootstrap-server",
        bootstrap,
        "--create",
        "--if-not-exists",
        "--topic",
        "bench",
        "--partitions",
        "3",
        "--replication-factor",
        "3",
        ...(config ? ["--command-config", config] : []),
      ]);
    create();
    security.plaintext = producerThroughput(bootstrap);
    // The exporter's cost: the same producer with the agent on every node, scraped by Prometheus; then off again.
    await stack.setConfig("kraftlab:monitoring", { value: JSON.stringify({ prometheusPort: KRAFTLAB_PORT - 2 }) });
    await stack.up();
    security.plaintextExporter = producerThroughput(bootstrap);
    await stack.removeConfig("kraftlab:monitoring");
    await stack.up();

    // Day 2, plaintext: 3 single-node changes, one change that rolls all 3, a 4th broker; then the script's.
    day2.singleRestarts = 0;
    for (const id of [1, 2, 3]) {
      await setNodes(combined.map((n) => (n.id <= id ? { ...n, properties: { "log.cleaner.threads": 1 } } : n)));
      day2.singleRestarts += await seconds(() => stack.up());
    }
    await setNodes(combined);
    day2.rollingRestart = await seconds(() => stack.up());
    await setNodes([...combined, { id: 4, roles: ["broker"] }]);
    day2.addBroker = await seconds(() => stack.up());
    await setNodes(combined);
    await stack.up(); // node 4 holds no replica: it leaves without a drain
    execFileSync(script, ["up", scriptDir, String(SCRIPT_PORT), HEAP], { env, stdio: "inherit" });
    day2.scriptRestarts = 0;
    for (const id of [1, 2, 3]) day2.scriptRestarts += await seconds(async () => execFileSync(script, ["restart", scriptDir, String(id), HEAP], { env }));
    day2.scriptAddBroker = await seconds(async () => execFileSync(script, ["add-broker", scriptDir, String(SCRIPT_PORT), HEAP], { env }));
    execFileSync(script, ["down", scriptDir], { env });
    await stack.setConfig("kraftlab:security", { value: JSON.stringify({ users: { admin: {} } }) });
    const secure = await stack.up();
    const admin = secure.outputs.clientProperties.value as string;
    create(admin);
    security.saslSsl = producerThroughput(bootstrap, admin);

    // Leaf rotation under a continuous SASL_SSL producer: the 3 combined nodes roll.
    await stack.setConfig("kraftlab:security", { value: JSON.stringify({ users: { admin: {} }, certificateRotation: 1 }) });
    const load = await LoadRun.start({ bootstrap, topic: "bench", clientConfig: admin });
    day2.leafRotation = await seconds(() => stack.up());
    const report = await load.stop();
    day2.leafRotationAcked = report.acked;
    day2.leafRotationClientErrors = report.produceErrors.length + report.lost.length + report.duplicated.length;
  } finally {
    await stack.destroy().catch(() => undefined);
    await stack.workspace.removeStack("bench").catch(() => undefined);
    execFileSync(script, ["down", scriptDir], { env });
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(path.join(PROJECT_DIR, "Pulumi.bench.yaml"), { force: true });
  }

  const m = (key: string) => median(rounds.map((r) => r[key]));
  const ratio = m("kraftlabColdUp") / m("scriptUp");
  const rows: [string, string, string, boolean][] = [
    [
      "cold up to ready: kraftlab / bare script",
      `${m("kraftlabColdUp").toFixed(1)} s / ${m("scriptUp").toFixed(1)} s = ${ratio.toFixed(2)}x`,
      `<= ${TARGETS.coldUpRatio}x`,
      ratio <= TARGETS.coldUpRatio,
    ],
    [
      "no-op up",
      `${m("noopUp").toFixed(1)} s, ${Math.max(...rounds.map((r) => r.noopRestarts))} restarts`,
      `<= ${TARGETS.noopUpSeconds} s, 0 restarts`,
      m("noopUp") <= TARGETS.noopUpSeconds && rounds.every((r) => r.noopRestarts === 0),
    ],
    [
      "destroy (kraftlab) / down (script)",
      `${m("destroy").toFixed(1)} s / ${m("scriptDown").toFixed(1)} s`,
      `<= ${TARGETS.destroySeconds} s`,
      m("destroy") <= TARGETS.destroySeconds,
    ],
    ["RSS of the 3 nodes (heap 512m)", `${m("rssGiB").toFixed(2)} GiB`, `<= ${TARGETS.rssGiB} GiB`, m("rssGiB") <= TARGETS.rssGiB],
  ];
  const day2Rows = [
    `| add a 4th broker: kraftlab up / script (format + start + wait) | ${day2.addBroker?.toFixed(1)} s / ${day2.scriptAddBroker?.toFixed(1)} s | (measured) | - |`,
    `| rolling restart of 3 nodes (gated) / 3 single-node ups / script's 3 bare restarts | ${day2.rollingRestart?.toFixed(1)} s / ${day2.singleRestarts?.toFixed(1)} s / ${day2.scriptRestarts?.toFixed(1)} s | (measured) | - |`,
    `| leaf certificate rotation under load (3 nodes roll): time, records acked, client errors (lost + duplicated + failed) | ${day2.leafRotation?.toFixed(1)} s, ${day2.leafRotationAcked}, ${day2.leafRotationClientErrors} | 0 client errors | ${day2.leafRotationClientErrors === 0 ? "yes" : "NO"} |`,
  ];
  const securityRow = `| produce, ${PERF_RECORDS} x 1 KiB, acks=all: PLAINTEXT / SASL_SSL | ${security.plaintext?.toFixed(0)} / ${security.saslSsl?.toFixed(0)} records/s (SASL_SSL at ${(((security.saslSsl ?? 0) / (security.plaintext ?? 1)) * 100).toFixed(0)}%) | (measured, no target) | - |`;
  const exporterRow = `| produce, ${PERF_RECORDS} x 1 KiB, acks=all, PLAINTEXT: without / with the JMX exporter (scraped every 5 s) | ${security.plaintext?.toFixed(0)} / ${security.plaintextExporter?.toFixed(0)} records/s (${(((security.plaintextExporter ?? 0) / (security.plaintext ?? 1)) * 100).toFixed(0)}%) | (measured, no target) | - |`;
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const table = [
    `# kraftlab benchmark, ${new Date().toISOString()}`,
    "",
    `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${ROUNDS} alternating rounds, medians.`,
    "",
    "| measure | result | target | met |",
    "| --- | --- | --- | --- |",
    ...rows.map(([what, result, target, met]) => `| ${what} | ${result} | ${target} | ${met ? "yes" : "NO"} |`),
    securityRow,
    exporterRow,
    ...day2Rows,
    "",
  ].join("\n");
  const dir = path.join(PROJECT_DIR, "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${stamp}.json`), `${JSON.stringify({ rounds, security, day2, targets: TARGETS }, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, `${stamp}.md`), table);
  console.log(`\n${table}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
