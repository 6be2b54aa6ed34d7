// npm run bench: kraftlab against the lab's manual procedure (bench/manual-lab.sh), alternating in
// one run, on the same ports and heap. Writes bench/results/<time>.{json,md} and prints the table.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import type Docker from "dockerode";
import { clientFor, closeClients } from "../components/client/connect";
import { PROJECT_DIR } from "../components/host/projectDir";
import { defaultKafkaHome, jreRootfs, kafkaVersion } from "../components/host/tools";
import { engine } from "../components/runtime/docker/engine";
import { ensureImage, imageTags } from "../components/runtime/docker/image";
import type { ImageBuild } from "../components/runtime/spec";
import { ensureEngine, stopPrivateEngine } from "../lab/engine";
import { openStack } from "../lab/stack";
import { LoadRun } from "../test/load";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const HEAP = "512m";
const KRAFTLAB_PORT = 28092;
const SCRIPT_PORT = 29092;
const DOCKER_PORT = 28592;
const TARGETS = {
  coldUpRatio: 1.0,
  dockerOverProcessRatio: 1.1,
  noopUpSeconds: 2,
  npmNoopUpSeconds: 2.5,
  npmStatusSeconds: 1.5,
  gateMs: 100,
  controllerSeconds: 4,
  destroySeconds: 15,
  rssGiB: 3,
  addBrokerRatio: 1.2,
  rollingRestartRatio: 1.3,
  rollingUpgradeRatio: 1.3,
  rotationOverRollingSeconds: 10,
};
/** A release the bench rolls its lab onto and back from (nothing finalized, so the way back is open). */
const UPGRADE_TO = "4.4.0";

const PERF_RECORDS = 50_000;
const PERF_RUNS = 3;
/** Labs measured side by side for throughput, each on its own ports, up at the same time. */
const VARIANTS = {
  plaintext: { base: 30092, config: {} },
  exporter: { base: 30592, config: { monitoring: { prometheusPort: 30590 } } },
  saslSsl: { base: 31092, config: { security: { users: { admin: {} } } } },
} as const;
type Variant = keyof typeof VARIANTS;

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

/** The benchmark's topic: 3 partitions, 3 replicas. */
function createTopic(bootstrap: string, config?: string): void {
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
}

