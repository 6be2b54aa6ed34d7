// Opens a kraftlab stack through the Automation API. The program runs inline, in this process:
// the CLI connects to it instead of starting a Node.js language host (see README, "How it works").
import { LocalWorkspace, type OutputMap, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { kraftlabKeys, labConfigSchema } from "../components/model/config";
import kraftlab from "../index";
import "./bail";
import { PROJECT_DIR } from "../components/host/projectDir";
import { pulumiEnv, pulumiRoot } from "./toolchain";

export interface OpenStackOptions {
  stackName: string;
  /** `kraftlab:` keys (prefix omitted) to write into the stack's config before use. */
  config?: Record<string, unknown>;
  /** Extra environment for the CLI, e.g. a separate PULUMI_BACKEND_URL. */
  env?: Record<string, string>;
}

export async function openStack(opts: OpenStackOptions): Promise<Stack> {
  // What the CLI writes (state, its backups) and what the lab's processes write is private: 0600, 0700.
  process.umask(0o077);
  const pulumiCommand = await PulumiCommand.get({ root: pulumiRoot(), skipVersionCheck: true });
  const stack = await LocalWorkspace.createOrSelectStack(
    {
      stackName: opts.stackName,
      projectName: "kraftlab",
      program: kraftlab,
    },
    { workDir: PROJECT_DIR, pulumiCommand, envVars: pulumiEnv(opts.env, opts.stackName) },
  );

  if (opts.config) {
    await stack.setAllConfig(
      Object.fromEntries(
        Object.entries(opts.config).map(([key, value]) => [`kraftlab:${key}`, { value: typeof value === "string" ? value : JSON.stringify(value) }]),
      ),
    );
  }
  return stack;
}

/** The stack's kraftlab config, or undefined when it does not parse (the program then says why). */
export async function configOf(stack: Stack) {
  const all = Object.fromEntries(Object.entries(await stack.getAllConfig()).map(([key, { value }]) => [key, value]));
  const config = labConfigSchema.safeParse(kraftlabKeys(all));
  return config.success ? config.data : undefined;
}

/** A stack's outputs as plain values. */
export const outputValues = <T>(outputs: OutputMap) => Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value])) as T;
