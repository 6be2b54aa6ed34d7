// End-to-end harness: a real stack through the Automation API and the real CLI, in its own state
// backend, lab directory and ports, with real Kafka tools; cleanup leaves nothing even on failure.
import { execFile, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import pWaitFor from "p-wait-for";
import { PROJECT_DIR } from "../components/host/projectDir";
import { defaultKafkaHome } from "../components/host/tools";
import type { NodeInfo, QuorumInfo } from "../components/kafkaCluster/kafkaCluster";
import { openStack, outputValues } from "../lab/stack";
import { pulumiEnv, pulumiRoot } from "../lab/toolchain";

/** The stack outputs of index.ts, resolved. */
export interface LabOutputs {
  bootstrapServers: string;
  clusterId: string;
  kafkaHome: string;
  clientProperties: string;
  nodes: NodeInfo[];
  /** The controller quorum (mode, voters, observers) and the finalized feature levels. */
  quorum?: QuorumInfo;
  features?: Record<string, string>;
  /** With rebalance on: what the last rebalance moved. */
  rebalanced?: { topic: string; partition: number; from: number[]; to: number[] }[];
  /** With security only. */
  caCertificate?: string;
  clientFiles?: Record<string, string>;
  userPasswords?: Record<string, string>;
  /** With monitoring only. */
  prometheusUrl?: string;
  prometheusConsoles?: string;
  grafanaProvisioning?: string;
  /** Where Grafana serves when the stack runs one, else `grafana` says how to run one. */
  grafanaUrl?: string;
  grafana?: string;
}

export class TestLab {
  private constructor(
    readonly stack: Stack,
    readonly root: string,
    readonly labDir: string,
    readonly certsDir: string,
  ) {}

  /** A stack `e2e-<name>` with `config` (kraftlab: keys) plus its own labDir, certsDir and state backend. */
  static async create(name: string, config: Record<string, unknown>): Promise<TestLab> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `kraftlab-e2e-${name}-`));
    const labDir = path.join(root, "lab");
    const certsDir = path.join(root, "certs");
    const stack = await openStack({
      stackName: `e2e-${name}`,
      config: { labDir, certsDir, ...config },
      env: { PULUMI_BACKEND_URL: `file://${path.join(root, "state")}` },
    });
    return new TestLab(stack, root, labDir, certsDir);
  }

  /** Sets `kraftlab:` keys of the stack's config (values JSON-encoded), as `pulumi config set --path` would. */
  async configure(config: Record<string, unknown>): Promise<void> {
    for (const [key, value] of Object.entries(config)) await this.stack.setConfig(`kraftlab:${key}`, { value: JSON.stringify(value) });
  }

  async up(): Promise<{ outputs: LabOutputs; changes: Record<string, number> }> {
    const result = await this.stack.up({ color: "never" });
    const outputs = outputValues<LabOutputs>(result.outputs);
    return { outputs, changes: result.summary.resourceChanges ?? {} };
  }

  /**
   * `npm run up` on this stack SIGKILLed with its Pulumi CLI (its process group) once what it printed
   * matches `at`, then the next `npm run up`, which must clear what the first left and converge: what
   * the second printed, and the stack's outputs after it.
   */
  async upInterruptedAt(at: RegExp): Promise<{ resumed: Ran; outputs: LabOutputs }> {
    const args = ["lab/entry.js", "scripts/lab", "up"];
    const child = spawn(process.execPath, args, { cwd: PROJECT_DIR, env: { ...process.env, ...this.scriptEnv() }, detached: true });
    let seen = "";
    await new Promise<void>((resolve, reject) => {
      const look = (chunk: Buffer) => {
        seen += chunk;
        if (at.test(seen)) resolve();
      };
      child.stdout.on("data", look);
      child.stderr.on("data", look);
      child.on("exit", () => reject(new Error(`npm run up ended before it printed ${at}:\n${seen}`)));
    });
    process.kill(-(child.pid as number), "SIGKILL");
    // The provider host (the CLI starts it in a process group of its own) and its cluster client go with it.
    await pWaitFor(() => orphans().length === 0, { interval: 250, timeout: 15_000 });
    const resumed = await run(process.execPath, args, { env: this.scriptEnv(), timeout: 1_200_000 });
    if (resumed.code !== 0) throw new Error(`the npm run up after the killed one failed:\n${resumed.stdout}\n${resumed.stderr}`);
    return { resumed, outputs: await this.outputs() };
  }

  /** The stack's outputs now. */
  async outputs(): Promise<LabOutputs> {
    return outputValues<LabOutputs>(await this.stack.outputs());
  }

  /** `pulumi stack export` as a user runs it (the Automation API's exportStack adds --show-secrets). */
  exportState(): string {
    const { status, stdout, stderr } = this.cli(["stack", "export"]);
    if (status !== 0) throw new Error(`pulumi stack export failed: ${stderr}`);
    return stdout;
  }

  /** `npm run up` on this stack, as a user runs it: its exit code and what it printed. */
  npmUp(): Promise<Ran> {
    return run(process.execPath, ["lab/entry.js", "scripts/lab", "up"], { env: this.scriptEnv(), timeout: 600_000 });
  }

  /** `npm run status` on this stack: its exit code and what it printed. */
  status(): Promise<Ran> {
    return run(process.execPath, ["lab/entry.js", "scripts/lab", "status"], { env: this.scriptEnv(), timeout: 180_000 });
  }

  /** `npm run drill -- <args>` on this stack, its report under the lab's own directory: its exit code and what it printed. */
  drill(args: string[]): Promise<Ran> {
    return run(process.execPath, this.drillArgs(args), { env: this.scriptEnv(), timeout: 300_000 });
  }

  /** The arguments and environment of `npm run drill` on this stack, for a test that starts it itself. */
  drillArgs(args: string[]): string[] {
    return ["lab/entry.js", "scripts/drill", ...args, "--out", path.join(this.root, "drills")];
  }

  scriptEnv(): Record<string, string> {
    return { KRAFTLAB_STACK: this.stack.name, PULUMI_BACKEND_URL: `file://${path.join(this.root, "state")}` };
  }

  /** The plain CLI on this stack (`env` on top of kraftlab's, e.g. another passphrase); never throws. */
  cli(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
    return spawnSync(path.join(pulumiRoot(), "bin", "pulumi"), [...args, "--stack", this.stack.name], {
      cwd: this.stack.workspace.workDir,
      env: { ...process.env, ...pulumiEnv({ PULUMI_BACKEND_URL: `file://${path.join(this.root, "state")}`, ...env }) },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
  }

  /** Destroys the stack, removes it and its config file, and kills anything of the lab left running. */
  async cleanup(): Promise<void> {
    try {
      await this.stack.destroy({ color: "never" });
      await this.stack.workspace.removeStack(this.stack.name);
    } finally {
      for (const pid of labProcesses(this.labDir)) process.kill(pid, "SIGKILL");
      fs.rmSync(this.root, { recursive: true, force: true });
      fs.rmSync(path.join(this.stack.workspace.workDir, `Pulumi.${this.stack.name}.yaml`), { force: true });
    }
  }
}

/** The pids of this machine's processes, lowest first, whose command line (its arguments) and parent pid pass `test`. */
function processesWhere(test: (args: string[], ppid: string) => boolean): number[] {
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const ppid = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[1];
        return test(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0"), ppid);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number)
    .sort((a, b) => a - b);
}

/** kraftlab's provider hosts and cluster clients of one command whose parent is gone (not the lab agents, which outlive commands). */
export const orphans = (): number[] => processesWhere((args, ppid) => ppid === "1" && /lab\/providerHost|KraftlabAdmin/.test(args.join(" ")));

/** The lab agents (client/agent.ts) asking through `port`. */
export const agentsServing = (port: number): number[] =>
  processesWhere((args) => {
    const at = args.findIndex((a) => a === "--bootstrap-server" || a === "--bootstrap-controller");
    return args.includes("KraftlabAgent") && at >= 0 && args[at + 1].split(",").some((hostPort) => hostPort.endsWith(`:${port}`));
  });

/** Pids of processes whose command line mentions `dir`. */
export const labProcesses = (dir: string): number[] => processesWhere((args) => args.join("\0").includes(dir));

/** The main class of a Kafka tool JVM (kafka-topics, kafka-configs, …): not a node (kafka.Kafka), not the cluster client. */
function toolMainClass(pid: string): string | undefined {
  try {
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    if (!/(^|\/)java$/.test(args[0])) return undefined;
    return args.find((a) => /^(org\.apache\.kafka\.|kafka\.)[\w.$]+$/.test(a) && a !== "kafka.Kafka");
  } catch {
    return undefined;
  }
}

/**
 * Runs `action` while watching every process of this machine (50 ms apart): the Kafka tool JVMs that
 * ran meanwhile, by main class, but those `ignore` matches (the test's own clients).
 */
export async function toolJvmsDuring<T>(action: () => Promise<T>, ignore?: RegExp): Promise<{ result: T; tools: string[] }> {
  const seen = new Map<string, string>();
  const scan = () => {
    for (const pid of fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
      const main = seen.has(pid) ? undefined : toolMainClass(pid);
      if (main && !ignore?.test(main)) seen.set(pid, main);
    }
  };
  const timer = setInterval(scan, 50);
  try {
    const result = await action();
    scan();
    return { result, tools: [...seen.values()] };
  } finally {
    clearInterval(timer);
  }
}

/** What a command exited with and printed. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `file` in the project directory (`env` on top of ours, `input` on its stdin); never rejects. */
function run(file: string, args: string[], opts: { env?: Record<string, string>; timeout: number; input?: string }): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { cwd: PROJECT_DIR, timeout: opts.timeout, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...opts.env } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(opts.input ?? "");
  });
}

