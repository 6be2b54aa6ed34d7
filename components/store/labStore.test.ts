import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { readIfExists } from "../host/files";
import { processSeen } from "../host/processSeen";
import type { NodeRef, Runtime } from "../runtime/runtime";
import {
  claimDirectory,
  inspectDirectory,
  mayRemove,
  quorumRecordFile,
  readDrained,
  readMarker,
  readRunningRecord,
  recordDrained,
  recordedQuorum,
  recordedRuntime,
  recordRuntime,
  withLease,
  writeRunningRecord,
} from "./labStore";
import { LAB_MARKER } from "./layout";
import { claimProblem, holderGone } from "./problems";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-store-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const dir = (name: string, files: Record<string, string> = {}) => {
  const d = path.join(root, name);
  fs.mkdirSync(d, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, file)), { recursive: true });
    fs.writeFileSync(path.join(d, file), text);
  }
  return d;
};
const read = (d: string, file: string) => fs.readFileSync(path.join(d, file), "utf8");
const KEY = "kraftlab:labDir";

describe("which directories a stack may claim and remove", () => {
  it("claims an absent or an empty directory", () => {
    expect(inspectDirectory(path.join(root, "new", "lab"))).toEqual({ kind: "absent" });
    expect(inspectDirectory(dir("empty"))).toEqual({ kind: "empty" });
    expect(claimProblem(KEY, "/x", { kind: "absent" }, "kraftlab/dev", false)).toBeUndefined();
    expect(claimProblem(KEY, "/x", { kind: "empty" }, "kraftlab/dev", false)).toBeUndefined();
  });

  it("never claims a directory holding files it did not create, naming some of them and the fix", () => {
    const foreign = dir("foreign", { "node-1/data/meta.properties": "cluster.id=X\n", "notes.txt": "mine" });
    const state = inspectDirectory(foreign);
    expect(state).toEqual({ kind: "foreign", entries: ["node-1", "notes.txt"] });
    expect(claimProblem(KEY, foreign, state, "kraftlab/dev", true)).toBe(
      `kraftlab:labDir: ${foreign} already holds files that kraftlab did not create (node-1, notes.txt); kraftlab never writes into or removes such a directory: set kraftlab:labDir to a new or empty directory, or move ${foreign} away`,
    );
  });

  it("refuses a file, and a path below a file", () => {
    const file = path.join(dir("files"), "a-file");
    fs.writeFileSync(file, "x");
    expect(claimProblem(KEY, file, inspectDirectory(file), "s", true)).toBe(
      `kraftlab:labDir: ${file} is a file, not a directory; set kraftlab:labDir to a directory path`,
    );
    const below = path.join(file, "lab", "deeper");
    expect(claimProblem(KEY, below, inspectDirectory(below), "s", true)).toBe(
      `kraftlab:labDir: ${below} cannot be made: ${file} is a file, not a directory; set kraftlab:labDir to a directory path`,
    );
  });

  it("refuses another stack's directory, and its own stack's when state does not know it", () => {
    const other = dir("other");
    claimDirectory(other, "kraftlab/prod");
    expect(claimProblem(KEY, other, inspectDirectory(other), "kraftlab/dev", true)).toMatch(
      /belongs to kraftlab stack kraftlab\/prod; run `pulumi destroy` on that stack, or set kraftlab:labDir/,
    );
    expect(claimProblem(KEY, other, inspectDirectory(other), "kraftlab/prod", true)).toBeUndefined();
    expect(claimProblem(KEY, other, inspectDirectory(other), "kraftlab/prod", false)).toMatch(
      /holds a lab of stack kraftlab\/prod that this stack's state does not know/,
    );
  });

  it("removes only a directory that holds the token of the stack's state", () => {
    const mine = dir("mine");
    const { token } = claimDirectory(mine, "kraftlab/dev");
    expect(fs.statSync(path.join(mine, LAB_MARKER)).isFile()).toBe(true);
    expect(mayRemove(mine, token)).toBe(true);
    expect(mayRemove(mine, "another-token")).toBe(false);
    expect(mayRemove(dir("unmarked", { a: "b" }), token)).toBe(false);
    // A state written by an earlier release holds no token: it owns a directory with a (plain-text) marker.
    expect(mayRemove(dir("legacy", { [LAB_MARKER]: "This directory belongs to a kraftlab stack\n" }), undefined)).toBe(true);
    expect(mayRemove(dir("legacy-unmarked", { a: "b" }), undefined)).toBe(false);
  });

  it("writes the marker every release reads: .kraftlab-lab, a note, the stack and its token", () => {
    const marked = dir("marked");
    const { token } = claimDirectory(marked, "kraftlab/dev");
    expect(read(marked, ".kraftlab-lab")).toBe(
      `{\n  "note": "This directory belongs to kraftlab stack kraftlab/dev; \`pulumi destroy\` of that stack removes it.",\n  "stack": "kraftlab/dev",\n  "token": "${token}"\n}\n`,
    );
    expect(readMarker(marked)).toEqual({ stack: "kraftlab/dev", token });
    expect(readMarker(dir("plain", { ".kraftlab-lab": "This directory belongs to a kraftlab stack\n" }))).toBeUndefined();
  });
});

