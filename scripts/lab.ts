// npm run up | down | status | pulumi -- <args>: the lab's commands, on the stack named by KRAFTLAB_STACK
// (default dev), with the project's own Pulumi CLI in an offline-safe environment.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { CommandError, type Stack } from "@pulumi/pulumi/automation";
import { PROJECT_DIR } from "../components/host/projectDir";
import { gatherStatus, type StatusOutputs, statusText } from "../components/status/gather";
import { ensureEngine } from "../lab/engine";
import { settleInterruptedRun } from "../lab/interrupted";
import { configOf, keepingStackSettings, openStack, outputValues } from "../lab/stack";
import { pulumiEnv, pulumiRoot } from "../lab/toolchain";

const stackName = process.env.KRAFTLAB_STACK ?? "dev";

/** The status table of the lab (see components/status/gather.ts), asked of the running cluster. */
async function status(stack: Stack, outputs: StatusOutputs): Promise<string> {
  // A config edited since the last `up` may not parse: then no certificate is judged near expiry.
  return statusText(stackName, outputs, await gatherStatus(outputs, (await configOf(stack))?.security?.renewBeforeDays ?? 0));
}
const print = (text: string) => process.stdout.write(text);
const printError = (text: string) => process.stderr.write(text);
/** The CLI's output, both streams, as it runs: a failure is then already on screen. */
const streams = { onOutput: print, onError: printError, color: "never" as const };

async function main(command: string | undefined, args: string[]): Promise<number> {
  switch (command) {
    case "up": {
      const stack = await openStack({ stackName });
      await settleInterruptedRun(stackName, (line) => console.error(line));
      if ((await configOf(stack))?.runtime.kind === "docker") {
        // The first Docker lab of the machine installs the engine and builds the image's root filesystem.
        spawnSync("bash", [path.join(PROJECT_DIR, "setup", "docker", "prepare.sh"), "--quiet"], { stdio: "inherit" });
        await ensureEngine();
      }
      const result = await stack.up(streams);
      const outputs = outputValues<StatusOutputs>(result.outputs);
      print(`\n${await status(stack, outputs)}`);
      print(
        `Try:\n  ${outputs.kafkaHome}/bin/kafka-topics.sh --bootstrap-server ${outputs.bootstrapServers} --command-config ${outputs.clientProperties} --list\n`,
      );
      return 0;
    }
    case "status": {
      const stack = await openStack({ stackName });
      const outputs = outputValues<StatusOutputs>(await stack.outputs());
      if (!outputs.nodes) {
        console.error(`kraftlab: lab "${stackName}" is not up (its stack has no outputs); run \`npm run up\``);
        return 1;
      }
      const text = await status(stack, outputs);
      print(text);
      return text.startsWith(`lab ${stackName}: healthy`) ? 0 : 1;
    }
    case "down": {
      const stack = await openStack({ stackName });
      await settleInterruptedRun(stackName, (line) => console.error(line));
      await stack.destroy(streams);
      return 0;
    }
    case "pulumi": {
      await openStack({ stackName }); // creates and selects the stack
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
  (err: unknown) => {
    // The CLI's own output, already streamed, says why it failed: not again.
    if (!(err instanceof CommandError)) console.error(`kraftlab: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
