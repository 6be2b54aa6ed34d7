// npm run drill -- <scenario> [--runs N] [--hold S] [--before S] [--after S] [--rate N] [--out DIR]:
// a failure drill on the running lab of the stack named by KRAFTLAB_STACK (default dev). Prints the
// report and writes it as Markdown with its charts (default drills/<stack>/). Ctrl-C puts back what
// the drill did (a frozen node resumed, a cut one reconnected).
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { closeClients } from "../components/client/connect";
import { controllerAccessOf } from "../components/drill/lab";
import { drillFailed, reportMarkdown, reportText } from "../components/drill/report";
import { runDrill, undoOnInterrupt } from "../components/drill/run";
import { DrillRefused, SCENARIOS, type Scenario } from "../components/drill/scenarios";
import { PROJECT_DIR } from "../components/host/projectDir";
import { operatorFilePath } from "../components/security/labSecurity";
import type { StatusOutputs } from "../components/status/gather";
import { settleInterruptedRun } from "../lab/interrupted";
import { configOf, openStack, outputValues } from "../lab/stack";
import { keepingStackSettings } from "../lab/stackFile";

const stackName = process.env.KRAFTLAB_STACK ?? "dev";
const USAGE = `usage: npm run drill -- <${SCENARIOS.join("|")}> [--runs N] [--hold SECONDS] [--before SECONDS] [--after SECONDS] [--rate RECORDS_PER_S] [--out DIR]`;

/** A positive number of an option, or an error naming it. */
function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new DrillRefused(`--${name} ${value}: give a positive number. ${USAGE}`);
  return n;
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: "string" },
      hold: { type: "string" },
      before: { type: "string" },
      after: { type: "string" },
      rate: { type: "string" },
      out: { type: "string" },
    },
  });
  const scenario = positionals[0] as Scenario;
  if (positionals.length !== 1 || !SCENARIOS.includes(scenario)) throw new DrillRefused(USAGE);
  const stack = await openStack({ stackName });
  const outputs = outputValues<StatusOutputs>(await stack.outputs());
  if (!outputs.nodes) throw new DrillRefused(`lab "${stackName}" is not up (its stack has no outputs); run \`npm run up\` first`);
  const config = await configOf(stack);
  const certsDir = path.resolve(PROJECT_DIR, config?.certsDir ?? path.join("certs", stackName));
  const lab = {
    name: stackName,
    outputs,
    controllerAccess: controllerAccessOf(config?.security?.listeners, config?.security ? operatorFilePath(certsDir) : undefined),
    async up() {
      await settleInterruptedRun(stackName, (line) => console.error(line));
      let said = "";
      const result = await stack.up({ color: "never", onOutput: (text) => (said += text) });
      // Each line once: the CLI repeats a resource's lines in its summary.
      const lines = [...new Set([...said.matchAll(/kraftlab: (.*?)(?: \(\d+ s\))?$/gm)].map((m) => m[1]))];
      const changes = Object.entries(result.summary.resourceChanges ?? {}).filter(([op]) => op !== "same");
      return [...lines, ...(changes.length ? [changes.map(([op, n]) => `${n} ${op}d`).join(", ")] : [])];
    },
  };
  const { report, file } = await runDrill(
    lab,
    {
      scenario,
      runs: positive("runs", values.runs, 1),
      holdMs: positive("hold", values.hold, 12) * 1_000,
      beforeMs: positive("before", values.before, 5) * 1_000,
      afterMs: positive("after", values.after, 5) * 1_000,
      ratePerSecond: positive("rate", values.rate, 200),
      outDir: path.resolve(PROJECT_DIR, values.out ?? path.join("drills", stackName)),
    },
    (line) => console.error(line),
  );
  fs.writeFileSync(file, reportMarkdown(report));
  process.stdout.write(`${reportText(report)}\nreport: ${file}\n`);
  return drillFailed(report) ? 1 : 0;
}

/** Ctrl-C: what the drill did is put back before it ends. */
async function interrupted(signal: string): Promise<void> {
  const undone: string[] = [];
  for (const [what, undo] of [...undoOnInterrupt].reverse()) {
    await undo().then(
      () => undone.push(what),
      (err: Error) => console.error(`kraftlab: could not put back ${what}: ${err.message}`),
    );
  }
  console.error(`kraftlab: drill interrupted (${signal})${undone.length ? `; put back: ${undone.join(", ")}` : ""}`);
  await closeClients();
  process.exit(130);
}
process.once("SIGINT", () => void interrupted("SIGINT"));
process.once("SIGTERM", () => void interrupted("SIGTERM"));

keepingStackSettings(stackName, main).then(
  async (code) => {
    await closeClients();
    process.exit(code);
  },
  async (err: unknown) => {
    console.error(err instanceof DrillRefused ? `kraftlab: drill refused: ${err.message}` : `kraftlab: ${err instanceof Error ? err.message : String(err)}`);
    await closeClients();
    process.exit(err instanceof DrillRefused ? 2 : 1);
  },
);
