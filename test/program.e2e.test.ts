// A failed program never deletes a lab. The SDK's server answers a run from its log state, and takes
// any error whose `code` is 1 or 14 for gRPC's CANCELLED or UNAVAILABLE and swallows it: the exit code
// a child process leaves on its error is such a code. Without kraftlab's guard (lab/bail.ts), a program
// that registered part of its resources and then failed so would be answered as a success, and the engine
// would delete every resource it had not registered. Through the real CLI, on an inline program.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../lab/bail";
import { pulumiRoot } from "../lab/toolchain";

/** What the program does on its next run. */
let failure: Error | undefined;
const program = async () => {
  for (const name of ["a", "b", "c"]) {
    new pulumi.ComponentResource("test:index:Part", name);
    // Registered so far, then the failure (as a refused check or a failed tool would throw it).
    if (failure && name === "a") throw failure;
  }
  return {};
};

describe("a program that fails", () => {
  let root: string;
  let stack: Stack;
  const parts = async () =>
    ((await stack.exportStack()).deployment.resources ?? [])
      .filter((r: { type: string }) => r.type === "test:index:Part")
      .map((r: { urn: string }) => r.urn.split("::").at(-1))
      .sort();

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-program-"));
    fs.mkdirSync(path.join(root, "state"));
    const pulumiCommand = await PulumiCommand.get({ root: pulumiRoot(), skipVersionCheck: true });
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "guard", projectName: "kraftlab-guard", program },
      {
        workDir: root,
        pulumiCommand,
        projectSettings: { name: "kraftlab-guard", runtime: "nodejs", backend: { url: `file://${path.join(root, "state")}` } },
        envVars: { PULUMI_CONFIG_PASSPHRASE: "guard", PULUMI_SKIP_UPDATE_CHECK: "true" },
      },
    );
    failure = undefined;
    await stack.up({ color: "never" });
    expect(await parts()).toEqual(["a", "b", "c"]);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it.each([
    ["an error carrying a child process's exit code 1", Object.assign(new Error("kafka-storage format failed"), { code: 1 })],
    ["an error carrying code 14", Object.assign(new Error("the tool exited with 14"), { code: 14 })],
    ["a plain error", new Error("refused")],
  ])("fails its up and deletes nothing: %s", async (_what, error) => {
    failure = error;
    const outcome = await stack.up({ color: "never" }).then(
      (result) => ({ ok: true, deleted: result.summary.resourceChanges?.delete ?? 0 }),
      () => ({ ok: false, deleted: 0 }),
    );
    expect(outcome).toEqual({ ok: false, deleted: 0 });
    expect(await parts()).toEqual(["a", "b", "c"]);
  });

  it("still completes a program that returns, and a destroy", async () => {
    failure = undefined;
    const result = await stack.up({ color: "never" });
    expect(result.summary.result).toBe("succeeded");
    await stack.destroy({ color: "never" });
    expect(await parts()).toEqual([]);
  });
});
