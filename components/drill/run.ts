// `npm run drill -- <scenario>`: strikes a node of the stack's running lab under load, watches the
// quorum and the partitions about every 100 ms, brings the lab back, and measures. What each drill
// strikes, refuses, puts back and expects is its entry in scenarios.ts; this file runs the steps in order.
import * as fs from "node:fs";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Runtime } from "../runtime/runtime";
import { runtimeFor } from "../runtime/select";
import { statusRuntime } from "../status/gather";
import type { FailoverSettings } from "./expected";
import { type Clients, clientsOf, DRILL_TOPIC, type DrillLab, ensureTopic, factsOf, rolesOf, settingsOf, strikeContextOf } from "./lab";
import { measure } from "./measure";
import { Recorder, Scratch, UP_MARK } from "./recorder";
import type { DrillReport, DrillRun } from "./report";
import { type Sampler, startSampler } from "./sampler";
import { type Drill, DrillRefused, drillOf, drillRefusals, expectedFor, type Scenario, type StrikeContext } from "./scenarios";

const WARM_UP_MS = 2_000;
/** How long after the failover a killed node is left down before `up` brings it back. */
const AFTER_FAILOVER_MS = 1_000;

export interface DrillOptions {
  scenario: Scenario;
  runs: number;
  /** How long a held fault (a frozen voter, a controller cut off) lasts. */
  holdMs: number;
  /** Load before the fault, and after the lab is whole again. */
  beforeMs: number;
  afterMs: number;
  ratePerSecond: number;
  /** Where the report and its charts go. */
  outDir: string;
}

/** What an interrupted drill must put back (a frozen node resumed, a cut one reconnected, the load ended); undone newest first. */
export const undoOnInterrupt = new Map<string, () => Promise<unknown>>();

/** The fault, then the way back: held and undone, or `up`. What `up` said it did, when it ran. */
async function strikeAndRecover(drill: Drill, ctx: StrikeContext, victims: number[], lab: DrillLab, sampler: Sampler, holdMs: number) {
  const { recovery } = drill;
  if (!recovery.up) {
    const what = recovery.undo.what(victims);
    const undo = () => recovery.undo.act(ctx, victims);
    undoOnInterrupt.set(what, undo);
    await drill.strike(ctx, victims);
    await sleep(holdMs);
    await undo();
    undoOnInterrupt.delete(what);
    ctx.mark(recovery.undo.done);
    return undefined;
  }
  await drill.strike(ctx, victims);
  if (recovery.afterFailover) {
    await sampler.failover(victims[0]);
    await sleep(AFTER_FAILOVER_MS);
  }
  sampler.watchComeback(
    async (id) => (await ctx.rt.running(ctx.node(id))) !== undefined,
    (id) => ctx.roles(id),
  );
  ctx.mark(UP_MARK);
  const said = await lab.up();
  ctx.mark("up done");
  return said;
}

type RunResult = DrillRun & { settings: FailoverSettings };

async function oneRun(lab: DrillLab, opts: DrillOptions, rt: Runtime, clients: Clients, run: { n: number; base: string }, say: (line: string) => void) {
  const drill = drillOf(opts.scenario);
  const facts = await factsOf(lab, rt, clients);
  const refused = drillRefusals(opts.scenario, facts);
  if (refused.length > 0) throw new DrillRefused(refused.join("\n"));
  const victims = drill.victims(facts) as number[];
  const settings = await settingsOf(lab, clients);
  await ensureTopic(lab, clients);

  const recorder = await Recorder.start(lab.outputs, DRILL_TOPIC, opts.ratePerSecond, say);
  undoOnInterrupt.set("the load", async () => recorder.kill());
  const sampler = startSampler(clients, victims);
  const ctx = strikeContextOf(lab, rt, (label) => recorder.mark(label));
  // The load's first seconds (its JVM and the brokers' handlers warming up) are not "before".
  const measuredFrom = recorder.startedAt + WARM_UP_MS;
  let faultAt = 0;
  let up: string[] | undefined;
  try {
    await sleep(WARM_UP_MS + opts.beforeMs);
    faultAt = Date.now();
    up = await strikeAndRecover(drill, ctx, victims, lab, sampler, opts.holdMs);
    await sampler.whole();
    recorder.mark("whole again");
    await sleep(opts.afterMs);
  } finally {
    await sampler.stop();
  }
  const recording = await recorder.stop({ victims, victimsGone: drill.victimsGone, measuredFrom, faultAt }, sampler);
  undoOnInterrupt.delete("the load");

  const struck = victims.map((id) => ({ id, roles: rolesOf(lab, id) }));
  const expected = expectedFor(opts.scenario, struck[0].roles, settings, { holdMs: opts.holdMs, leader: victims[0] === facts.leaderId });
  const title = `${opts.scenario} on lab ${lab.name}, run ${run.n}`;
  const chart = await recorder.write(opts.outDir, `${path.basename(run.base)}-run${run.n}`, title, recording);
  return { measures: measure(recording), expected, up, chart, struck, settings } satisfies RunResult;
}

/** The report's path without extension: one per drill, named by its start. */
function reportBase(opts: DrillOptions, startedAt: Date): string {
  const stamp = startedAt
    .toISOString()
    .replace(/[:.]/g, "-")
    .replace(/-\d{3}Z$/, "Z");
  return path.join(opts.outDir, `${stamp}-${opts.scenario}`);
}

/** Runs the drill `opts.runs` times on the lab; the report, also written as Markdown beside its charts. */
export async function runDrill(lab: DrillLab, opts: DrillOptions, say: (line: string) => void): Promise<{ report: DrillReport; file: string }> {
  const rt = runtimeFor(statusRuntime(lab.outputs));
  const base = reportBase(opts, new Date());
  const scratch = new Scratch();
  fs.mkdirSync(opts.outDir, { recursive: true });
  try {
    const clients = clientsOf(lab, scratch);
    const runs: RunResult[] = [];
    for (let i = 1; i <= opts.runs; i++) {
      say(`kraftlab: drill ${opts.scenario}, run ${i} of ${opts.runs}`);
      runs.push(await oneRun(lab, opts, rt, clients, { n: i, base }, say));
    }
    await clients.brokers.deleteTopic(DRILL_TOPIC);
    const report: DrillReport = {
      scenario: opts.scenario,
      lab: lab.name,
      runtime: rt.kind === "process" ? "processes" : rt.kind === "docker" ? "Docker" : "SSH",
      settings: runs[0].settings,
      notes: "unavailable" in lab.controllerAccess ? [lab.controllerAccess.unavailable] : [],
      runs: runs.map(({ settings: _, ...run }) => run),
    };
    return { report, file: `${base}.md` };
  } finally {
    scratch.remove();
  }
}