describe("the lab's records", () => {
  it("records what the lab runs on in runtime.json; a lab with nodes and no record runs processes", async () => {
    const lab = path.join(root, "runtime", "lab");
    await recordRuntime(lab, { kind: "docker", dockerHost: "unix:///d.sock" });
    expect(read(lab, "runtime.json")).toBe('{"kind":"docker","dockerHost":"unix:///d.sock"}\n');
    expect(recordedRuntime(lab)).toEqual({ kind: "docker", dockerHost: "unix:///d.sock" });
    await recordRuntime(lab, { kind: "ssh" });
    expect(read(lab, "runtime.json")).toBe('{"kind":"ssh"}\n');
    expect(recordedRuntime(dir("runtime-older", { "node-1/server.properties": "" }))).toEqual({ kind: "process" });
    expect(recordedRuntime(dir("runtime-none", { "notes.txt": "" }))).toBeUndefined();
  });

  it("gives the quorum record to write as quorum.json, and reads its mode back", () => {
    const lab = dir("quorum");
    expect(recordedQuorum(lab)).toBeUndefined();
    const file = quorumRecordFile(lab, "dynamic");
    expect(file).toEqual({ path: path.join(lab, "quorum.json"), content: '{"mode":"dynamic"}\n' });
    fs.writeFileSync(file.path, file.content);
    expect(recordedQuorum(lab)).toBe("dynamic");
  });

  it("keeps the drained brokers in drained.json, once each and in order; an unreadable record holds none", () => {
    const lab = dir("drained");
    expect(readDrained(lab)).toEqual([]);
    recordDrained(lab, 5);
    recordDrained(lab, 4);
    recordDrained(lab, 5);
    expect(read(lab, "drained.json")).toBe("[4,5]\n");
    expect(readDrained(lab)).toEqual([4, 5]);
    expect(readDrained(dir("drained-odd", { "drained.json": '{"not":"a list"}' }))).toEqual([]);
  });

  it("keeps what a node was started with in its running.json, through the runtime where it runs", async () => {
    const files = new Map<string, Buffer>();
    const rt = {
      put: async (node: NodeRef, file: string, data: Buffer) => void files.set(`${node.machine}:${file}`, data),
      read: async (node: NodeRef, file: string) => files.get(`${node.machine}:${file}`),
    } as unknown as Runtime;
    const node = { id: 1, machine: "m1", dir: "/lab/node-1" } as NodeRef;
    expect(await readRunningRecord(rt, node)).toBeUndefined();
    const record = { trustHash: "t", keystoreHash: "k", ref: "100", configHash: "c", version: "4.3.1", staticHash: "s", tunables: { a: "1" } };
    await writeRunningRecord(rt, node, record);
    expect(files.get("m1:/lab/node-1/running.json")?.toString()).toBe(
      '{"ref":"100","configHash":"c","staticHash":"s","tunables":{"a":"1"},"version":"4.3.1","keystoreHash":"k","trustHash":"t"}\n',
    );
    expect(await readRunningRecord(rt, node)).toEqual(record);
  });

  it("reads a running record of an earlier release, which holds a pid", async () => {
    const lab = dir("running-older", { "node-1/running.json": '{"pid":4242,"configHash":"c","keystoreHash":"","trustHash":""}\n' });
    const rt = { read: async (_node: NodeRef, file: string) => readIfExists(file) } as unknown as Runtime;
    expect(await readRunningRecord(rt, { id: 1, dir: path.join(lab, "node-1") } as NodeRef)).toEqual({
      pid: 4242,
      ref: "4242",
      configHash: "c",
      keystoreHash: "",
      trustHash: "",
    });
  });
});

