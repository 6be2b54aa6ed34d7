// The running nodes' handler on the process runtime, over a lab whose nodes do not run (no Kafka
// started): what its diff says, what it reads back, and the lease it holds.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { nodeRun } from "../testing";
import { inputs } from "./fakeLab";
import { runningNodes } from "./handler";
import type { RunningNodesOutputs } from "./inputs";

const labDir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-handler-"));
afterAll(() => fs.rmSync(labDir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const nodes = [1, 2].map((id) => ({
  ...nodeRun(id, ["broker", "controller"]),
  dir: path.join(labDir, `node-${id}`),
  configFile: path.join(labDir, `node-${id}`, "server.properties"),
  pidFile: path.join(labDir, `node-${id}`, "kafka.pid"),
}));
const state: RunningNodesOutputs = {
  ...inputs("c2", { labDir, nodes, quorum: { mode: "dynamic", initialControllers: "" }, voters: [], readyTimeoutMs: 1_000, gateTimeoutMs: 1_000 }),
  running: { 1: "4242", 2: "4243" },
  quorumStatus: { leaderId: 1, voters: [], observers: [] },
};

describe("runningNodes", () => {
  it("changes when its nodes no longer run, its preview saying that each starts again", async () => {
    const said: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void said.push(line));
    expect(await runningNodes.diff("nodes", state, state)).toEqual({ changes: true });
    expect(said).toEqual(["kraftlab: node 1: not running: started again", "kraftlab: node 2: not running: started again"]);
  });

  it("reads back a node that no longer runs with no ref, so the next up starts it", async () => {
    expect((await runningNodes.read("nodes", state)).props.running).toEqual({ 1: "", 2: "" });
  });

  it("holds the lab's lease while it stops the nodes, and lets it go", async () => {
    await runningNodes.delete("nodes", state);
    expect(fs.readdirSync(labDir)).toEqual([]);
  });
});