const seconds = async (work: () => Promise<unknown>) => {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
};
const rssBytes = (pids: number[]) =>
  pids.reduce((sum, pid) => sum + Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024, 0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Memory the lab's containers use, as the engine counts it (cgroup usage less page cache). */
async function containerMemory(docker: Docker, lab: string): Promise<number> {
  const containers = await docker.listContainers({ filters: { label: [`org.kraftlab.lab=${lab}`] } });
  const stats = await Promise.all(containers.map((c) => docker.getContainer(c.Id).stats({ stream: false })));
  return stats.reduce((sum, s) => sum + s.memory_stats.usage - ((s.memory_stats.stats as { cache?: number }).cache ?? 0), 0);
}

/** kraftlab's image built from nothing (base imported, Kafka layer built), then again with nothing changed. */
async function imageBuild(docker: Docker): Promise<Record<string, number>> {
  const build: ImageBuild = { kafkaHome: defaultKafkaHome(), rootfs: jreRootfs(), dockerfile: path.join(PROJECT_DIR, "setup", "docker", "Dockerfile") };
  const tags = imageTags(build);
  // Containers of earlier labs are gone (each destroy removes them): the images are free to go.
  for (const tag of [tags.image, tags.base])
    await docker
      .getImage(tag)
      .remove()
      .catch(() => undefined);
  const cold = await seconds(() => ensureImage(docker, build));
  const cached = await seconds(() => ensureImage(docker, build));
  const size = (await docker.getImage(tags.image).inspect()).Size;
  return { imageCold: cold, imageCached: cached, imageGiB: size / 2 ** 30 };
}

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-bench-"));
  const labDir = path.join(root, "lab");
  const scriptDir = path.join(root, "manual");
  const script = path.join(PROJECT_DIR, "bench", "manual-lab.sh");
  const env = { ...process.env, KAFKA_HOME: defaultKafkaHome() };
  const backend = `file://${path.join(root, "state")}`;
  const stack = await openStack({
    stackName: "bench",
    config: {
      nodes: [1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] })),
      labDir,
      certsDir: path.join(root, "certs"),
      heap: HEAP,
      ports: { external: KRAFTLAB_PORT, internal: KRAFTLAB_PORT + 1, controller: KRAFTLAB_PORT + 2, metrics: KRAFTLAB_PORT + 3 },
    },
    env: { PULUMI_BACKEND_URL: backend },
  });
  let image: Record<string, number> = {};
  const rounds: Record<string, number>[] = [];
  const throughput: Record<Variant, number[]> = { plaintext: [], exporter: [], saslSsl: [] };
  const day2: Record<string, number> = {};
  const combined = [1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] }));
  const setNodes = (nodes: unknown) => stack.setConfig("kraftlab:nodes", { value: JSON.stringify(nodes) });
  // Whatever fails, the finally below removes what the bench made: its stacks, files and engine.
  let dockerEngine: Awaited<ReturnType<typeof ensureEngine>> | undefined;
  let dockerStack: Stack | undefined;
  try {
    dockerEngine = await ensureEngine();
    const docker = engine(dockerEngine.dockerHost);
    const dockerLab = await openStack({
      stackName: "bench-docker",
      config: {
        runtime: { kind: "docker" },
        nodes: [1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] })),
        labDir: path.join(root, "docker", "lab"),
        certsDir: path.join(root, "docker", "certs"),
        heap: HEAP,
        ports: { external: DOCKER_PORT, internal: DOCKER_PORT + 1, controller: DOCKER_PORT + 2, metrics: DOCKER_PORT + 3 },
      },
      env: { PULUMI_BACKEND_URL: backend },
    });
    dockerStack = dockerLab;
    image = await imageBuild(docker);
    for (let round = 1; round <= ROUNDS; round++) {
      const r: Record<string, number> = {};
      r.dockerColdUp = await seconds(() => dockerLab.up());
      r.containerGiB = (await containerMemory(docker, "bench-docker")) / 2 ** 30;
      r.dockerDestroy = await seconds(() => dockerLab.destroy());
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
      // The physical floor: the same 3 nodes, already formatted, started in parallel until ready.
      execFileSync(script, ["format", scriptDir, String(SCRIPT_PORT), HEAP], { env, stdio: "inherit" });
      r.floorUp = await seconds(async () => execFileSync(script, ["start", scriptDir, String(SCRIPT_PORT), HEAP], { env, stdio: "inherit" }));
      execFileSync(script, ["down", scriptDir], { env, stdio: "inherit" });
      rounds.push(r);
      console.log(`round ${round}: ${JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v.toFixed(2))])))}`);
    }
    // The cost of security and of the exporter: three labs up at once (plaintext, plaintext with the
    // exporter scraped by Prometheus, SASL_SSL), the same producer run on each in turn, PERF_RUNS times.
    const variants: { name: Variant; stack: Stack; bootstrap: string; config?: string }[] = [];
    try {
      for (const [name, variant] of Object.entries(VARIANTS) as [Variant, (typeof VARIANTS)[Variant]][]) {
        const base = variant.base;
        const vstack = await openStack({
          stackName: `bench-${name}`,
          config: {
            nodes: combined,
            labDir: path.join(root, name, "lab"),
            certsDir: path.join(root, name, "certs"),
            heap: HEAP,
            ports: { external: base, internal: base + 1, controller: base + 2, metrics: base + 3 },
            ...variant.config,
          },
          env: { PULUMI_BACKEND_URL: backend },
        });
        const up = await vstack.up();
        const config = name === "saslSsl" ? (up.outputs.clientProperties.value as string) : undefined;
        variants.push({ name, stack: vstack, bootstrap: up.outputs.bootstrapServers.value as string, config });
        createTopic(up.outputs.bootstrapServers.value as string, config);
      }
      for (const v of variants) producerRun(v.bootstrap, v.config); // warms each lab's JIT
      for (let run = 0; run < PERF_RUNS; run++) for (const v of variants) throughput[v.name].push(producerRun(v.bootstrap, v.config));
    } finally {
      for (const v of variants) {
        await v.stack.destroy().catch(() => undefined);
        await v.stack.workspace.removeStack(v.stack.name).catch(() => undefined);
        fs.rmSync(path.join(PROJECT_DIR, `Pulumi.${v.stack.name}.yaml`), { force: true });
      }
    }
    const plain = await stack.up();
    const bootstrap = plain.outputs.bootstrapServers.value as string;
    createTopic(bootstrap);

    // What a user runs, each in a fresh process as typed: a no-op `npm run up`, and `npm run status`.
    const npm = (script: string) => () =>
      execFileSync("npm", ["run", "-s", script], {
        cwd: PROJECT_DIR,
        env: { ...process.env, KRAFTLAB_STACK: "bench", PULUMI_BACKEND_URL: backend },
        stdio: "ignore",
      });
    const npmNoop: number[] = [];
    const npmStatus: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      npmNoop.push(await seconds(async () => npm("up")()));
      npmStatus.push(await seconds(async () => npm("status")()));
    }
    day2.npmNoopUp = median(npmNoop);
    day2.npmStatus = median(npmStatus);
    // One gate: what a roll asks before each node (partitions with their min ISR, and the quorum), warm.
    const client = clientFor({ runtime: { kind: "process", kafkaHome: defaultKafkaHome() }, bootstrapServers: `127.0.0.1:${KRAFTLAB_PORT + 1}` });
    await Promise.all([client.partitions(), client.quorum()]);
    const gates: number[] = [];
    for (let i = 0; i < 20; i++) gates.push(await seconds(() => Promise.all([client.partitions(), client.quorum()])));
    day2.gateMs = median(gates) * 1000;
    await closeClients();

    // Day 2, plaintext: 3 single-node changes, one change that rolls all 3, a 4th broker; then the script's.
    day2.singleRestarts = 0;
    for (const id of [1, 2, 3]) {
      await setNodes(combined.map((n) => (n.id <= id ? { ...n, properties: { "queued.max.requests": 600 } } : n)));
      day2.singleRestarts += await seconds(() => stack.up());
    }
    await setNodes(combined);
    day2.rollingRestart = await seconds(() => stack.up());
    await setNodes([...combined, { id: 4, roles: ["broker"] }]);
    day2.addBroker = await seconds(() => stack.up());
    await setNodes(combined);
    await stack.up(); // node 4 holds no replica: it leaves without a drain
    // The dynamic quorum: a controller-only node joins (started as an observer, caught up, add-controller), then leaves.
    await setNodes([...combined, { id: 4, roles: ["controller"] }]);
    day2.addController = await seconds(() => stack.up());
    await setNodes(combined);
    day2.removeController = await seconds(() => stack.up());
    // A rolling upgrade onto another release (laid out beforehand: the layout is not the roll), and back.
    execFileSync("bash", [path.join(PROJECT_DIR, "setup", "kafka", "layout.sh"), UPGRADE_TO], { stdio: ["ignore", "ignore", "inherit"] });
    await stack.setConfig("kraftlab:kafkaVersion", { value: UPGRADE_TO });
    day2.rollingUpgrade = await seconds(() => stack.up());
    await stack.removeConfig("kraftlab:kafkaVersion");
    await stack.up();
    execFileSync(script, ["up", scriptDir, String(SCRIPT_PORT), HEAP], { env, stdio: "inherit" });
    day2.scriptRestarts = 0;
    for (const id of [1, 2, 3]) day2.scriptRestarts += await seconds(async () => execFileSync(script, ["restart", scriptDir, String(id), HEAP], { env }));
    day2.scriptAddBroker = await seconds(async () => execFileSync(script, ["add-broker", scriptDir, String(SCRIPT_PORT), HEAP], { env }));
    execFileSync(script, ["down", scriptDir], { env });
    await stack.setConfig("kraftlab:security", { value: JSON.stringify({ users: { admin: {} } }) });
    const secure = await stack.up();
    const admin = secure.outputs.clientProperties.value as string;
    createTopic(bootstrap, admin);

    // Leaf rotation under a continuous SASL_SSL producer: the 3 combined nodes roll.
    await stack.setConfig("kraftlab:security", { value: JSON.stringify({ users: { admin: {} }, certificateRotation: 1 }) });
    const load = await LoadRun.start({ bootstrap, topic: "bench", clientConfig: admin });
    day2.leafRotation = await seconds(() => stack.up());
    const report = await load.stop();
    day2.leafRotationAcked = report.acked;
    day2.leafRotationClientErrors = report.produceErrors.length + report.lost.length + report.duplicated.length;
  } finally {
    await dockerStack?.destroy().catch(() => undefined);
    await dockerStack?.workspace.removeStack("bench-docker").catch(() => undefined);
    fs.rmSync(path.join(PROJECT_DIR, "Pulumi.bench-docker.yaml"), { force: true });
    if (dockerEngine?.started) stopPrivateEngine();
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
      "cold up to ready: kraftlab / physical floor (3 formatted nodes started in parallel)",
      `${m("kraftlabColdUp").toFixed(1)} s / ${m("floorUp").toFixed(1)} s = ${(m("kraftlabColdUp") / m("floorUp")).toFixed(2)}x (script: ${(m("scriptUp") / m("floorUp")).toFixed(2)}x)`,
      "(measured)",
      true,
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
    [
      "cold up on Docker / as processes / bare script (3 nodes, plaintext)",
      `${m("dockerColdUp").toFixed(1)} s / ${m("kraftlabColdUp").toFixed(1)} s / ${m("scriptUp").toFixed(1)} s = ${(m("dockerColdUp") / m("kraftlabColdUp")).toFixed(2)}x processes`,
      `<= ${TARGETS.dockerOverProcessRatio}x processes`,
      m("dockerColdUp") / m("kraftlabColdUp") <= TARGETS.dockerOverProcessRatio,
    ],
    [
      "Docker: memory of the 3 containers (heap 512m) / RSS of the 3 processes; destroy",
      `${m("containerGiB").toFixed(2)} GiB / ${m("rssGiB").toFixed(2)} GiB; ${m("dockerDestroy").toFixed(1)} s`,
      "(measured)",
      true,
    ],
    [
      "Docker image: built from nothing / unchanged; its size",
      `${image.imageCold.toFixed(1)} s / ${image.imageCached.toFixed(2)} s; ${image.imageGiB.toFixed(2)} GiB`,
      "unchanged <= 5 s",
      image.imageCached <= 5,
    ],
  ];
  const met = (ok: boolean) => (ok ? "yes" : "NO");
  const addRatio = day2.addBroker / day2.scriptAddBroker;
  const rollRatio = day2.rollingRestart / day2.scriptRestarts;
  const upgradeRatio = day2.rollingUpgrade / day2.scriptRestarts;
  const rotationOk = day2.leafRotationClientErrors === 0 && day2.leafRotation <= day2.rollingRestart + TARGETS.rotationOverRollingSeconds;
  const day2Rows = [
    `| no-op \`npm run up\`, the whole command in a fresh process (setup check, program, status table) | ${day2.npmNoopUp?.toFixed(1)} s | <= ${TARGETS.npmNoopUpSeconds} s | ${met(day2.npmNoopUp <= TARGETS.npmNoopUpSeconds)} |`,
    `| \`npm run status\`, the whole command in a fresh process | ${day2.npmStatus?.toFixed(1)} s | <= ${TARGETS.npmStatusSeconds} s | ${met(day2.npmStatus <= TARGETS.npmStatusSeconds)} |`,
    `| one gate of a roll (partitions with min ISR, and the quorum, through the cluster client), warm, median of 20 | ${day2.gateMs?.toFixed(0)} ms | <= ${TARGETS.gateMs} ms | ${met(day2.gateMs <= TARGETS.gateMs)} |`,
    `| add a 4th broker: kraftlab up / script (format + start + wait) | ${day2.addBroker?.toFixed(1)} s / ${day2.scriptAddBroker?.toFixed(1)} s = ${addRatio.toFixed(2)}x | <= ${TARGETS.addBrokerRatio}x | ${met(addRatio <= TARGETS.addBrokerRatio)} |`,
    `| rolling restart of 3 nodes (gated) / script's 3 bare restarts (3 single-node ups: ${day2.singleRestarts?.toFixed(1)} s) | ${day2.rollingRestart?.toFixed(1)} s / ${day2.scriptRestarts?.toFixed(1)} s = ${rollRatio.toFixed(2)}x | <= ${TARGETS.rollingRestartRatio}x | ${met(rollRatio <= TARGETS.rollingRestartRatio)} |`,
    `| add a controller-only node to the dynamic quorum (format, observer, caught up, add-controller) / remove it: kraftlab up | ${day2.addController?.toFixed(1)} s / ${day2.removeController?.toFixed(1)} s (script's add-broker: ${day2.scriptAddBroker?.toFixed(1)} s) | <= ${TARGETS.controllerSeconds} s each | ${met(day2.addController <= TARGETS.controllerSeconds && day2.removeController <= TARGETS.controllerSeconds)} |`,
    `| rolling upgrade of 3 nodes ${kafkaVersion()} -> ${UPGRADE_TO} (gated) / script's 3 bare restarts | ${day2.rollingUpgrade?.toFixed(1)} s / ${day2.scriptRestarts?.toFixed(1)} s = ${upgradeRatio.toFixed(2)}x | <= ${TARGETS.rollingUpgradeRatio}x | ${met(upgradeRatio <= TARGETS.rollingUpgradeRatio)} |`,
    `| leaf certificate rotation under load (3 nodes roll): time, records acked, client errors (lost + duplicated + failed) | ${day2.leafRotation?.toFixed(1)} s, ${day2.leafRotationAcked}, ${day2.leafRotationClientErrors} | 0 client errors, <= rolling restart + ${TARGETS.rotationOverRollingSeconds} s | ${met(rotationOk)} |`,
  ];
  const tp = (name: Variant) => `${median(throughput[name]).toFixed(0)} (${throughput[name].map((x) => x.toFixed(0)).join(", ")})`;
  const share = (name: Variant) => `${((median(throughput[name]) / median(throughput.plaintext)) * 100).toFixed(0)}%`;
  const securityRow = `| produce, ${PERF_RECORDS} x 1 KiB, acks=all, ${PERF_RUNS} interleaved runs each, median (runs): PLAINTEXT / SASL_SSL | ${tp("plaintext")} / ${tp("saslSsl")} records/s (SASL_SSL at ${share("saslSsl")}) | (measured, no target) | - |`;
  const exporterRow = `| the same, PLAINTEXT: without / with the JMX exporter (scraped every 5 s) | ${tp("plaintext")} / ${tp("exporter")} records/s (${share("exporter")}) | (measured, no target) | - |`;
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
  fs.writeFileSync(path.join(dir, `${stamp}.json`), `${JSON.stringify({ rounds, image, throughput, day2, targets: TARGETS }, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, `${stamp}.md`), table);
  console.log(`\n${table}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
