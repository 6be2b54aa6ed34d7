// What a lab runs on, recorded in its directory by the LabRuntime resource: the program reads it before
// anything is touched, so that a lab moved to another runtime is refused first (the other runtime's
// checks, its ports, would misread it).
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import type { LabRuntimeInputs } from "../runtime/spec";

const RECORD = "runtime.json";

/** What the lab in `labDir` runs on, as its runtime recorded it; a lab without the record (older) runs processes. */
export function recordedRuntime(labDir: string): { kind: LabRuntimeInputs["kind"]; dockerHost?: string } | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(labDir, RECORD), "utf8"));
  } catch {
    return fs.readdirSync(labDir).some((f) => /^node-\d+$/.test(f)) ? { kind: "process" } : undefined;
  }
}

export async function record(inputs: LabRuntimeInputs): Promise<void> {
  await fsp.mkdir(inputs.labDir, { recursive: true });
  await fsp.writeFile(path.join(inputs.labDir, RECORD), `${JSON.stringify({ kind: inputs.kind, dockerHost: inputs.docker?.dockerHost })}\n`);
}

export const describeRuntime = (kind: LabRuntimeInputs["kind"], dockerHost?: string) =>
  kind === "docker" ? `Docker (${dockerHost ?? "an engine"})` : kind === "ssh" ? "machines over SSH" : "local processes";

/** Why a lab that exists cannot move to another runtime, and what to do instead. */
export const runtimeChangeProblem = (from: string, to: string) =>
  `kraftlab:runtime: this lab runs on ${from}; moving a running lab to ${to} is not done in place (its data would stay behind). ` +
  `Run \`npm run down\` first and \`npm run up\` again on ${to}, or bring up ${to} as a new stack (KRAFTLAB_STACK=<name>)`;
