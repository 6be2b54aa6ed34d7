// The drill's load: setup/admin/KraftlabLoad.java, an idempotent producer (acks=all) and a consumer
// in one JVM, whose events (each record's send time, ack latency, read-back) are gathered here.
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import pWaitFor from "p-wait-for";
import { javaLaunch } from "../client/helper";
import type { Ack } from "./measure";

export interface LoadOptions {
  kafkaHome: string;
  classes: string;
  bootstrapServers: string;
  commandConfig?: string;
  topic: string;
  ratePerSecond: number;
  keys: number;
}

export interface LoadResult {
  acks: Ack[];
  consumed: number[];
  errors: string[];
  sent: number;
  complete: boolean;
}

type Event =
  | { e: "ready" }
  | { e: "ack"; s: number; p: number; t: number; l: number }
  | { e: "err"; s: number; m: string }
  | { e: "rec"; s: number }
  | { e: "sent"; n: number }
  | { e: "done"; complete: boolean };

export class Load {
  readonly acks: Ack[] = [];
  private readonly consumed: number[] = [];
  private readonly errors: string[] = [];
  private sent = 0;
  private ready = false;
  private done?: boolean;
  private stderr = "";
  private exited?: number | null;

  private constructor(private readonly child: ChildProcessByStdio<Writable, Readable, Readable>) {
    createInterface({ input: child.stdout }).on("line", (line) => this.onEvent(line));
    child.stderr.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString("utf8")).slice(-4_000);
    });
    child.on("exit", (code) => {
      this.exited = code;
    });
    child.stdin.on("error", () => {}); // a load that died says so through "exit"
  }

  /** Starts the load; resolves once its first record is acked. */
  static async start(opts: LoadOptions): Promise<Load> {
    const { command, args } = javaLaunch(
      opts,
      "KraftlabLoad",
      [
        "--bootstrap-server",
        opts.bootstrapServers,
        ...(opts.commandConfig ? ["--command-config", opts.commandConfig] : []),
        "--topic",
        opts.topic,
        "--rate",
        String(opts.ratePerSecond),
        "--keys",
        String(opts.keys),
        "--run",
        String(randomInt(1, 2 ** 31 - 1)),
      ],
      true,
    );
    const load = new Load(spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] }));
    try {
      await pWaitFor(() => load.failed() || load.acks.length > 0, { interval: 50, timeout: 60_000 });
    } catch {
      // (the timeout: said below)
    }
    if (load.acks.length === 0) {
      load.kill();
      throw new Error(`the drill's load ${load.exited !== undefined ? `exited (${load.exited})` : "acked nothing in 60 s"}: ${load.why()}`);
    }
    return load;
  }

  private failed(): boolean {
    return this.exited !== undefined || this.errors.length > 0;
  }

  private why(): string {
    return this.errors[0] ?? (this.stderr.trim().split("\n").slice(-3).join(" ") || "no output");
  }

  private onEvent(line: string): void {
    let event: Event;
    try {
      event = JSON.parse(line);
    } catch {
      return;
    }
    if (event.e === "ready") this.ready = true;
    else if (event.e === "ack") this.acks.push({ seq: event.s, partition: event.p, sentAt: event.t, latencyMs: event.l / 1_000 });
    else if (event.e === "err") this.errors.push(`record ${event.s}: ${event.m}`);
    else if (event.e === "rec") this.consumed.push(event.s);
    else if (event.e === "sent") this.sent = event.n;
    else if (event.e === "done") this.done = event.complete;
  }

  /** Stops producing, waits for every send's answer and for the consumer to read to the end (bounded). */
  async stop(): Promise<LoadResult> {
    this.child.stdin.end("stop\n");
    try {
      await pWaitFor(() => this.done !== undefined || this.exited !== undefined, { interval: 100, timeout: 150_000 });
    } catch {
      this.kill();
    }
    if (this.done === undefined) throw new Error(`the drill's load did not finish: ${this.why()}`);
    return { acks: this.acks, consumed: this.consumed, errors: this.errors, sent: this.sent, complete: this.done && this.ready };
  }

  /** Ends the load at once (an interrupted drill). */
  kill(): void {
    if (this.exited === undefined) this.child.kill("SIGKILL");
  }
}