/** Runs `bin/<tool>.sh` of the distribution kraftlab installed (`env` on top of ours); never rejects. */
export function runKafkaTool(tool: string, args: string[], input?: string, env: Record<string, string> = {}): Promise<Ran> {
  return run(path.join(defaultKafkaHome(), "bin", `${tool}.sh`), args, { env, timeout: 120_000, input });
}

/** Runs a Kafka tool; resolves with its stdout, rejects with its stderr when it fails. */
export async function kafkaTool(tool: string, args: string[], input?: string, env?: Record<string, string>): Promise<string> {
  const { code, stdout, stderr } = await runKafkaTool(tool, args, input, env);
  if (code !== 0) throw new Error(`${tool} ${args.join(" ")} failed (${code}):\n${stderr}`);
  return stdout;
}

/** Creates `topic` through the lab's client config, RF 3 unless said otherwise; `configs` as `--config k=v`. */
export async function createTopic(
  outputs: Pick<LabOutputs, "bootstrapServers" | "clientProperties">,
  topic: string,
  partitions: number,
  configs: string[] = [],
): Promise<void> {
  const args = ["--bootstrap-server", outputs.bootstrapServers, "--command-config", outputs.clientProperties, "--create", "--topic", topic];
  await kafkaTool("kafka-topics", [...args, "--partitions", String(partitions), "--replication-factor", "3", ...configs.flatMap((c) => ["--config", c])]);
}

