// npm run bench: kraftlab against the lab's manual procedure (bench/manual-lab.sh), alternating in
// one run, on the same ports and heap. Writes bench/results/<time>.{json,md} and prints the table.
import { execFile, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { Stack } from "@pulumi/pulumi/automation";
import type Docker from "dockerode";
import { clientFor, closeClients } from "../components/client/connect";
import { PROJECT_DIR } from "../components/host/projectDir";
import { defaultKafkaHome, jreRootfs } from "../components/host/tools";
import { engine } from "../components/runtime/docker/engine";
import { ensureImage, imageTags } from "../components/runtime/docker/image";
import type { ImageBuild } from "../components/runtime/spec";
import { ensureEngine, stopPrivateEngine } from "../lab/engine";
import { openStack } from "../lab/stack";
import { LoadRun } from "../test/load";
import { pulumiFloor } from "./floor";
import { counting } from "./processes";
import { benchTable, median, PERF_RECORDS, PERF_RUNS, TARGETS, UPGRADE_TO, type UserCommands, type Variant } from "./report";

const execFileAsync = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const HEAP = "512m";
const KRAFTLAB_PORT = 28092;
const SCRIPT_PORT = 29092;
const DOCKER_PORT = 28592;
/** Labs measured side by side for throughput, each on its own ports, up at the same time. */
const VARIANTS = {
  plaintext: { base: 30092, config: {} },
  exporter: { base: 30592, config: { monitoring: { prometheusPort: 30590 } } },
  saslSsl: { base: 31092, config: { security: { users: { admin: {} } } } },
} as const;

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

/** The user's commands on the bench's lab (stack `bench`, up), each the whole command in a fresh process. */
async function userCommands(stack: Stack, backend: string): Promise<UserCommands> {
  const npm = (script: string) => () =>
    execFileAsync("npm", ["run", "-s", script], { cwd: PROJECT_DIR, env: { ...process.env, KRAFTLAB_STACK: "bench", PULUMI_BACKEND_URL: backend } });
  const runs = { noopUp: [] as number[], status: [] as number[], noopUpJvms: [] as number[], statusJvms: [] as number[], tool: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    const up = await counting("java", npm("up"));
    const status = await counting("java", npm("status"));
    runs.noopUp.push(up.seconds);
    runs.noopUpJvms.push(up.started);
    runs.status.push(status.seconds);
    runs.statusJvms.push(status.started);
    runs.tool.push(await seconds(() => execFileAsync(path.join(defaultKafkaHome(), "bin", "kafka-storage.sh"), ["random-uuid"])));
  }
  // The lab's own resources: not the stack itself, nor the providers (the floor's program has them too).
  const deployed: { type: string }[] = (await stack.exportStack()).deployment.resources ?? [];
  const resources = deployed.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:")).length;
  const floor = median(await pulumiFloor(resources, backend, ROUNDS));
  // One core kept busy, as by a user's other work.
  const busy = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
  const busyRuns = { noopUp: [] as number[], status: [] as number[] };
  try {
    for (let i = 0; i < ROUNDS; i++) {
      busyRuns.noopUp.push(await seconds(npm("up")));
      busyRuns.status.push(await seconds(npm("status")));
    }
  } finally {
    busy.kill("SIGKILL");
  }
  return {
    resources,
    floor,
    toolJvm: median(runs.tool),
    npmNoopUp: median(runs.noopUp),
    npmStatus: median(runs.status),
    noopUpJvms: median(runs.noopUpJvms),
    statusJvms: median(runs.statusJvms),
    busyNoopUp: median(busyRuns.noopUp),
    busyStatus: median(busyRuns.status),
  };
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
  let user: UserCommands | undefined;
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

    // What a user runs, each in a fresh process as typed: a no-op `npm run up`, and `npm run status`; beside
    // Pulumi's floor for as many resources, one Kafka tool JVM, and again under one busy core.
    user = await userCommands(stack, backend);
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

  if (!user) throw new Error("the bench ended before it measured the user's commands");
  const table = benchTable({ rounds, image, throughput, day2, user });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const dir = path.join(PROJECT_DIR, "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${stamp}.json`), `${JSON.stringify({ rounds, image, throughput, day2, user, targets: TARGETS }, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, `${stamp}.md`), table);
  console.log(`\n${table}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
