// The lab's agent: the cluster client's JVM kept alive across kraftlab's commands, one for each
// connection (its listener's addresses, the Kafka release, the credentials and CA), reached over a unix
// socket in a directory only its owner can enter (setup/admin/KraftlabAgent.java). A command connects
// to the agent of its connection, checks who answers, and starts one when none does. An agent goes by
// itself when idle, when a file of its connection changes or disappears (a rotated CA, a destroyed
// lab), or when asked (the lab's nodes removed).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { getProperties } from "properties-file";
import { cacheDir } from "../host/tools";
import { type Connection, helperLaunch, type Link } from "./helper";

/** How long an agent waits for its next command before it goes. */
const IDLE_SECONDS = Number(process.env.KRAFTLAB_AGENT_IDLE_SECONDS ?? 300);
/** How long a new agent may take to answer (a JVM's start, its Admin client's). */
const START_TIMEOUT_MS = 30_000;

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** The files the connection's client reads: its settings file, and the stores and files that names. */
export function connectionFiles(conn: Pick<Connection, "commandConfig">): string[] {
  if (!conn.commandConfig || !fs.existsSync(conn.commandConfig)) return [];
  const props = getProperties(fs.readFileSync(conn.commandConfig, "utf8"));
  const named = Object.entries(props).flatMap(([key, value]) => (key.endsWith(".location") && fs.existsSync(value) ? [value] : []));
  return [conn.commandConfig, ...named];
}

/** What an agent serves, as a key: whatever would make its client wrong (addresses, release, credentials, CA) changes it. */
export function identityOf(conn: Connection): string {
  const files = connectionFiles(conn).map((file) => [file, sha256(fs.readFileSync(file))]);
  const { bootstrapServers, controllers, kafkaHome, classes, hostsFile } = conn;
  return sha256(JSON.stringify({ bootstrapServers, controllers: !!controllers, kafkaHome, classes, hostsFile, files })).slice(0, 32);
}

/** Where the agents' sockets and logs are: private to this user. */
export function agentsDir(): string {
  const dir = path.join(cacheDir(), "agents");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.statSync(dir);
  if (stat.uid !== process.getuid?.() || (stat.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
  return dir;
}

const socketOf = (identity: string) => path.join(agentsDir(), `${identity.slice(0, 16)}.sock`);
/** Beside each agent's socket: what it serves and the files it watches, for whoever removes them. */
const recordOf = (socket: string) => socket.replace(/\.sock$/, ".json");
/** And its log (stderr): kept only when it could not start. */
const logOf = (socket: string) => socket.replace(/\.sock$/, ".log");
interface AgentRecord {
  identity: string;
  watch: string[];
}

const dial = (socket: string) =>
  new Promise<net.Socket>((resolve, reject) => {
    const s = net.createConnection(socket);
    s.once("connect", () => resolve(s));
    s.once("error", reject);
  });

/** The agent's first answer: who it is. */
function hello(s: net.Socket): Promise<{ identity?: string; pid?: number }> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: s });
    const timer = setTimeout(() => reject(new Error("the agent did not say who it is")), 5_000);
    lines.once("line", (line) => {
      clearTimeout(timer);
      lines.close();
      try {
        resolve((JSON.parse(line) as { result?: { identity?: string; pid?: number } }).result ?? {});
      } catch {
        reject(new Error("the agent's answer is not JSON"));
      }
    });
    s.write(`${JSON.stringify({ id: 0, op: "hello" })}\n`);
  });
}

/** A link over an agent's connection; closing it leaves the agent for the next command. */
function socketLink(s: net.Socket): Link {
  // The socket never keeps this process alive: a call waiting for its answer does (its timer).
  s.unref();
  const lines = createInterface({ input: s });
  const ended: ((why: Error) => void)[] = [];
  s.once("close", () => {
    for (const handle of ended) handle(new Error("the lab's cluster client (its agent) went away; the next command starts another"));
  });
  s.on("error", () => {}); // "close" follows, and says it
  return {
    send: (line) => s.write(line),
    onLine: (handle) => lines.on("line", handle),
    onEnd: (handle) => ended.push(handle),
    close: async () => {
      s.end();
    },
  };
}