/** `--command-config FILE` when a client config is given. */
const withConfig = (config?: string) => (config ? ["--command-config", config] : []);

/** Produces `count` keyless messages `<prefix>-<i>` with acks=all; returns them. */
export async function produce(bootstrap: string, topic: string, count: number, prefix = "msg", config?: string): Promise<string[]> {
  const sent = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  const args = ["--bootstrap-server", bootstrap, "--topic", topic, "--producer-property", "acks=all", ...withConfig(config)];
  await kafkaTool("kafka-console-producer", args, `${sent.join("\n")}\n`);
  return sent;
}

/** Reads `count` messages of `topic` from the beginning. */
export async function consume(bootstrap: string, topic: string, count: number, config?: string): Promise<string[]> {
  const out = await kafkaTool("kafka-console-consumer", [
    "--bootstrap-server",
    bootstrap,
    "--topic",
    topic,
    "--from-beginning",
    "--max-messages",
    String(count),
    "--timeout-ms",
    "60000",
    ...withConfig(config),
  ]);
  return out.split("\n").filter(Boolean);
}

export async function produceAndConsume(bootstrap: string, topic: string, count: number, prefix = "msg"): Promise<{ sent: string[]; received: string[] }> {
  const sent = await produce(bootstrap, topic, count, prefix);
  return { sent, received: await consume(bootstrap, topic, count) };
}

/** LeaderId and the voter ids from `kafka-metadata-quorum describe --status`. */
export async function quorumStatus(controller: string): Promise<{ leaderId: number; voters: number[] }> {
  const out = await kafkaTool("kafka-metadata-quorum", ["--bootstrap-controller", controller, "describe", "--status"]);
  const leaderId = Number(/LeaderId:\s+(-?\d+)/.exec(out)?.[1]);
  const voters = JSON.parse(/CurrentVoters:\s+(\[.*\])/.exec(out)?.[1] ?? "[]").map((v: { id: number }) => v.id);
  return { leaderId, voters };
}
