// The rolling restart against a fake runtime and a fake cluster (the way Strimzi tests its
// KafkaRoller): which nodes restart, in which order, what a gate that never passes or a node that
// never starts does, and how a second `up` resumes where an interrupted one stopped.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { NodeRef, Runtime } from "../runtime/runtime";
import type { NodeRun } from "./rollout";
import { converge, type NodeProcessesInputs } from "./supervisor";

/** A cluster of fake nodes: what they run, what the roller did to them, and what the tools answer. */
class FakeRuntime implements Runtime {
  readonly kind = "process" as const;
  readonly events: string[] = [];
  private next = 100;
  private readonly refs = new Map<number, string>();
  /** Nodes that die while starting. */
  readonly failing = new Set<number>();
  underReplicated = 0;
  leader = 2;

  run(id: number): string {
    const ref = String(this.next++);
    this.refs.set(id, ref);
    return ref;
  }
  async format() {
    return undefined;
  }
  async start(node: NodeRun) {
    this.events.push(`start ${node.id}`);
    const ref = this.run(node.id);
    const logOffset = fs.existsSync(node.logFile) ? fs.statSync(node.logFile).size : 0;
    fs.mkdirSync(path.dirname(node.logFile), { recursive: true });
    if (this.failing.has(node.id)) this.refs.delete(node.id);
    else fs.appendFileSync(node.logFile, "Kafka Server started\nCompleted transition to Leader\nThe broker has been unfenced\n");
    return { ref, logOffset };
  }
  async runs(node: NodeRef, ref: string) {
    return this.refs.get(node.id) === ref;
  }
  async stop(node: NodeRef) {
    if (!this.refs.has(node.id)) return "not running" as const;
    this.events.push(`stop ${node.id}`);
    this.refs.delete(node.id);
    return "stopped" as const;
  }
  async remove() {}
  async tool(name: string) {
    if (name === "kafka-topics") {
      const isr = this.underReplicated > 0 ? "1" : "1,2,3";
      return `\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: ${isr}\n`;
    }
    if (name === "kafka-metadata-quorum") {
      const rows = [1, 2, 3].map((id) => `${id} d 10 0 0 0 ${id === this.leader ? "Leader" : "Follower"}`);
      return ["NodeId DirectoryId LogEndOffset Lag LastFetchTimestamp LastCaughtUpTimestamp Status", ...rows].join("\n");
    }
    return "";
  }
}

const fake = { current: new FakeRuntime() };
vi.mock("../runtime/select", () => ({ runtimeFor: () => fake.current }));

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-roller-"));
  fake.current = new FakeRuntime();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Nodes 1-3 controllers, 4 and 5 brokers, each wanting launch `hash`. */
function inputs(hash: string, overrides: Partial<NodeProcessesInputs> = {}): NodeProcessesInputs {
  const node = (id: number, roles: string[]): NodeRun => {
    const nodeDir = path.join(dir, `node-${id}`);
    fs.mkdirSync(nodeDir, { recursive: true });
    return {
      id,
      roles,
      heap: "512m",
      dir: nodeDir,
      dataDir: path.join(nodeDir, "data"),
      configFile: path.join(nodeDir, "server.properties"),
      logFile: path.join(nodeDir, "logs", "server.log"),
      pidFile: path.join(nodeDir, "kafka.pid"),
      published: [],
      jvmOptions: "",
      configHash: hash,
    };
  };
  return {
    runtime: { kind: "process", kafkaHome: "/fake" },
    nodes: [node(1, ["controller"]), node(2, ["controller"]), node(3, ["controller"]), node(4, ["broker"]), node(5, ["broker"])],
    voters: [1, 2, 3].map((id) => ({ id, host: "127.0.0.1", port: 9094 })),
    admin: { runtime: { kind: "process", kafkaHome: "/fake" }, bootstrapServers: "fake:9093" },
    protocols: { external: "PLAINTEXT", internal: "PLAINTEXT", controller: "PLAINTEXT" },
    drain: [],
    throttleBytesPerSecond: 1024,
    readyTimeoutMs: 2_000,
    stopTimeoutMs: 1_000,
    gateTimeoutMs: 1_500,
    ...overrides,
  };
}

describe("the rolling restart", () => {
  it("starts a new cluster's nodes at once, then keeps them on an up with nothing new", async () => {
    const rt = fake.current;
    const created = await converge(rt, undefined, inputs("v1"));
    expect(rt.events.sort()).toEqual(["start 1", "start 2", "start 3", "start 4", "start 5"]);
    expect(Object.values(created.running).every((ref) => ref !== "")).toBe(true);
    rt.events.length = 0;
    const again = await converge(rt, inputs("v1"), inputs("v1"));
    expect(rt.events).toEqual([]);
    expect(again.running).toEqual(created.running);
  });

  it("restarts one node at a time, brokers first, the active controller last", async () => {
    const rt = fake.current;
    await converge(rt, undefined, inputs("v1"));
    rt.events.length = 0;
    await converge(rt, inputs("v1"), inputs("v2"));
    expect(rt.events).toEqual(["stop 4", "start 4", "stop 5", "start 5", "stop 1", "start 1", "stop 3", "start 3", "stop 2", "start 2"]);
  });

  it("stops nothing while a gate never passes, and says what it waited for", async () => {
    const rt = fake.current;
    await converge(rt, undefined, inputs("v1"));
    rt.events.length = 0;
    rt.underReplicated = 1;
    await expect(converge(rt, inputs("v1"), inputs("v2"))).rejects.toThrow(
      "before the rolling restart: still waiting after 2 s for 1 under-replicated partition(s) (t-0)",
    );
    expect(rt.events).toEqual([]);
  });

  it("stops at a node that does not start, leaving the rest on their old launch; the next up resumes from there", async () => {
    const rt = fake.current;
    await converge(rt, undefined, inputs("v1"));
    rt.events.length = 0;
    rt.failing.add(5);
    await expect(converge(rt, inputs("v1"), inputs("v2"))).rejects.toThrow(/node 5 exited while starting/);
    expect(rt.events).toEqual(["stop 4", "start 4", "stop 5", "start 5"]);

    rt.failing.clear();
    rt.events.length = 0;
    await converge(rt, inputs("v1"), inputs("v2"));
    // Node 4 already runs v2; node 5 (down) starts with the new nodes, then the controllers roll.
    expect(rt.events).toEqual(["start 5", "stop 1", "start 1", "stop 3", "start 3", "stop 2", "start 2"]);
  });
});
