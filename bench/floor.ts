// Pulumi's floor: a program of as many trivial dynamic resources as kraftlab's lab, on the same CLI,
// run through the Automation API as kraftlab's program is. Its no-op `up` is what any Pulumi program of
// that size pays; kraftlab's own cost is what a no-op `npm run up` takes beyond it.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { pulumiEnv, pulumiRoot } from "../lab/toolchain";

/** A provider that creates, and then finds nothing to change. */
const trivial: pulumi.dynamic.ResourceProvider = {
  create: async () => ({ id: "trivial", outs: {} }),
  diff: async () => ({ changes: false }),
};

class Trivial extends pulumi.dynamic.Resource {
  constructor(name: string) {
    super(trivial, name, {});
  }
}

/** The seconds of each no-op `up` of a program of `count` trivial dynamic resources (after the one that creates them), `rounds` times. */
export async function pulumiFloor(count: number, backend: string, rounds: number): Promise<number[]> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-bench-floor-"));
  const program = async () => {
    for (let i = 0; i < count; i++) new Trivial(`trivial-${i}`);
  };
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "floor", projectName: "floor", program },
    {
      workDir,
      pulumiCommand: await PulumiCommand.get({ root: pulumiRoot(), skipVersionCheck: true }),
      envVars: pulumiEnv({ PULUMI_BACKEND_URL: backend }),
    },
  );
  try {
    await stack.up();
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const start = process.hrtime.bigint();
      await stack.up();
      times.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
    return times;
  } finally {
    await stack.destroy().catch(() => undefined);
    await stack.workspace.removeStack("floor").catch(() => undefined);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
