// The ClusterClient of a running cluster: a long-lived JVM on Kafka's own Admin client
// (setup/admin/KraftlabAdmin.java) speaking JSON lines: the lab's agent over its socket (agent.ts), or a
// helper of this process alone over its stdin and stdout, closed when the process ends (an unclosed one
// never keeps it alive).
import { type ChildProcessByStdio, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { getProperties } from "properties-file";
import type { ClusterClient } from "./cluster";

/** Where and as whom the client connects. */
export interface Connection {
  /** A Kafka distribution on this machine: the helper runs on its libs/. */
  kafkaHome: string;
  /** The compiled helper (classes directory). */
  classes: string;
  bootstrapServers: string;
  /** `bootstrapServers` are controllers (bootstrap.controllers): for what only they know, e.g. the quorum's leader. */
  controllers?: boolean;
  /** Client settings (security, credentials); absent on a PLAINTEXT listener. */
  commandConfig?: string;
  /** The listener's name, for messages: INTERNAL or EXTERNAL. */
  listener: string;
  /** A hosts file resolving the names the listeners advertise (the containers' `node-<id>` on Docker). */
  hostsFile?: string;
}

/** Who the connection authenticates as, for messages: the SASL user, the certificate, or nobody. */
export function connectingAs(commandConfig: string | undefined): string {
  if (!commandConfig || !fs.existsSync(commandConfig)) return "no credentials";
  const props = getProperties(fs.readFileSync(commandConfig, "utf8"));
  const user = /username="((?:[^"\\]|\\.)*)"/.exec(props["sasl.jaas.config"] ?? "")?.[1];
  if (user) return `user ${user}`;
  return props["ssl.keystore.location"] ? "its certificate" : "no credentials";
}

/** Kafka's answers that mean the connection itself failed: the message names where and as whom. */
const CONNECTION_ERRORS = /^(TimeoutException|SaslAuthenticationException|SslAuthenticationException|AuthenticationException|IllegalSaslStateException)$/;

/** A helper's failure as one line: what failed, and for a connection failure, the listener and the user. */
export function clientError(conn: Pick<Connection, "listener" | "bootstrapServers" | "commandConfig">, op: string, type: string, message: string): Error {
  const why = message.split("\n")[0];
  if (CONNECTION_ERRORS.test(type)) {
    return new Error(
      `cannot ask the cluster (${op}) on its ${conn.listener} listener ${conn.bootstrapServers} as ${connectingAs(conn.commandConfig)}: ${type}: ${why}`,
    );
  }
  return new Error(`${op}: ${type}: ${why}`);
}

type Pending = { op: string; resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/** Java options for a small, quick-starting client (beside its heap). */
const JVM_OPTIONS = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dsun.net.inetaddr.ttl=0", "-Dnetworkaddress.cache.negative.ttl=0"];

/** How many helpers this process started: the tests count them. */
export let helpersStarted = 0;

/**
 * How long a read of the cluster's state may take: milliseconds when the cluster answers. The gates
 * poll with reads, so an unreachable node or cluster shows within this, not the writes' 30 s.
 */
const READ_TIMEOUT_MS = 10_000;

/** The java command that runs `main`, one of the compiled helpers, on the distribution's libs/. */
export function javaLaunch(conn: Pick<Connection, "kafkaHome" | "classes" | "hostsFile">, main: string, args: string[], load = false) {
  return {
    command: process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, "bin", "java") : "java",
    args: [
      // A load runs long and is measured: a bigger heap, and the full JIT.
      ...(load ? ["-Xmx256m", ...JVM_OPTIONS.filter((o) => !o.startsWith("-XX:TieredStopAtLevel"))] : ["-Xmx128m", ...JVM_OPTIONS]),
      ...(conn.hostsFile ? [`-Djdk.net.hosts.file=${conn.hostsFile}`] : []),
      // The setup's class-data archive of the distribution fits a class path that starts with its libs/.
      ...(fs.existsSync(path.join(conn.kafkaHome, "kafka.jsa")) ? [`-XX:SharedArchiveFile=${path.join(conn.kafkaHome, "kafka.jsa")}`, "-Xshare:auto"] : []),
      `-Dlog4j2.configurationFile=${path.join(conn.kafkaHome, "config", "tools-log4j2.yaml")}`,
      "-cp",
      `${path.join(conn.kafkaHome, "libs", "*")}${path.delimiter}${conn.classes}`,
      main,
      ...args,
    ],
  };
}

/** Where a client's JSON lines go and come from: a helper's stdio, or an agent's socket. */
export interface Link {
  send(line: string): void;
  /** Each line answered; `ended` once no more will come, with why. */
  onLine(handle: (line: string) => void): void;
  onEnd(handle: (why: Error) => void): void;
  close(): Promise<void>;
}

/** The java command that runs a helper of `conn` (`main` KraftlabAdmin, or the agent with its own arguments first). */
export function helperLaunch(conn: Connection, main = "KraftlabAdmin", own: string[] = []) {
  return javaLaunch(conn, main, [
    ...own,
    conn.controllers ? "--bootstrap-controller" : "--bootstrap-server",
    conn.bootstrapServers,
    ...(conn.commandConfig ? ["--command-config", conn.commandConfig] : []),
  ]);
}

