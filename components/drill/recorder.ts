// What a drill keeps of a run: the load's records (each one's send, ack and read-back), the moments
// marked on its timeline, and the files: its chart and raw recording beside the report, and the
// drill's temporary client settings.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { adminClasses } from "../client/build";
import type { StatusOutputs } from "../status/gather";
import { type Mark, renderSvg, timelineSpec } from "./chart";
import { Load } from "./load";
import type { Comeback, DrillRecording, LeadershipSample, QuorumSample } from "./measure";

/** The drill's temporary directory, removed at its end, also when Ctrl-C ends the process mid-drill. */
export class Scratch {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-drill-"));
  private readonly removeDir = () => fs.rmSync(this.dir, { recursive: true, force: true });

  constructor() {
    process.once("exit", this.removeDir);
  }

  /** A client settings file: the settings of `base` (a file) when given, then `extra`. */
  settings(name: string, base: string | undefined, extra: Record<string, string>): string {
    const own = base ? fs.readFileSync(base, "utf8") : "";
    const file = path.join(this.dir, `${name}.properties`);
    const added = Object.entries(extra).map(([k, v]) => `${k}=${v}`);
    fs.writeFileSync(file, `${own}\n${added.join("\n")}\n`, { mode: 0o600 });
    return file;
  }

  remove(): void {
    process.off("exit", this.removeDir);
    this.removeDir();
  }
}

/** The timeline's mark of the moment the drill runs `up`. */
export const UP_MARK = "up";

/** What the run itself knows of its recording: the rest is the load's and the sampler's. */
export interface RunFacts {
  victims: number[];
  victimsGone: boolean;
  measuredFrom: number;
  faultAt: number;
}

/** One run's record: its load, and the moments marked on its timeline (each also said). */
export class Recorder {
  readonly marks: Mark[] = [];

  private constructor(
    private readonly load: Load,
    private readonly say: (line: string) => void,
  ) {}

  /** Starts the load on `topic`; resolves once its first record is acked. */
  static async start(outputs: StatusOutputs, topic: string, ratePerSecond: number, say: (line: string) => void): Promise<Recorder> {
    const load = await Load.start({
      kafkaHome: outputs.kafkaHome,
      classes: adminClasses(outputs.kafkaHome),
      bootstrapServers: outputs.bootstrapServers,
      commandConfig: outputs.clientProperties,
      topic,
      ratePerSecond,
      keys: 24,
    });
    return new Recorder(load, say);
  }

  /** When the load sent its first acked record. */
  get startedAt(): number {
    return this.load.acks[0].sentAt;
  }

  mark(label: string): void {
    this.marks.push({ at: Date.now(), label });
    this.say(`kraftlab: ${label}`);
  }

  /** Ends the load at once (an interrupted drill). */
  kill(): void {
    this.load.kill();
  }

  /** Stops the load (its records read back) and gathers the run's recording. */
  async stop(run: RunFacts, sampled: { quorum: QuorumSample[]; leadership: LeadershipSample[]; comeback: Comeback }): Promise<DrillRecording> {
    const loaded = await this.load.stop();
    return {
      victims: run.victims,
      victimsGone: run.victimsGone,
      startedAt: this.startedAt,
      measuredFrom: run.measuredFrom,
      faultAt: run.faultAt,
      upAt: this.marks.find((m) => m.label === UP_MARK)?.at,
      comeback: sampled.comeback,
      wholeAt: this.marks.find((m) => m.label === "whole again")?.at ?? Date.now(),
      endAt: Date.now(),
      quorum: sampled.quorum,
      leadership: sampled.leadership,
      acks: loaded.acks,
      sent: loaded.sent,
      consumed: loaded.consumed,
      errors: loaded.errors,
      complete: loaded.complete,
    };
  }

  /** Writes the run's chart as `<name>.svg` in `dir`, the raw recording beside it for a second look; the chart's file name. */
  async write(dir: string, name: string, title: string, recording: DrillRecording): Promise<string> {
    const chart = `${name}.svg`;
    const spec = timelineSpec(title, recording.acks, recording.startedAt, recording.endAt, this.marks);
    fs.writeFileSync(path.join(dir, chart), await renderSvg(spec));
    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ marks: this.marks, ...recording }));
    return chart;
  }
}