/** The agent serving `identity` at `socket`, when one answers as it; a socket nobody answers on is removed. */
async function reach(socket: string, identity: string): Promise<net.Socket | undefined> {
  let s: net.Socket;
  try {
    s = await dial(socket);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ECONNREFUSED") fs.rmSync(socket, { force: true });
    return undefined;
  }
  // Only an agent of this user, made for these very settings, is trusted.
  const ours = fs.statSync(socket).uid === process.getuid?.();
  const said = ours ? await hello(s).catch(() => ({}) as { identity?: string }) : {};
  if (said.identity === identity) return s;
  s.destroy();
  throw new Error(`the socket ${socket} is not this lab's agent (${ours ? "another identity" : "another user's"})`);
}

/** Starts the agent of `conn` in the background, on its own: it outlives this command. */
function startAgent(conn: Connection, identity: string, socket: string) {
  // Its credentials and CA end it when they change; the hosts file, rewritten as containers move, when it goes.
  const files = connectionFiles(conn);
  const record: AgentRecord = { identity, watch: [...files, ...(conn.hostsFile ? [conn.hostsFile] : [])] };
  fs.writeFileSync(recordOf(socket), JSON.stringify(record), { mode: 0o600 });
  const watch = [...files.flatMap((file) => ["--watch", file]), ...(conn.hostsFile ? ["--watch-exists", conn.hostsFile] : [])];
  const own = ["--socket", socket, "--identity", identity, "--idle-seconds", String(IDLE_SECONDS), ...watch];
  const { command, args } = helperLaunch(conn, "KraftlabAgent", own);
  const log = fs.openSync(logOf(socket), "w", 0o600);
  const child = spawn(command, args, { detached: true, stdio: ["ignore", "ignore", log], cwd: path.dirname(socket) });
  fs.closeSync(log);
  let exited: number | null | undefined;
  child.once("exit", (code) => {
    exited = code;
  });
  child.unref();
  return { exited: () => exited };
}

/** A link to the agent of `conn`: the running one, else one started now. */
export async function agentLink(conn: Connection): Promise<Link> {
  const identity = identityOf(conn);
  const socket = socketOf(identity);
  const running = await reach(socket, identity);
  if (running) return socketLink(running);
  const agent = startAgent(conn, identity, socket);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    await sleep(50);
    // Another command may have started it first: its agent serves us as well.
    const s = fs.existsSync(socket) ? await reach(socket, identity).catch(() => undefined) : undefined;
    if (s) return socketLink(s);
    if (agent.exited() !== undefined && !fs.existsSync(socket)) break;
  }
  throw new Error(`the lab's cluster client (its agent) did not start; see ${logOf(socket)}`);
}

/** Asks the agent at `socket`, if it answers as `identity`, to go, and waits until it has. */
async function stopAt(socket: string, identity: string): Promise<void> {
  const s = await reach(socket, identity).catch(() => undefined);
  if (!s) return;
  // Read on (the hello left the socket paused) to see the agent close it as it goes.
  s.resume();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5_000);
    s.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    s.write(`${JSON.stringify({ id: 1, op: "exit" })}\n`);
  });
  s.destroy();
}

/** Asks the agent of `conn`, if one runs, to go (its lab's nodes were removed). */
export async function stopAgent(conn: Connection): Promise<void> {
  const identity = identityOf(conn);
  await stopAt(socketOf(identity), identity);
}

/** Asks every agent that watches `target` (a file, or a directory and what it holds) to go: the lab removes it. */
export async function stopAgentsWatching(target: string): Promise<void> {
  const dir = agentsDir();
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const socket = path.join(dir, name.replace(/\.json$/, ".sock"));
    let record: AgentRecord;
    try {
      record = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
    } catch {
      continue;
    }
    if (!record.watch.some((file) => file === target || file.startsWith(`${target}${path.sep}`))) continue;
    await stopAt(socket, record.identity);
    // An agent gone before (killed) left its record.
    fs.rmSync(path.join(dir, name), { force: true });
  }
}