/** A helper JVM of this process only, over its stdin and stdout; it ends with the process. */
function helperLink(conn: Connection): Link {
  const { command, args } = helperLaunch(conn);
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
  helpersStarted++;
  let stderr = "";
  const ended: ((why: Error) => void)[] = [];
  const end = (why: Error) => {
    for (const handle of ended) handle(why);
  };
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-4000);
  });
  child.on("error", (err) => end(new Error(`the cluster client (java) could not start: ${err.message}`)));
  child.on("exit", (code) => end(new Error(`the cluster client exited (${code}): ${stderr.trim().split("\n").slice(-3).join(" ") || "no output"}`)));
  child.stdin.on("error", () => {}); // a helper that died is reported by "exit"
  const lines = createInterface({ input: child.stdout });
  // Never what keeps this process alive: a closed stdin ends the helper, and so does this process's end.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr] as unknown as { unref?: () => void }[]) stream.unref?.();
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  return {
    send: (line) => child.stdin.write(line),
    onLine: (handle) => lines.on("line", handle),
    onEnd: (handle) => ended.push(handle),
    close: async () => {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

export const startClient = (conn: Connection, defaultTimeoutMs = 30_000) => protocolClient(conn, helperLink(conn), defaultTimeoutMs);

/** The ClusterClient over `link`: each call a JSON line, answered by id (see setup/admin/KraftlabAdmin.java). */
export function protocolClient(conn: Connection, link: Link, defaultTimeoutMs = 30_000): ClusterClient & { close(): Promise<void>; ended(): boolean } {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let ended: Error | undefined;
  link.onEnd((why) => {
    ended = why;
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(why);
    }
    pending.clear();
  });
  link.onLine((line) => {
    let answer: { id: number; result?: unknown; error?: { type: string; message: string } };
    try {
      answer = JSON.parse(line);
    } catch {
      return; // not ours: the protocol is JSON lines only
    }
    const p = pending.get(answer.id);
    if (!p) return;
    pending.delete(answer.id);
    clearTimeout(p.timer);
    if (answer.error) p.reject(clientError(conn, p.op, answer.error.type, answer.error.message));
    else p.resolve(answer.result ?? undefined);
  });

  const call = <T>(op: string, params: Record<string, unknown> = {}, timeoutMs = defaultTimeoutMs): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (ended) return reject(ended);
      const id = nextId++;
      // The helper bounds each call by timeoutMs; this only catches a helper that stopped answering.
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(clientError(conn, op, "TimeoutException", `no answer from the cluster client after ${Math.round((timeoutMs + 5_000) / 1000)} s`));
      }, timeoutMs + 5_000);
      pending.set(id, { op, resolve: resolve as (v: unknown) => void, reject, timer });
      link.send(`${JSON.stringify({ ...params, id, op, timeoutMs })}\n`);
    });

  return {
    partitions: () => call("partitions", {}, READ_TIMEOUT_MS),
    quorum: () => call("quorum", {}, READ_TIMEOUT_MS),
    addVoter: (nodeId, directoryId, endpoints) => call("addVoter", { nodeId, directoryId, endpoints }),
    removeVoter: (nodeId, directoryId) => call("removeVoter", { nodeId, directoryId }),
    features: () => call("features", {}, READ_TIMEOUT_MS),
    updateFeatures: (levels) => call("updateFeatures", { updates: levels }),
    brokers: () => call("brokers", {}, READ_TIMEOUT_MS),
    // Polled by drills about every 100 ms: an answer held up is no answer.
    activeController: () => call("activeController", {}, 2_000),
    unregisterBroker: (nodeId) => call("unregisterBroker", { nodeId }),
    describeConfigs: (resources) => call("describeConfigs", { resources }, READ_TIMEOUT_MS),
    alterConfigs: (resource, set, remove) => call("alterConfigs", { resource, set, delete: remove }),
    createAcls: (acls) => call("createAcls", { acls }),
    deleteAcls: (acls) => call("deleteAcls", { acls }),
    alterScram: (upserts, deletions) => call("alterScram", { upserts, deletions }),
    alterQuotas: (user, set, remove) => call("alterQuotas", { user, set, delete: remove }),
    topic: async (name) => (await call("topic", { name }, READ_TIMEOUT_MS)) ?? undefined,
    createTopic: (name, partitions, replicationFactor, configs) => call("createTopic", { name, partitions, replicationFactor, configs }),
    createPartitions: (name, total) => call("createPartitions", { name, total }),
    deleteTopic: (name) => call("deleteTopic", { name }),
    generateAssignment: (topics, brokers) => call("generateAssignment", { topics, brokers }),
    executeReassignment: (partitions, throttle) => call("executeReassignment", { partitions, throttle }, 120_000),
    verifyReassignment: (partitions) => call("verifyReassignment", { partitions }),
    electPreferred: () => call("electPreferred"),
    close: () => link.close(),
    ended: () => ended !== undefined,
  };
}
