// `npm run drill -- <scenario>`: strikes a node of the stack's running lab under load, watches the
// quorum and the partitions about every 100 ms, brings the lab back, and measures. What to strike and
// whether it is safe, what to expect and what it means are decided in components/drill/ (pure); this
// file only carries it out, through the lab's runtime and cluster clients.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pWaitFor from "p-wait-for";
import { getProperties } from "properties-file";
import { adminClasses } from "../client/build";
import type { ClusterClient } from "../client/cluster";
import { clientFor } from "../client/connect";
import type { NodeRef, Runtime, Voter } from "../runtime/runtime";
import { runtimeFor } from "../runtime/select";
import { nodeRef, type StatusOutputs, statusRuntime } from "../status/gather";
import { type Mark, renderSvg, timelineSpec } from "./chart";
import { controllerEndpoints, POLLER_SETTINGS } from "./endpoints";
import { expectedFor, type FailoverSettings, failoverSettings } from "./expected";
import { Load } from "./load";
import { type DrillRecording, type LeadershipSample, measure, type QuorumSample } from "./measure";
import type { DrillReport, DrillRun } from "./report";
import { type DrillFacts, drillRefusals, type Scenario, victimOf } from "./scenarios";

export const DRILL_TOPIC = "kraftlab-drill";
const WARM_UP_MS = 2_000;

export interface DrillLab {
  name: string;
  outputs: StatusOutputs;
  /** Settings for the CONTROLLER listener (none on PLAINTEXT), or why the controllers cannot be asked. */
  controllerAccess: { commandConfig?: string } | { unavailable: string };
  /** Runs the stack's `up`; what it said it did. */
  up(): Promise<string[]>;
}

export interface DrillOptions {
  scenario: Scenario;
  runs: number;
  /** How long freeze-voter keeps the voter stopped, and isolate-controller the controller cut off. */
  holdMs: number;
  /** Load before the fault, and after the lab is whole again. */
  beforeMs: number;
  afterMs: number;
  ratePerSecond: number;
  /** Where the report and its charts go. */
  outDir: string;
}

/** A drill refused before it touched anything: each line names the change that makes it safe. */
export class DrillRefused extends Error {}

/** What an interrupted drill must put back (a frozen node resumed, a cut one reconnected), newest first. */
export const undoOnInterrupt = new Map<string, () => Promise<unknown>>();