describe("holderGone", () => {
  const holder = { pid: 4242, startedAt: 1_000_000, hostname: "h" };
  it("keeps a holder that runs, and one of another host", () => {
    expect(holderGone(holder, "h", { command: "node", startedAt: 1_000_400 })).toBeUndefined();
    expect(holderGone(holder, "other", undefined)).toBeUndefined();
  });
  it("lets a lease go whose holder is gone, or whose pid runs another process", () => {
    expect(holderGone(holder, "h", undefined)).toBe("pid 4242 no longer runs");
    expect(holderGone(holder, "h", { command: "node", startedAt: 9_000_000 })).toBe("pid 4242 now runs another process");
  });
});

describe("withLease", () => {
  const lab = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-lease-"));
  const file = path.join(lab, "converge.lease");
  afterEach(() => fs.rmSync(file, { force: true }));
  afterAll(() => fs.rmSync(lab, { recursive: true, force: true }));

  it("holds the lease while it works, and lets it go after", async () => {
    const seen = await withLease(lab, async () => JSON.parse(fs.readFileSync(file, "utf8")).pid);
    expect(seen).toBe(process.pid);
    expect(fs.existsSync(file)).toBe(false);
  });

  it("names its holder in converge.lease as every release reads it", async () => {
    const text = await withLease(lab, async () => fs.readFileSync(file, "utf8"));
    expect(text).toBe(JSON.stringify({ pid: process.pid, startedAt: processSeen(process.pid)?.startedAt, hostname: os.hostname() }));
  });

  it("waits for a live holder, then takes the lease", async () => {
    const holder = spawn("sleep", ["1"]);
    const pid = holder.pid as number;
    fs.writeFileSync(file, JSON.stringify({ pid, startedAt: processSeen(pid)?.startedAt, hostname: os.hostname() }));
    const exited = new Promise((resolve) => holder.on("exit", resolve)).then(() => fs.rmSync(file, { force: true }));
    const began = Date.now();
    let holderRan = true;
    await withLease(lab, async () => {
      holderRan = processSeen(pid) !== undefined;
    });
    await exited;
    expect(holderRan).toBe(false);
    expect(Date.now() - began).toBeGreaterThanOrEqual(500);
  });

  it("takes over the lease of a holder that is gone", async () => {
    fs.writeFileSync(file, JSON.stringify({ pid: 2 ** 22 + 1, startedAt: 0, hostname: os.hostname() }));
    expect(await withLease(lab, async () => "mine")).toBe("mine");
  });

  it("runs without a lease where the lab directory is gone, or none is known", async () => {
    expect(await withLease(path.join(lab, "gone"), async () => "ran")).toBe("ran");
    expect(await withLease(undefined, async () => "ran")).toBe("ran");
  });

  it("gives up on a holder that outlasts the wait, naming it", async () => {
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, startedAt: processSeen(process.pid)?.startedAt, hostname: "another-host" }));
    await expect(withLease(lab, async () => "never", 1_500)).rejects.toThrow(/another converge of this lab \(pid \d+ on another-host\) still runs/);
  });
});
