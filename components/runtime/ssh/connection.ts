// SSH to the lab's machines (ssh2, pure JS): one connection per machine and process, dialled with
// retries and a per-dial timeout, a strict host key check, and commands run on it a few at a time.
// Idle connections close by themselves, so a process that is done is not held open by them.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import type { Readable } from "node:stream";
import pLimit from "p-limit";
import type { Client, ConnectConfig } from "ssh2";
import type { SshMachine } from "../spec";

/** What a dial needs; `hostKey` may be missing in a check, which then says what the machine offered. */
export type Dial = Pick<SshMachine, "name" | "address" | "port" | "user" | "privateKey" | "agent"> & { hostKey?: string };

/** OpenSSH's fingerprint of a public key blob, as `ssh-keygen -lf` prints it. */
export const fingerprintOf = (blob: Buffer) => `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;

/** A key blob as a known_hosts line holds it: its type (the blob's first string) and its base64. */
export const hostKeyLine = (blob: Buffer) => `${blob.subarray(4, 4 + blob.readUInt32BE(0)).toString("latin1")} ${blob.toString("base64")}`;

const blobOf = (hostKey: string) => Buffer.from(hostKey.split(" ")[1], "base64");

/** The host key algorithms that present a key of this type: the machine then offers that key and no other. */
function hostKeyAlgorithms(hostKey: string): ConnectConfig["algorithms"] {
  const type = hostKey.split(" ")[0];
  return { serverHostKey: type === "ssh-rsa" || type.startsWith("rsa-sha2") ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [type as "ssh-ed25519"] };
}

/** Why a dial failed, naming the machine's key and the fix. */
export function dialProblem(m: Dial, err: Error & { code?: string; level?: string }, offered: Buffer | undefined, tries: number): string {
  const key = `kraftlab:machines.${m.name}`;
  if (offered && !m.hostKey) {
    return (
      `${key}.ssh.hostKey: not set, and kraftlab trusts no host key it was not given; ${m.address} offered ${fingerprintOf(offered)}. ` +
      `If that is the machine's own key (on it: ssh-keygen -lf /etc/ssh/ssh_host_${hostKeyLine(offered).split(" ")[0].replace(/^ssh-/, "")}_key.pub), set ${key}.ssh.hostKey to "${hostKeyLine(offered)}"`
    );
  }
  if (offered && m.hostKey) {
    return (
      `${key}.ssh.hostKey: ${m.address} offered ${fingerprintOf(offered)}, not the configured key ${fingerprintOf(blobOf(m.hostKey))}; refused ` +
      `(another machine at that address, or someone in between). If the machine was reinstalled, check its key there and set ${key}.ssh.hostKey to "${hostKeyLine(offered)}"`
    );
  }
  if (err.level === "client-authentication") {
    return (
      `${key}.ssh: ${m.user}@${m.address} refused every key offered (${m.privateKey ? `key ${m.privateKey}` : "the agent's keys"}); ` +
      `add its public key to ~${m.user}/.ssh/authorized_keys on the machine, or fix ${key}.ssh.user / ${key}.ssh.privateKey`
    );
  }
  const why = err.code ?? err.message.replace(/^Timed out while waiting for handshake$/, "no SSH handshake");
  return `${key}: ${m.address}:${m.port} does not answer (${why}, ${tries} tries); check that the machine is up and reachable from here, or fix ${key}.address / ${key}.ssh.port`;
}

/** Refused dials are not tried again: another try would be refused the same way. */
const final = (err: Error & { level?: string }, offered: Buffer | undefined) => offered !== undefined || err.level === "client-authentication";

const DIAL_TIMEOUT_MS = 5_000;
const DIAL_TRIES = 3;
const IDLE_CLOSE_MS = 3_000;
/** Below sshd's MaxSessions (10 by default): channels one connection may hold at once. */
const CHANNELS = 6;

function dialOnce(m: Dial): Promise<Client> {
  return new Promise((resolve, reject) => {
    // ssh2 is loaded when a lab first dials a machine: a lab of processes never pays for it.
    const { Client: SshClient } = require("ssh2") as typeof import("ssh2");
    const client = new SshClient();
    let offered: Buffer | undefined;
    let privateKey: Buffer | undefined;
    try {
      privateKey = m.privateKey ? fs.readFileSync(m.privateKey) : undefined;
    } catch (err) {
      reject(
        new DialError(
          `kraftlab:machines.${m.name}.ssh.privateKey: cannot read ${m.privateKey} (${(err as NodeJS.ErrnoException).code}); give the path of a private key file of this machine, e.g. ~/.ssh/id_ed25519`,
          true,
        ),
      );
      return;
    }
    client
      .once("ready", () => resolve(client))
      .once("error", (err: Error & { level?: string }) => {
        client.end();
        reject(new DialError(dialProblem(m, err, offered, 1), final(err, offered), err, offered));
      })
      .connect({
        host: m.address,
        port: m.port,
        username: m.user,
        privateKey,
        agent: m.agent,
        readyTimeout: DIAL_TIMEOUT_MS,
        keepaliveInterval: 10_000,
        ...(m.hostKey && { algorithms: hostKeyAlgorithms(m.hostKey) }),
        hostVerifier: (key: Buffer) => {
          if (m.hostKey && key.equals(blobOf(m.hostKey))) return true;
          offered = key;
          return false;
        },
      });
  });
}

