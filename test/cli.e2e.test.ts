// Plain `pulumi` in the project directory, as a user types it: config, up, stack output, destroy.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../components/host/projectDir";
import { pulumiEnv, pulumiRoot } from "../lab/toolchain";
import { labProcesses, produceAndConsume } from "./lab";

const run = promisify(execFile);
const STACK = "e2e-cli";

describe("the plain Pulumi CLI", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-e2e-cli-"));
  const labDir = path.join(root, "lab");
  const env = { ...process.env, ...pulumiEnv({ PULUMI_BACKEND_URL: `file://${path.join(root, "state")}` }) };
  const pulumi = (...args: string[]) =>
    run(path.join(pulumiRoot(), "bin", "pulumi"), [...args, "--stack", STACK], { cwd: PROJECT_DIR, env, maxBuffer: 64 * 1024 * 1024 });

  beforeAll(async () => {
    await run(path.join(pulumiRoot(), "bin", "pulumi"), ["stack", "init", STACK], { cwd: PROJECT_DIR, env });
  });
  afterAll(async () => {
    await pulumi("destroy", "--yes").catch(() => undefined);
    await pulumi("stack", "rm", "--yes").catch(() => undefined);
    for (const pid of labProcesses(labDir)) process.kill(pid, "SIGKILL");
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(path.join(PROJECT_DIR, `Pulumi.${STACK}.yaml`), { force: true });
  });

  const refusedUp = () =>
    pulumi("up", "--yes", "--color", "never").then(
      () => expect.unreachable("up should fail"),
      (err: { stdout: string; stderr: string }) => err.stdout + err.stderr,
    );
  /** One error diagnostic, matching `problem`, and no JavaScript stack anywhere. */
  const expectOneCleanError = (output: string, problem: RegExp) => {
    const diagnostics = output.slice(output.lastIndexOf("Diagnostics:"));
    // Besides the resource's error, Pulumi's own "update failed" under the stack.
    const errors = diagnostics.split("\n").filter((line) => line.includes("error:") && !line.includes("error: update failed"));
    expect(errors, output).toHaveLength(1);
    expect(errors[0]).toMatch(problem);
    expect(output).not.toMatch(/^\s+at |Error: .*: Error:|\(kraftlab: stack omitted/m);
  };

  it("refuses bad input with one error naming the key, no stack trace, through plain pulumi and npm run up", async () => {
    await pulumi("config", "set", "--path", "kraftlab:nodes[0].id", "1");
    await pulumi("config", "set", "--path", "kraftlab:nodes[0].roles[0]", "broker");
    await pulumi("config", "set", "--path", "kraftlab:nodes[0].roles[1]", "controller");
    await pulumi("config", "set", "kraftlab:labDir", labDir);
    await pulumi("config", "set", "kraftlab:heap", "5");
    const problem = "kraftlab:heap: 5 is a whole number, but it must be a string; e.g. 512m";
    const expectOneError = (output: string) => {
      const diagnostics = output.slice(output.indexOf("Diagnostics:"));
      expect(diagnostics.split("\n").filter((line) => line.includes("error:"))).toEqual([`    error: ${problem}`]);
      expect(output).not.toMatch(/Unhandled exception|ConfigError|^\s+at |\[runtime\]|err\?:/m);
    };

    const refused = await pulumi("up", "--yes", "--color", "never").then(
      () => expect.unreachable("up should fail"),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(refused.code).not.toBe(0);
    expectOneError(refused.stdout + refused.stderr);

    const wrapped = await run(process.execPath, ["lab/entry.js", "scripts/lab", "up"], { cwd: PROJECT_DIR, env: { ...env, KRAFTLAB_STACK: STACK } }).then(
      () => expect.unreachable("npm run up should fail"),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(wrapped.code).toBe(1);
    expectOneError(wrapped.stdout + wrapped.stderr);
    expect(fs.existsSync(labDir)).toBe(false);
    await pulumi("config", "rm", "kraftlab:heap");
  });

  it("configures with --path, brings the lab up, and tears it down", async () => {
    await pulumi("config", "set", "--path", "kraftlab:nodes[0].id", "1");
    await pulumi("config", "set", "--path", "kraftlab:nodes[0].roles[0]", "broker");
    await pulumi("config", "set", "--path", "kraftlab:nodes[0].roles[1]", "controller");
    await pulumi("config", "set", "--path", "kraftlab:ports.external", "25092");
    await pulumi("config", "set", "--path", "kraftlab:ports.internal", "25093");
    await pulumi("config", "set", "--path", "kraftlab:ports.controller", "25094");
    await pulumi("config", "set", "kraftlab:labDir", labDir);

    const up = await pulumi("up", "--yes", "--color", "never");
    expect(up.stdout).toMatch(/\+ 10 created\n\s+1 unchanged/); // the stack resource came with the refused up
    const outputs = JSON.parse((await pulumi("stack", "output", "--json")).stdout);
    expect(outputs.bootstrapServers).toBe("127.0.0.1:25092");
    expect(outputs.nodes).toHaveLength(1);

    const { sent, received } = await produceAndConsume(outputs.bootstrapServers, "cli", 100);
    expect(received.sort()).toEqual(sent.sort());

    const noop = await pulumi("up", "--yes", "--color", "never");
    expect(noop.stdout).toMatch(/11 unchanged/);
    expect(noop.stdout + noop.stderr).not.toContain("kraftlab:"); // nothing to do, nothing said

    // A refusal inside a resource, and a node that fails to start: each one error, no stack.
    await pulumi("config", "set", "--path", "kraftlab:topics.orders.partitions", "3");
    await pulumi("up", "--yes", "--color", "never");
    await pulumi("config", "set", "--path", "kraftlab:topics.orders.partitions", "2");
    expectOneCleanError(await refusedUp(), /kraftlab:topics\.orders\.partitions: 3 → 2 would drop data; Kafka cannot remove partitions/);
    await pulumi("config", "set", "--path", "kraftlab:topics.orders.partitions", "3");
    await pulumi("config", "set", "--path", 'kraftlab:properties["kafka.metrics.reporters"]', "com.example.MissingReporter");
    // The preview names the key, its value, and what happens to the node.
    const diff = await pulumi("preview", "--diff", "--color", "never");
    expect(diff.stdout).toMatch(/~ properties\s*: \{[^}]*\+ kafka\.metrics\.reporters\s*: "com\.example\.MissingReporter"/);
    expect(diff.stdout + diff.stderr).toContain("kraftlab: node 1: restarts in the roll: kafka.metrics.reporters read-only in Kafka");
    const failed = await refusedUp();
    expectOneCleanError(failed, /node 1 exited while starting: .*ClassNotFoundException: com\.example\.MissingReporter; its log: /);
    // Progress under the resource, each line with its elapsed time.
    expect(failed).toMatch(/kraftlab:NodeProcesses \(kafka-nodes\):\n(.*\n)*\s+kraftlab: restarting node 1 \(1 of 1\) \(\d+ s\)\n/);
    await pulumi("config", "rm", "--path", "kraftlab:properties");
    await pulumi("up", "--yes", "--color", "never");

    await pulumi("destroy", "--yes");
    expect(labProcesses(labDir)).toEqual([]);
    expect(fs.existsSync(labDir)).toBe(false);
  });

  it("npm run up and down leave a committed stack file byte for byte: the salt Pulumi would add stays in the state", async () => {
    const file = path.join(PROJECT_DIR, `Pulumi.${STACK}.yaml`);
    // As a checkout holds it: the config only, no encryptionsalt line.
    const committed = fs
      .readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => !line.startsWith("encryptionsalt:"))
      .join("\n");
    fs.writeFileSync(file, committed);
    const npmRun = (command: string) =>
      run(process.execPath, ["lab/entry.js", "scripts/lab", command], { cwd: PROJECT_DIR, env: { ...env, KRAFTLAB_STACK: STACK } });
    await npmRun("up");
    expect(fs.readFileSync(file, "utf8")).toBe(committed);
    await npmRun("down");
    expect(fs.readFileSync(file, "utf8")).toBe(committed);
    expect(fs.existsSync(labDir)).toBe(false);
  });
});
