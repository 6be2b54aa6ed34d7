// Opens a kraftlab stack through the Automation API. The program runs inline, in this process:
// the CLI connects to it instead of starting a Node.js language host (see README, "How it works").
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import kraftlab from "../index";
import "./bail";
import { PROJECT_DIR, pulumiEnv, pulumiRoot } from "./toolchain";

export interface OpenStackOptions {
  stackName: string;
  /** `kraftlab:` keys (prefix omitted) to write into the stack's config before use. */
  config?: Record<string, unknown>;
  /** Extra environment for the CLI, e.g. a separate PULUMI_BACKEND_URL. */
  env?: Record<string, string>;
}

export async function openStack(opts: OpenStackOptions): Promise<Stack> {
  const pulumiCommand = await PulumiCommand.get({ root: pulumiRoot(), skipVersionCheck: true });
  const stack = await LocalWorkspace.createOrSelectStack(
    {
      stackName: opts.stackName,
      projectName: "kraftlab",
      program: kraftlab,
    },
    { workDir: PROJECT_DIR, pulumiCommand, envVars: pulumiEnv(opts.env) },
  );
  if (opts.config) {
    await stack.setAllConfig(
      Object.fromEntries(
        Object.entries(opts.config).map(([key, value]) => [
          `kraftlab:${key}`,
          { value: typeof value === "string" ? value : JSON.stringify(value) },
        ]),
      ),
    );
  }
  return stack;
}
