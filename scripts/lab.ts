// npm run up | down | status | pulumi -- <args>: the lab's commands, on the stack named by KRAFTLAB_STACK
// (default dev), with the project's own Pulumi CLI in an offline-safe environment. Each command loads
// only what it uses: `status` reads the outputs from the state itself and never loads the Automation API.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_DIR } from "../components/host/projectDir";
import type { StatusOutputs } from "../components/status/gather";
import { stateOutputs } from "../lab/checkpoint";
import { keepingStackSettings, settingsOf } from "../lab/stackFile";
import { backendDirOf, backendUrl, pulumiEnv, pulumiRoot } from "../lab/toolchain";

const stackName = process.env.KRAFTLAB_STACK ?? "dev";

const print = (text: string) => process.stdout.write(text);
const printError = (text: string) => process.stderr.write(text);
/** The CLI's output, both streams, as it runs: a failure is then already on screen. */
const streams = { onOutput: print, onError: printError, color: "never" as const };

/** What `status` judges certificates by: kraftlab:security.renewBeforeDays as the stack's file says, else its default. */
async function renewBeforeDays(): Promise<number> {
  const { labConfigSchema } = require("../components/model/config") as typeof import("../components/model/config");
  const security = labConfigSchema.shape.security.safeParse(settingsOf(stackName).security);
  // A config edited since the last `up` may not parse: then no certificate is judged near expiry.
  return security.success ? (security.data?.renewBeforeDays ?? 0) : 0;
}

/** The status table of the lab (see components/status/gather.ts), asked of the running cluster. */
async function status(outputs: StatusOutputs): Promise<string> {
  const { gatherStatus, statusText } = require("../components/status/gather") as typeof import("../components/status/gather");
  return statusText(stackName, outputs, await gatherStatus(outputs, await renewBeforeDays()));
}

/** The stack's outputs: from its state where a local file backend holds it unlocked, else as the CLI reads them. */
async function outputsOfStack(): Promise<StatusOutputs> {
  const backendDir = backendDirOf(backendUrl());
  const read = backendDir ? stateOutputs(backendDir, stackName) : undefined;
  if (read && "outputs" in read) return read.outputs as unknown as StatusOutputs;
  const { openStack, outputValues } = require("../lab/stack") as typeof import("../lab/stack");
  return outputValues<StatusOutputs>(await (await openStack({ stackName })).outputs());
}

async function main(command: string | undefined, args: string[]): Promise<number> {
  switch (command) {
    case "up": {
      const { openStack, outputValues } = require("../lab/stack") as typeof import("../lab/stack");
      const { settleInterruptedRun } = require("../lab/interrupted") as typeof import("../lab/interrupted");
      const stack = await openStack({ stackName });
      await settleInterruptedRun(stackName, (line) => console.error(line));
      if ((settingsOf(stackName).runtime as { kind?: string } | undefined)?.kind === "docker") {
        // The first Docker lab of the machine installs the engine and builds the image's root filesystem.
        spawnSync("bash", [path.join(PROJECT_DIR, "setup", "docker", "prepare.sh"), "--quiet"], { stdio: "inherit" });
        await (require("../lab/engine") as typeof import("../lab/engine")).ensureEngine();
      }
      const result = await stack.up(streams);
      const outputs = outputValues<StatusOutputs>(result.outputs);
      print(`\n${await status(outputs)}`);
      print(
        `Try:\n  ${outputs.kafkaHome}/bin/kafka-topics.sh --bootstrap-server ${outputs.bootstrapServers} --command-config ${outputs.clientProperties} --list\n`,
      );
      return 0;
    }
    case "status": {
      const outputs = await outputsOfStack();
      if (!outputs.nodes) {
        console.error(`kraftlab: lab "${stackName}" is not up (its stack has no outputs); run \`npm run up\``);
        return 1;
      }
      const text = await status(outputs);
      print(text);
      return text.startsWith(`lab ${stackName}: healthy`) ? 0 : 1;
    }
    case "down": {
      const { openStack } = require("../lab/stack") as typeof import("../lab/stack");
      const { settleInterruptedRun } = require("../lab/interrupted") as typeof import("../lab/interrupted");
      const stack = await openStack({ stackName });
      await settleInterruptedRun(stackName, (line) => console.error(line));
      await stack.destroy(streams);
      return 0;
    }
    case "pulumi": {
      await (require("../lab/stack") as typeof import("../lab/stack")).openStack({ stackName }); // creates and selects the stack
      const cli = spawnSync(path.join(pulumiRoot(), "bin", "pulumi"), args, {
        cwd: PROJECT_DIR,
        stdio: "inherit",
        env: { ...process.env, ...pulumiEnv({}, stackName) },
      });
      return cli.status ?? 1;
    }
    default:
      console.error("usage: npm run up | down | status | pulumi -- [args...]");
      return 2;
  }
}

keepingStackSettings(stackName, () => main(process.argv[2], process.argv.slice(3))).then(
  (code) => process.exit(code),
  async (err: unknown) => {
    // The CLI's own output, already streamed, says why it failed: not again.
    const { CommandError } = require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
    if (!(err instanceof CommandError)) console.error(`kraftlab: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
