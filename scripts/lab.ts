// npm run up | down | pulumi -- <args>: the lab's commands, on the stack named by KRAFTLAB_STACK
// (default dev), with the project's own Pulumi CLI in an offline-safe environment.
import { spawnSync } from "node:child_process";
import { CommandError } from "@pulumi/pulumi/automation";
import * as path from "node:path";
import { keepingStackSettings, openStack } from "../lab/stack";
import { PROJECT_DIR, pulumiEnv, pulumiRoot } from "../lab/toolchain";

const stackName = process.env.KRAFTLAB_STACK ?? "dev";
const print = (text: string) => process.stdout.write(text);
const printError = (text: string) => process.stderr.write(text);
/** The CLI's output, both streams, as it runs: a failure is then already on screen. */
const streams = { onOutput: print, onError: printError, color: "never" as const };

async function main(command: string | undefined, args: string[]): Promise<number> {
  switch (command) {
    case "up": {
      const stack = await openStack({ stackName });
      const result = await stack.up(streams);
      const outputs = Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value]));
      print(`\nkraftlab: lab "${stackName}" is up. Try:\n  ${outputs.kafkaHome}/bin/kafka-topics.sh --bootstrap-server ${outputs.bootstrapServers} --command-config ${outputs.clientProperties} --list\n`);
      if (outputs.prometheusUrl) print(`Prometheus: ${outputs.prometheusUrl}\nGrafana: ${outputs.grafanaUrl ?? outputs.grafana}\n`);
      return 0;
    }
    case "down": {
      const stack = await openStack({ stackName });
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
      console.error("usage: tsx scripts/lab.ts up | down | pulumi [args...]");
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