/** Samples `sample` about every `everyMs`, one at a time, until stopped. */
function poll<T>(everyMs: number, sample: () => Promise<T>) {
  const samples: T[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const began = Date.now();
      samples.push(await sample());
      await sleep(Math.max(0, everyMs - (Date.now() - began)));
    }
  })();
  return {
    samples,
    last: () => samples.at(-1),
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** A client settings file for the drill's pollers: the lab's own settings, then POLLER_SETTINGS. */
function pollerConfig(dir: string, name: string, base: string | undefined): string {
  const own = base ? fs.readFileSync(base, "utf8") : "";
  const file = path.join(dir, `${name}.properties`);
  fs.writeFileSync(
    file,
    `${own}\n${Object.entries(POLLER_SETTINGS)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n")}\n`,
    { mode: 0o600 },
  );
  return file;
}

interface Clients {
  brokers: ClusterClient;
  /** The controllers themselves, when they can be asked. */
  controllers?: ClusterClient;
}

function clientsOf(lab: DrillLab, dir: string): Clients {
  const { outputs } = lab;
  const spec = statusRuntime(outputs);
  const brokers = clientFor({
    runtime: { kind: "process", kafkaHome: outputs.kafkaHome },
    kafkaHome: outputs.kafkaHome,
    bootstrapServers: outputs.bootstrapServers,
    commandConfig: pollerConfig(dir, "brokers", outputs.clientProperties),
    listener: "EXTERNAL",
  });
  if ("unavailable" in lab.controllerAccess) return { brokers };
  const endpoints = controllerEndpoints(outputs.nodes, spec.kind, outputs.bootstrapServers);
  const controllers = clientFor({
    runtime: spec, // on Docker, the client resolves the containers' names through the engine
    kafkaHome: outputs.kafkaHome,
    bootstrapServers: endpoints.map((e) => `${e.host}:${e.port}`).join(","),
    commandConfig: pollerConfig(dir, "controllers", lab.controllerAccess.commandConfig),
    listener: "CONTROLLER",
    controllers: true,
  });
  return { brokers, controllers };
}

/** The drill's topic: 3 replicas where there are 3 brokers, acked by 2; created once, led everywhere. */
async function ensureTopic(client: ClusterClient, brokers: number): Promise<void> {
  const factor = Math.min(3, brokers);
  if (!(await client.topic(DRILL_TOPIC))) {
    await client.createTopic(DRILL_TOPIC, 6, factor, { "min.insync.replicas": String(Math.min(2, factor)) });
  }
  await pWaitFor(
    async () => (await client.partitions()).filter((p) => p.topic === DRILL_TOPIC).every((p) => p.leader >= 0 && p.isr.length === p.replicas.length),
    {
      interval: 200,
      timeout: 60_000,
    },
  );
}

/** The facts a drill decides on, asked of the running lab. Refuses a lab with a node down. */
async function factsOf(lab: DrillLab, rt: Runtime, clients: Clients): Promise<DrillFacts> {
  const down = [];
  for (const node of lab.outputs.nodes) if (!(await rt.running(nodeRef(node)))) down.push(node.id);
  if (down.length > 0) throw new DrillRefused(`node(s) ${down.join(", ")} do not run: bring the lab back with \`npm run up\` first`);
  const [partitions, quorum] = await Promise.all([clients.brokers.partitions(), (clients.controllers ?? clients.brokers).quorum()]);
  const isolation = rt.faults.isolation;
  return {
    nodes: lab.outputs.nodes.map((n) => ({ id: n.id, roles: n.roles })),
    voters: quorum.voters.map((v) => v.id),
    leaderId: quorum.leaderId,
    partitions,
    isolationUnavailable: "unavailable" in isolation ? isolation.unavailable : undefined,
  };
}

/** Whether the quorum has a leader and every partition is fully replicated. */
const whole = (q: QuorumSample | undefined, l: LeadershipSample | undefined) => q !== undefined && q.leaderId >= 0 && l?.underReplicated === 0;

type RunResult = DrillRun & { settings: FailoverSettings };

async function oneRun(
  lab: DrillLab,
  opts: DrillOptions,
  rt: Runtime,
  clients: Clients,
  run: { n: number; base: string },
  say: (line: string) => void,
): Promise<RunResult> {
  const { outputs } = lab;
  const facts = await factsOf(lab, rt, clients);
  const refused = drillRefusals(opts.scenario, facts);
  if (refused.length > 0) throw new DrillRefused(refused.join("\n"));
  const victims = victimOf(opts.scenario, facts) as number[];
  const refs = new Map(outputs.nodes.map((n) => [n.id, nodeRef(n)]));
  const ref = (id: number) => refs.get(id) as NodeRef;
  const brokerIds = outputs.nodes.filter((n) => n.roles.includes("broker")).map((n) => n.id);
  const settings = failoverSettings(
    Object.fromEntries(
      Object.entries((await clients.brokers.describeConfigs([{ type: "broker", name: String(brokerIds[0]) }]))[0]).map(([k, v]) => [k, v.value]),
    ),
  );
  await ensureTopic(clients.brokers, brokerIds.length);
  const voters: Voter[] = controllerEndpoints(outputs.nodes, rt.kind, outputs.bootstrapServers);

  const load = await Load.start({
    kafkaHome: outputs.kafkaHome,
    classes: adminClasses(outputs.kafkaHome),
    bootstrapServers: outputs.bootstrapServers,
    commandConfig: outputs.clientProperties,
    topic: DRILL_TOPIC,
    ratePerSecond: opts.ratePerSecond,
    keys: 24,
  });
  undoOnInterrupt.set("the load", async () => load.kill());
  const startedAt = load.acks[0].sentAt;
  const quorum = poll(100, async (): Promise<QuorumSample> => {
    // Each controller answers what it knows; the brokers can only forward to the leader, gone or not.
    const asked = clients.controllers ? clients.controllers.activeController() : clients.brokers.quorum().then((q) => q.leaderId);
    const leaderId = await asked.catch(() => -1);
    return { at: Date.now(), leaderId };
  });
  const leadership = poll(100, async (): Promise<LeadershipSample> => {
    try {
      const partitions = await clients.brokers.partitions();
      return {
        at: Date.now(),
        ledByVictim: partitions.filter((p) => victims.includes(p.leader)).length,
        underReplicated: partitions.filter((p) => p.isr.length < p.replicas.length).length,
      };
    } catch {
      return { at: Date.now() };
    }
  });
  const marks: Mark[] = [];
  const mark = (label: string) => {
    marks.push({ at: Date.now(), label });
    say(`kraftlab: ${label}`);
  };
  let up: string[] | undefined;
  const recoverWithUp = async () => {
    mark("up");
    up = await lab.up();
    mark("up done");
  };
  let faultAt = 0;
  // The load's first seconds (its JVM and the brokers' handlers warming up) are not "before".
  const measuredFrom = startedAt + WARM_UP_MS;
  try {
    await sleep(WARM_UP_MS + opts.beforeMs);
    faultAt = Date.now();
    const [victim] = victims;
    switch (opts.scenario) {
      case "kill-controller":
      case "kill-broker":
        await rt.faults.kill(ref(victim));
        mark(`node ${victim} killed`);
        // The failover, seen whole before the node is brought back.
        await pWaitFor(() => leadership.last()?.ledByVictim === 0 && (quorum.last()?.leaderId ?? -1) >= 0 && quorum.last()?.leaderId !== victim, {
          interval: 100,
          timeout: 60_000,
        }).catch(() => undefined);
        await sleep(1_000);
        await recoverWithUp();
        break;
      case "freeze-voter":
        undoOnInterrupt.set(`node ${victim} resumed`, () => rt.faults.thaw(ref(victim)));
        await rt.faults.freeze(ref(victim));
        mark(`node ${victim} frozen`);
        await sleep(opts.holdMs);
        await rt.faults.thaw(ref(victim));
        undoOnInterrupt.delete(`node ${victim} resumed`);
        mark("resumed");
        break;
      case "isolate-controller": {
        const isolation = rt.faults.isolation;
        if ("unavailable" in isolation) throw new DrillRefused(isolation.unavailable);
        undoOnInterrupt.set(`node ${victim} reconnected`, () => isolation.mend(ref(victim)));
        await isolation.cut(ref(victim));
        mark(`node ${victim} cut off`);
        await sleep(opts.holdMs);
        await isolation.mend(ref(victim));
        undoOnInterrupt.delete(`node ${victim} reconnected`);
        mark("reconnected");
        break;
      }
      case "wipe-broker":
        await rt.stop(ref(victim), 60_000, voters);
        mark(`node ${victim} stopped`);
        await rt.faults.wipe(ref(victim));
        mark("data removed");
        await recoverWithUp();
        break;
      case "restart-all": {
        const brokersOnly = victims.filter((id) => !outputs.nodes.find((n) => n.id === id)?.roles.includes("controller"));
        const rest = victims.filter((id) => !brokersOnly.includes(id));
        await Promise.all(brokersOnly.map((id) => rt.stop(ref(id), 60_000, voters)));
        await Promise.all(rest.map((id) => rt.stop(ref(id), 60_000, voters)));
        mark("all stopped");
        await recoverWithUp();
        break;
      }
    }
    // Whole again: every partition fully replicated and a quorum leader (bounded), then the after window.
    await pWaitFor(() => whole(quorum.last(), leadership.last()), { interval: 100, timeout: 120_000 }).catch(() => undefined);
    mark("whole again");
    await sleep(opts.afterMs);
  } finally {
    await Promise.all([quorum.stop(), leadership.stop()]);
  }
  const loaded = await load.stop();
  undoOnInterrupt.delete("the load");
  const recording: DrillRecording = {
    victims,
    // (restart-all stops the nodes gracefully: the quorum goes when its last voters do.)
    victimsGone: !["freeze-voter", "restart-all"].includes(opts.scenario),
    startedAt,
    measuredFrom,
    faultAt,
    wholeAt: marks.find((m) => m.label === "whole again")?.at ?? Date.now(),
    endAt: Date.now(),
    quorum: quorum.samples,
    leadership: leadership.samples,
    acks: loaded.acks,
    sent: loaded.sent,
    consumed: loaded.consumed,
    errors: loaded.errors,
    complete: loaded.complete,
  };
  const measures = measure(recording);
  const victimRoles = outputs.nodes.find((n) => n.id === victims[0])?.roles ?? [];
  const expected = expectedFor(opts.scenario, victimRoles, settings, { holdMs: opts.holdMs, leader: victims[0] === facts.leaderId });
  const chart = `${path.basename(run.base)}-run${run.n}.svg`;
  const spec = timelineSpec(`${opts.scenario} on lab ${lab.name}, run ${run.n}`, loaded.acks, startedAt, recording.endAt, marks);
  fs.writeFileSync(path.join(opts.outDir, chart), await renderSvg(spec));
  // The raw recording beside it, for a second look at any figure.
  fs.writeFileSync(path.join(opts.outDir, chart.replace(/\.svg$/, ".json")), JSON.stringify({ marks, ...recording }));
  const struck = victims.map((id) => ({ id, roles: outputs.nodes.find((n) => n.id === id)?.roles ?? [] }));
  return { measures, expected, up, chart, struck, settings };
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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-drill-"));
  // (Also when Ctrl-C ends the process mid-drill.)
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  process.once("exit", removeDir);
  fs.mkdirSync(opts.outDir, { recursive: true });
  try {
    const clients = clientsOf(lab, dir);
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
    process.off("exit", removeDir);
    removeDir();
  }
}

/** The CONTROLLER listener's settings from the lab's operator file, when it speaks the INTERNAL listener's protocol. */
export function controllerAccessOf(
  protocols: { internal: string; controller: string } | undefined,
  operatorFile: string | undefined,
): DrillLab["controllerAccess"] {
  if (!protocols || protocols.controller === "PLAINTEXT") return {};
  if (protocols.controller === protocols.internal && operatorFile && fs.existsSync(operatorFile)) {
    const props = getProperties(fs.readFileSync(operatorFile, "utf8"));
    if (props["security.protocol"] === protocols.controller) return { commandConfig: operatorFile };
  }
  return {
    unavailable: `the CONTROLLER listener (${protocols.controller}) takes only the nodes' own credentials, which kraftlab keeps for the nodes; the quorum is asked through the brokers`,
  };
}
