// Bounded continuous load for e2e tests of day-2 operations ("under live load, nothing lost"):
// an idempotent, keyed producer runs while the test acts on the cluster; on stop the whole topic is
// read back and every acked record must be there exactly once, in order per key.
import { type ChildProcess, spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import pWaitFor from "p-wait-for";
import { defaultKafkaHome } from "../components/host/tools";

export interface LoadOptions {
  /** Brokers on 127.0.0.1. */
  bootstrap: string;
  topic: string;
  /** A client .properties (e.g. SASL_SSL) used by the producer, the offsets query and the consumer. */
  clientConfig?: string;
  /** Approximate records per second (default 200). */
  ratePerSecond?: number;
  /** Distinct keys, `0`..`keys-1`, cycled (default 8). */
  keys?: number;
}

/** Records are named `key:seq`, seq being the producer's counter: key = seq mod keys, so seq grows per key. */
export interface LoadReport {
  /** Send attempts (the producer's own count; a lower bound if it had to be killed). */
  sent: number;
  acked: number;
  /** Records of this run read back (duplicates included). */
  consumed: number;
  /** Acked but never read back. Records in flight at stop (never acked) are not counted as lost. */
  lost: string[];
  /** Read back more than once. */
  duplicated: string[];
  /** Read back after a higher seq of the same key in the same partition (`key:seq@partition`). */
  outOfOrder: string[];
  /** Sends the producer gave up on (non-retriable, or retried past delivery.timeout.ms). */
  produceErrors: string[];
  /** From the first ack to the producer's exit. */
  durationMs: number;
  /** The read-back reached the end of every partition; false if it timed out (then `lost` may be overstated). */
  complete: boolean;
}

/** Overrides appended to the client config: the verifiable producer defaults to retries=0, which would fail
 * sends on the first leader change; idempotence needs retries, and 120 s outlasts a broker restart. */
const PRODUCER_OVERRIDES = [
  "acks=all",
  "enable.idempotence=true",
  "retries=2147483647",
  "max.in.flight.requests.per.connection=5",
  "delivery.timeout.ms=120000",
  "linger.ms=5",
];

const START_TIMEOUT_MS = 60_000;
const PRODUCER_GRACE_MS = 10_000;
const CONSUME_TIMEOUT_MS = 60_000;

/** True if `promise` settles within `ms`; leaves no timer behind. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Children of this module, killed if the test process exits without stopping them.
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** Starts bin/<tool>.sh (which execs java, so the pid is the JVM's); keeps the last lines of stderr. */
function spawnTool(tool: string, args: string[]): { child: ChildProcess; closed: Promise<void>; stderr: () => string } {
  const child = spawn(path.join(defaultKafkaHome(), "bin", `${tool}.sh`), args, { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  const tail: string[] = [];
  readline.createInterface({ input: child.stderr! }).on("line", (line) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
  });
  // "close": exited and stdout fully read, so no event is missed.
  const closed = new Promise<void>((resolve) => {
    child.once("close", () => resolve());
    child.once("error", () => resolve());
  }).finally(() => children.delete(child));
  return { child, closed, stderr: () => tail.join("\n") };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone (bounded). */
async function stopChild(child: ChildProcess, closed: Promise<void>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return void (await settlesWithin(closed, 5_000));
  child.kill("SIGTERM");
  if (await settlesWithin(closed, graceMs)) return;
  child.kill("SIGKILL");
  await settlesWithin(closed, 5_000);
}

const withConfig = (config?: string) => (config ? ["--command-config", config] : []);

export class LoadRun {
  private readonly ackedIds = new Set<string>();
  private readonly errors: string[] = [];
  private maxSeq = -1;
  private firstAckAt = 0;
  private toolSent?: number;
  private stopping = false;
  private report?: Promise<LoadReport>;

  private constructor(
    private readonly opts: Required<Omit<LoadOptions, "clientConfig">> & Pick<LoadOptions, "clientConfig">,
    /** --value-prefix: values are `<runId>.<seq>`, so records of earlier runs on the topic are ignored. */
    private readonly runId: number,
    private readonly dir: string,
    private readonly producer: ReturnType<typeof spawnTool>,
  ) {
    readline.createInterface({ input: producer.child.stdout! }).on("line", (line) => this.onEvent(line));
  }

  /** Starts the producer; resolves once its first record is acked (rejects, leaving nothing running, if none within 60 s). */
  static async start(options: LoadOptions): Promise<LoadRun> {
    const opts = { ratePerSecond: 200, keys: 8, ...options };
    const runId = randomInt(1, 2 ** 31 - 1);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-load-"));
    // One file: the tool takes a single config, and later keys win in a .properties file.
    const config = path.join(dir, "producer.properties");
    const base = opts.clientConfig ? fs.readFileSync(opts.clientConfig, "utf8") : "";
    fs.writeFileSync(config, `${base}\n${PRODUCER_OVERRIDES.join("\n")}\n`, { mode: 0o600 });
    const producer = spawnTool("kafka-verifiable-producer", [
      "--bootstrap-server",
      opts.bootstrap,
      "--topic",
      opts.topic,
      "--throughput",
      String(opts.ratePerSecond),
      "--repeating-keys",
      String(opts.keys),
      "--value-prefix",
      String(runId),
      "--command-config",
      config,
    ]);
    const run = new LoadRun(opts, runId, dir, producer);
    const exited = () => producer.child.exitCode !== null || producer.child.signalCode !== null;
    const failed = () => {
      run.abort();
      throw new Error(`load producer ${exited() ? "exited" : "acked nothing"} (errors: ${run.errors.slice(0, 5).join("; ")}):\n${producer.stderr()}`);
    };
    await pWaitFor(
      () => {
        if (exited() || run.errors.length > 0) failed();
        return run.acked > 0;
      },
      { interval: 100, timeout: { milliseconds: START_TIMEOUT_MS, fallback: failed } },
    );
    return run;
  }

  /** Records acked so far. */
  get acked(): number {
    return this.ackedIds.size;
  }

  /** Resolves once `count` records are acked; rejects after `timeoutMs` or if the producer died. */
  async waitForAcked(count: number, timeoutMs = 60_000): Promise<void> {
    const acked = () => {
      if (this.producer.child.exitCode !== null || this.producer.child.signalCode !== null) {
        throw new Error(`load producer exited with ${this.acked} acked:\n${this.producer.stderr()}`);
      }
      return this.acked >= count;
    };
    const late = () => {
      throw new Error(`only ${this.acked} of ${count} records acked after ${timeoutMs} ms`);
    };
    await pWaitFor(acked, { interval: 100, timeout: { milliseconds: timeoutMs, fallback: late } });
  }

  /** Stops the producer (SIGTERM lets it flush; SIGKILL after 10 s), reads the topic back and checks it. Idempotent. */
  stop(): Promise<LoadReport> {
    this.report ??= this.check().finally(() => this.abort());
    return this.report;
  }

  /** Kills the producer at once and removes its files, checking nothing: for a test that failed. */
  abort(): void {
    this.stopping = true;
    this.producer.child.kill("SIGKILL"); // a no-op once it exited
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private onEvent(line: string): void {
    let event: { name?: string; key?: string; value?: string; exception?: string; message?: string; sent?: number };
    try {
      event = JSON.parse(line);
    } catch {
      return; // not an event (the tool's rare plain-text notices)
    }
    if (event.name === "tool_data") this.toolSent = event.sent;
    const seq = this.seqOf(event.value);
    if (seq === undefined) return;
    this.maxSeq = Math.max(this.maxSeq, seq);
    const id = `${event.key}:${seq}`;
    if (event.name === "producer_send_success") {
      this.firstAckAt ||= Date.now();
      this.ackedIds.add(id);
    } else if (event.name === "producer_send_error") {
      // Sends refused because the producer is closing at stop() were never attempted: not an error of the cluster.
      if (this.stopping && /closed/i.test(`${event.exception} ${event.message}`)) return;
      this.errors.push(`${id} ${event.exception}: ${event.message}`);
    }
  }

  /** The seq of a value `<runId>.<seq>` of this run, else undefined. */
  private seqOf(value: string | undefined): number | undefined {
    const match = /^(\d+)\.(\d+)$/.exec(value ?? "");
    return match && Number(match[1]) === this.runId ? Number(match[2]) : undefined;
  }

  private async check(): Promise<LoadReport> {
    this.stopping = true;
    await stopChild(this.producer.child, this.producer.closed, PRODUCER_GRACE_MS);
    const durationMs = Date.now() - this.firstAckAt;
    const { records: consumed, complete } = await this.consume();

    const seen = new Map<string, number>();
    const lastSeq = new Map<string, number>(); // per partition and key
    const duplicated: string[] = [];
    const outOfOrder: string[] = [];
    for (const { partition, key, seq } of consumed) {
      const id = `${key}:${seq}`;
      const times = (seen.get(id) ?? 0) + 1;
      seen.set(id, times);
      if (times === 2) duplicated.push(id);
      const slot = `${partition}/${key}`;
      if (times === 1 && seq < (lastSeq.get(slot) ?? -1)) outOfOrder.push(`${id}@${partition}`);
      lastSeq.set(slot, Math.max(seq, lastSeq.get(slot) ?? -1));
      this.maxSeq = Math.max(this.maxSeq, seq);
    }
    return {
      sent: this.toolSent ?? this.maxSeq + 1,
      acked: this.acked,
      consumed: consumed.length,
      lost: [...this.ackedIds].filter((id) => !seen.has(id)),
      duplicated,
      outOfOrder,
      produceErrors: [...this.errors],
      durationMs,
      complete,
    };
  }

  /** Log end offsets per partition after the producer stopped: how far the read-back must go. Undefined if unavailable. */
  private async endOffsets(deadline: number): Promise<Map<number, number> | undefined> {
    let attempts = 0;
    // Up to 3 tries, 2 s apart, within the deadline.
    return pWaitFor(
      async () => {
        if (attempts++ === 3 || Date.now() >= deadline) return pWaitFor.resolveWith(undefined);
        const tool = spawnTool("kafka-get-offsets", [
          "--bootstrap-server",
          this.opts.bootstrap,
          "--topic",
          this.opts.topic,
          "--time",
          "-1",
          ...withConfig(this.opts.clientConfig),
        ]);
        const ends = new Map<number, number>();
        readline.createInterface({ input: tool.child.stdout! }).on("line", (line) => {
          const match = /^(.+):(\d+):(\d+)$/.exec(line);
          if (match?.[1] === this.opts.topic) ends.set(Number(match[2]), Number(match[3]));
        });
        await settlesWithin(tool.closed, deadline - Date.now());
        await stopChild(tool.child, tool.closed, 1_000);
        return tool.child.exitCode === 0 && ends.size > 0 ? pWaitFor.resolveWith(ends) : false;
      },
      { interval: 2_000 },
    );
  }

  /** Reads the topic from the beginning until every partition reached its end offset (or, if those are unavailable,
   * every acked record was seen), or 60 s passed; returns this run's records in the order read. */
  private async consume(): Promise<{ records: { partition: number; key: string; seq: number }[]; complete: boolean }> {
    // A group of its own, named predictably so that a lab with ACLs can grant it by prefix.
    const consumer = spawnTool("kafka-console-consumer", [
      "--bootstrap-server",
      this.opts.bootstrap,
      "--topic",
      this.opts.topic,
      "--from-beginning",
      "--group",
      `kraftlab-load-${this.runId}`,
      "--formatter-property",
      "print.partition=true",
      "--formatter-property",
      "print.offset=true",
      "--formatter-property",
      "print.key=true",
      ...withConfig(this.opts.clientConfig),
    ]);
    const records: { partition: number; key: string; seq: number }[] = [];
    const reached = new Map<number, number>(); // partition -> next offset to read
    const pendingAcks = new Set(this.ackedIds);
    // Fetched while the consumer's JVM starts: both take seconds.
    let ends: Map<number, number> | undefined | null = null; // null: not known yet
    const done = () => (ends === null ? false : ends ? [...ends].every(([p, end]) => (reached.get(p) ?? 0) >= end) : pendingAcks.size === 0);
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const deadline = Date.now() + CONSUME_TIMEOUT_MS;
    const offsets = this.endOffsets(deadline).then((found) => {
      ends = found;
      if (done()) finish();
    });
    readline.createInterface({ input: consumer.child.stdout! }).on("line", (line) => {
      const match = /^Partition:(\d+)\tOffset:(\d+)\t([^\t]*)\t(.*)$/.exec(line);
      if (!match) return;
      const partition = Number(match[1]);
      reached.set(partition, Math.max(reached.get(partition) ?? 0, Number(match[2]) + 1));
      const seq = this.seqOf(match[4]);
      if (seq !== undefined) {
        records.push({ partition, key: match[3], seq });
        pendingAcks.delete(`${match[3]}:${seq}`);
      }
      if (done()) finish();
    });
    await settlesWithin(Promise.race([finished, consumer.closed]), deadline - Date.now());
    const complete = done();
    await stopChild(consumer.child, consumer.closed, 5_000);
    await offsets; // bounded by the same deadline
    if (!complete && consumer.child.exitCode !== null && consumer.child.exitCode !== 143) {
      throw new Error(`load consumer failed (${consumer.child.exitCode}):\n${consumer.stderr()}`);
    }
    return { records, complete };
  }
}