class DialError extends Error {
  constructor(
    message: string,
    readonly final: boolean,
    readonly failure?: Error,
    readonly offered?: Buffer,
  ) {
    super(message);
  }
}

/** A connection, dialled up to DIAL_TRIES times unless refused; the error names the machine and the fix. */
async function dial(m: Dial): Promise<Client> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dialOnce(m);
    } catch (err) {
      const e = err as DialError;
      if (e.final || attempt >= DIAL_TRIES) throw new Error(e.failure ? dialProblem(m, e.failure, e.offered, attempt) : e.message);
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

interface Pooled {
  client: Promise<Client>;
  limit: ReturnType<typeof pLimit>;
  busy: number;
  idle?: NodeJS.Timeout;
}

const pool = new Map<string, Pooled>();
const poolKey = (m: Dial) => JSON.stringify([m.address, m.port, m.user, m.privateKey, m.agent, m.hostKey]);

function connection(m: Dial): Pooled {
  const key = poolKey(m);
  let entry = pool.get(key);
  if (!entry) {
    const client = dial(m);
    const created: Pooled = { client, limit: pLimit(CHANNELS), busy: 0 };
    entry = created;
    pool.set(key, created);
    // A failed dial or a connection that drops is dialled again by the next use.
    client.then(
      (c) => c.once("close", () => pool.get(key) === created && pool.delete(key)),
      () => pool.get(key) === created && pool.delete(key),
    );
  }
  return entry;
}

/** Runs `use` on the machine's connection, holding it open meanwhile. */
async function withConnection<T>(m: Dial, use: (client: Client) => Promise<T>): Promise<T> {
  const entry = connection(m);
  entry.busy++;
  clearTimeout(entry.idle);
  try {
    const client = await entry.client;
    return await entry.limit(() => use(client));
  } finally {
    entry.busy--;
    if (entry.busy === 0) {
      entry.idle = setTimeout(() => {
        if (entry.busy === 0 && pool.get(poolKey(m)) === entry) {
          pool.delete(poolKey(m));
          entry.client.then((c) => c.end()).catch(() => undefined);
        }
      }, IDLE_CLOSE_MS);
      entry.idle.unref();
    }
  }
}

export interface ExecResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs `command` (a POSIX shell line) on the machine; `stdin` feeds it. Resolves with its exit code
 * and output whatever the code; rejects only when the machine cannot be reached or `timeoutMs` passes.
 */
export function exec(m: Dial, command: string, opts: { stdin?: Buffer | Readable; timeoutMs?: number } = {}): Promise<ExecResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return withConnection(
    m,
    (client) =>
      new Promise<ExecResult>((resolve, reject) => {
        client.exec(command, (err, stream) => {
          if (err) return reject(new Error(`kraftlab:machines.${m.name}: ${m.address} refused a command (${err.message})`));
          const out: Buffer[] = [];
          const errs: Buffer[] = [];
          const timer = setTimeout(() => {
            stream.close();
            reject(new Error(`kraftlab:machines.${m.name}: no answer from ${m.address} after ${timeoutMs / 1000} s to: ${command.slice(0, 200)}`));
          }, timeoutMs);
          stream.on("data", (c: Buffer) => out.push(c));
          stream.stderr.on("data", (c: Buffer) => errs.push(c));
          stream.once("close", (code: number | null) => {
            clearTimeout(timer);
            resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(errs).toString("utf8").trim() });
          });
          const stdin = opts.stdin;
          if (stdin === undefined) stream.end();
          else if (Buffer.isBuffer(stdin)) stream.end(stdin);
          else stdin.pipe(stream);
        });
      }),
  );
}

/** exec, failing unless the command exits 0; its stdout as text. */
export async function run(m: Dial, command: string, what: string, opts: { stdin?: Buffer | Readable; timeoutMs?: number } = {}): Promise<string> {
  const result = await exec(m, command, opts);
  if (result.code !== 0) {
    throw new Error(`${what} on machine ${m.name} (${m.address}) failed (exit ${result.code}): ${result.stderr || result.stdout.toString("utf8").trim()}`);
  }
  return result.stdout.toString("utf8");
}

/** A value as one word of a POSIX shell line. */
export const shq = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
