// The rolling restart against a fake runtime and a fake cluster client with typed answers (the way
// Strimzi tests its KafkaRoller): which nodes restart, in which order, what a gate that never passes
// or a node that never starts does, and how a second `up` resumes where an interrupted one stopped.
// Each runs on a fake of every runtime's shape: pids and files here (process), container ids and files
// here (Docker), pids and files on each node's machine (SSH), which the roller reaches only through the runtime.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ClusterClient, QuorumDescription } from "../client/cluster";
import { putFile, readIfExists } from "../host/files";
import type { NodeRef, NodeRun, Runtime } from "../runtime/runtime";
import { converge, type NodeProcessesInputs } from "./converge";

const unused = async (): Promise<never> => {
  throw new Error("not used by the roller");
};

type Shape = Runtime["kind"];

/** A lab of fake nodes: the runtime that runs them, and the cluster client that answers about them. */
class FakeLab implements Runtime {
  readonly events: string[] = [];
  /** With the SSH shape: each machine's files, by machine and path. */
  readonly remote = new Map<string, { data: Buffer; mode: number }>();
  constructor(readonly kind: Shape) {}
  readonly faults = { kill: unused, freeze: unused, thaw: unused, isolation: { unavailable: "a fake" }, wipe: unused };
  private next = 100;
  private readonly refs = new Map<number, string>();
  /** Nodes that die while starting. */
  readonly failing = new Set<number>();
  underReplicated = 0;
  leader = 2;
  kraftVersion = 1;
  /** addVoter calls to fail as Kafka does when it cannot route them yet. */
  unroutable = 0;
  /** Node id → the directory id of its storage; absent: not formatted. */
  readonly storage = new Map<number, string>();
  /** The quorum's voters: node id → directory id. */
  readonly voters = new Map<number, string>();
  private dirs = 0;

  /** The voters; a static quorum's are the controllers its nodes list (1-3). */
  voterIds(): number[] {
    return this.voters.size > 0 ? [...this.voters.keys()] : [1, 2, 3];
  }
  run(id: number): string {
    const n = this.next++;
    const ref = this.kind === "docker" ? `c0ffee${n}` : String(n);
    this.refs.set(id, ref);
    return ref;
  }
  async format(node: NodeRef, _clusterId: string, flags: string[]) {
    if (this.storage.has(node.id)) return { clusterId: "c", nodeId: String(node.id), directoryId: this.storage.get(node.id) };
    const dir = `dir${++this.dirs}`;
    this.storage.set(node.id, dir);
    this.events.push(`format ${node.id}${flags.length ? ` ${flags[0]}` : ""}`);
    // The first controllers bootstrap the voters: those the value lists, with their own directory ids.
    if (flags[0] === "--initial-controllers") this.voters.set(node.id, dir);
    return undefined;
  }
  async meta(node: NodeRef) {
    const dir = this.storage.get(node.id);
    return dir ? { clusterId: "c", nodeId: String(node.id), directoryId: dir } : undefined;
  }
  async start(node: NodeRun) {
    this.events.push(`start ${node.id}`);
    const ref = this.run(node.id);
    if (this.failing.has(node.id)) this.refs.delete(node.id);
    return { ref };
  }
  async runs(node: NodeRef, ref: string) {
    return this.refs.get(node.id) === ref;
  }
  async running(node: NodeRef) {
    return this.refs.get(node.id);
  }
  storageName(node: NodeRef) {
    return node.dataDir;
  }
  async problems() {
    return [];
  }
  async busyPorts() {
    return [];
  }
  async nodesOnDisk() {
    return [];
  }
  async stop(node: NodeRef) {
    if (!this.refs.has(node.id)) return "not running" as const;
    this.events.push(`stop ${node.id}`);
    this.refs.delete(node.id);
    return "stopped" as const;
  }
  /** A failing node's log ends with Kafka's fatal exception. */
  async log(node: NodeRef): Promise<string> {
    return this.failing.has(node.id)
      ? "[2026-12-06 04:38:41,312] ERROR Exiting Kafka due to fatal exception (kafka.Kafka$)\njava.lang.OutOfMemoryError: Java heap space"
      : "";
  }
  async put(node: NodeRef, file: string, data: Buffer, mode: number) {
    if (this.kind !== "ssh") return putFile(file, data, mode);
    this.remote.set(`${node.machine}:${file}`, { data, mode });
  }
  async read(node: NodeRef, file: string) {
    return this.kind === "ssh" ? this.remote.get(`${node.machine}:${file}`)?.data : readIfExists(file);
  }
  async remove() {}
  async tool() {
    return "";
  }

  /** The cluster as a client sees it: every running node caught up (and unfenced), the others far behind. */
  readonly client: ClusterClient = {
    partitions: async () => [{ topic: "t", partition: 0, leader: 4, replicas: [4, 5], isr: this.underReplicated > 0 ? [4] : [4, 5], minIsr: 1 }],
    quorum: async (): Promise<QuorumDescription> => {
      const now = Date.now();
      const replica = (id: number) => ({
        id,
        directoryId: this.storage.get(id) ?? "",
        logEndOffset: 10,
        lastFetchTimestamp: now,
        lastCaughtUpTimestamp: this.refs.has(id) ? now : 0,
      });
      return {
        leaderId: this.leader,
        leaderEpoch: 1,
        highWatermark: 10,
        voters: this.voterIds().map((id) => ({ ...replica(id), directoryId: this.voters.get(id) ?? "", endpoints: ["CONTROLLER://127.0.0.1:9094"] })),
        observers: [...this.storage.keys()].filter((id) => !this.voterIds().includes(id)).map(replica),
      };
    },
    addVoter: async (id, directoryId) => {
      if (this.unroutable-- > 0)
        throw new Error("addVoter: TimeoutException: Aborted add voter operation since API_VERSIONS returned an error BROKER_NOT_AVAILABLE");
      this.events.push(`add-controller ${id}`);
      this.voters.set(id, directoryId);
    },
    removeVoter: async (id, directoryId) => {
      this.events.push(`remove-controller ${id} ${directoryId}`);
      this.voters.delete(id);
    },
    features: async () => ({ "kraft.version": { supportedMin: "0", supportedMax: "1", finalized: String(this.kraftVersion) } }),
    updateFeatures: async (levels) => {
      for (const [name, level] of Object.entries(levels)) this.events.push(`upgrade ${name}=${level}`);
      this.kraftVersion = 1;
    },
    brokers: async () => ({
      controllerId: this.leader,
      brokers: [4, 5].filter((id) => this.refs.has(id)).map((id) => ({ id, host: "127.0.0.1", port: 9092, fenced: false })),
    }),
    electPreferred: async () => {
      this.events.push("elect preferred leaders");
    },
    activeController: unused,
    unregisterBroker: unused,
    describeConfigs: async (resources) =>
      resources.map(() => ({
        "num.io.threads": { value: "4", source: "STATIC_BROKER_CONFIG", readOnly: false, sensitive: false },
      })),
    alterConfigs: async (resource, set, remove) => {
      this.events.push(`alter ${resource.type} ${resource.name} ${JSON.stringify(set)} ${remove.join(",")}`);
    },
    createAcls: unused,
    deleteAcls: unused,
    alterScram: unused,
    alterQuotas: unused,
    topic: unused,
    createTopic: unused,
    createPartitions: unused,
    deleteTopic: unused,
    generateAssignment: unused,
    executeReassignment: unused,
    verifyReassignment: unused,
  };
}

/** Every node rolled for a new launch, brokers first, the active controller (2) last. */
const ROLL = ["stop 4", "start 4", "stop 5", "start 5", "stop 1", "start 1", "stop 3", "start 3", "stop 2", "start 2", "elect preferred leaders"];

const up = (lab: FakeLab, olds: NodeProcessesInputs | undefined, news: NodeProcessesInputs) => converge(lab, lab.client, olds, news);

let dir: string;
let fake = new FakeLab("process");
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Node `id` with `roles`, wanting launch `hash`. */
function node(id: number, roles: string[], hash: string): NodeRun {
  const nodeDir = path.join(dir, `node-${id}`);
  return {
    ...(fake.kind === "ssh" && { machine: `m${id}` }),
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
    version: "4.3.1",
    configHash: hash,
    staticHash: hash.split("+")[0],
    tunables: { "num.io.threads": hash.includes("+") ? hash.split("+")[1] : "4" },
  };
}

/** Nodes 1-3 controllers, 4 and 5 brokers, each wanting launch `hash`. */
function inputs(hash: string, overrides: Partial<NodeProcessesInputs> = {}): NodeProcessesInputs {
  const nodes = [
    node(1, ["controller"], hash),
    node(2, ["controller"], hash),
    node(3, ["controller"], hash),
    node(4, ["broker"], hash),
    node(5, ["broker"], hash),
  ];
  return {
    runtime: { kind: "process", kafkaHome: "/fake" },
    nodes,
    clusterId: "c",
    kafkaVersion: "4.3.1",
    quorum: { mode: "dynamic", initialControllers: "1@127.0.0.1:9094:a,2@127.0.0.1:9094:b,3@127.0.0.1:9094:c" },
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

describe.each<Shape>(["process", "docker", "ssh"])("on the %s runtime's shape", (shape) => {
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-roller-"));
    fake = new FakeLab(shape);
  });

  it("keeps what each node runs with beside it, where it runs", async () => {
    await up(fake, undefined, inputs("v1"));
    const local = fs.readdirSync(dir);
    if (shape === "ssh") {
      expect(local).toEqual([]);
      expect([...fake.remote.keys()].filter((k) => k.endsWith("running.json")).sort()).toEqual(
        [1, 2, 3, 4, 5].map((id) => `m${id}:${path.join(dir, `node-${id}`, "running.json")}`),
      );
    } else expect(local.sort()).toEqual(["node-1", "node-2", "node-3", "node-4", "node-5"]);
  });

  describe("the rolling restart", () => {
    it("starts a new cluster's nodes at once, then keeps them on an up with nothing new", async () => {
      const rt = fake;
      const created = await up(rt, undefined, inputs("v1"));
      expect(rt.events.filter((e) => e.startsWith("start")).sort()).toEqual(["start 1", "start 2", "start 3", "start 4", "start 5"]);
      expect(Object.values(created.running).every((ref) => ref !== "")).toBe(true);
      rt.events.length = 0;
      const again = await up(rt, inputs("v1"), inputs("v1"));
      expect(rt.events).toEqual([]);
      expect(again.running).toEqual(created.running);
    });

    it("restarts one node at a time, brokers first, the active controller last", async () => {
      const rt = fake;
      await up(rt, undefined, inputs("v1"));
      rt.events.length = 0;
      await up(rt, inputs("v1"), inputs("v2"));
      expect(rt.events).toEqual(ROLL);
    });

    it("changes a broker's dynamic tunable in place, restarting no node; controllers roll", async () => {
      const rt = fake;
      await up(rt, undefined, inputs("v1"));
      rt.events.length = 0;
      await up(rt, inputs("v1"), inputs("v1+8"));
      expect(rt.events).toEqual(['alter broker 4 {"num.io.threads":"8"} ', 'alter broker 5 {"num.io.threads":"8"} ', ...ROLL.slice(4)]);
    });

    it("stops nothing while a gate never passes, and says what it waited for", async () => {
      const rt = fake;
      await up(rt, undefined, inputs("v1"));
      rt.events.length = 0;
      rt.underReplicated = 1;
      await expect(up(rt, inputs("v1"), inputs("v2"))).rejects.toThrow(
        "before restarting node 4: still waiting after 2 s for 1 partition(s) that would fall below min.insync.replicas without broker 4 (t-0)",
      );
      expect(rt.events).toEqual([]);
    });

    it("stops at a node that does not start, leaving the rest on their old launch; the next up resumes from there", async () => {
      const rt = fake;
      await up(rt, undefined, inputs("v1"));
      rt.events.length = 0;
      rt.failing.add(5);
      await expect(up(rt, inputs("v1"), inputs("v2"))).rejects.toThrow(
        /^node 5 exited while starting: Exiting Kafka due to fatal exception: java\.lang\.OutOfMemoryError: Java heap space; its log: /,
      );
      expect(rt.events).toEqual(["stop 4", "start 4", "stop 5", "start 5"]);

      rt.failing.clear();
      rt.events.length = 0;
      await up(rt, inputs("v1"), inputs("v2"));
      // Node 4 already runs v2; node 5 (down) starts with the new nodes, then the controllers roll.
      expect(rt.events).toEqual(["start 5", "stop 1", "start 1", "stop 3", "start 3", "stop 2", "start 2", "elect preferred leaders"]);
    });
  });

  describe("the dynamic quorum", () => {
    const withNodes = (hash: string, nodes: NodeRun[]) =>
      inputs(hash, { nodes, voters: nodes.filter((n) => n.roles.includes("controller")).map((n) => ({ id: n.id, host: "127.0.0.1", port: 9094 })) });
    const five = (hash: string) => inputs(hash).nodes;

    it("formats the first controllers with --initial-controllers and brokers without a flag", async () => {
      const rt = fake;
      const created = await up(rt, undefined, inputs("v1"));
      expect(rt.events.filter((e) => e.startsWith("format")).sort()).toEqual([
        "format 1 --initial-controllers",
        "format 2 --initial-controllers",
        "format 3 --initial-controllers",
        "format 4",
        "format 5",
      ]);
      expect(created.quorumStatus?.voters.map((v) => v.id)).toEqual([1, 2, 3]);
      expect(created.finalized).toEqual({ "kraft.version": "1" });
    });

    it("adds a new controller after it started as an observer, restarting no other node; removes one before it stops", async () => {
      const rt = fake;
      await up(rt, undefined, inputs("v1"));
      rt.events.length = 0;
      const grown = withNodes("v1", [...five("v1"), node(6, ["controller"], "v1")]);
      await up(rt, inputs("v1"), grown);
      expect(rt.events).toEqual(["format 6 --no-initial-controllers", "start 6", "add-controller 6"]);
      expect([...rt.voters.keys()].sort()).toEqual([1, 2, 3, 6]);

      rt.events.length = 0;
      await up(rt, grown, inputs("v1"));
      expect(rt.events).toEqual([`remove-controller 6 ${rt.storage.get(6)}`, "stop 6"]);
      expect([...rt.voters.keys()].sort()).toEqual([1, 2, 3]);
    });

    it("tries a voter change again when Kafka could not route it yet", async () => {
      const rt = fake;
      await up(rt, undefined, inputs("v1"));
      rt.events.length = 0;
      rt.unroutable = 2;
      await up(rt, inputs("v1"), withNodes("v1", [...five("v1"), node(6, ["controller"], "v1")]));
      expect(rt.events).toEqual(["format 6 --no-initial-controllers", "start 6", "add-controller 6"]);
    });

    it("replaces the voter of a controller whose storage was wiped: formatted anew, old directory removed, new one added", async () => {
      const rt = fake;
      await up(rt, undefined, inputs("v1"));
      const old = rt.storage.get(2);
      await rt.stop({ id: 2 } as NodeRef);
      rt.storage.delete(2);
      rt.events.length = 0;
      await up(rt, inputs("v1"), inputs("v1"));
      expect(rt.events).toEqual(["format 2 --no-initial-controllers", "start 2", `remove-controller 2 ${old}`, "add-controller 2"]);
      expect(rt.voters.get(2)).toBe(rt.storage.get(2));
    });

    it("refuses a wiped controller of a static quorum before starting anything", async () => {
      const rt = fake;
      const staticLab = inputs("v1", { quorum: { mode: "static", initialControllers: "" } });
      await up(rt, undefined, staticLab);
      await rt.stop({ id: 2 } as NodeRef);
      rt.storage.delete(2);
      rt.events.length = 0;
      await expect(up(rt, staticLab, staticLab)).rejects.toThrow(/controller\(s\) 2 lost their storage, and a static quorum cannot take a voter back/);
      expect(rt.events).toEqual([]);
    });

    it("refuses to remove a majority of the voters at once, or every controller, touching nothing", async () => {
      const rt = fake;
      await up(rt, undefined, inputs("v1"));
      rt.events.length = 0;
      const brokersAnd1 = withNodes(
        "v1",
        five("v1").filter((n) => n.id !== 2 && n.id !== 3),
      );
      await expect(up(rt, inputs("v1"), brokersAnd1)).rejects.toThrow(/removing controllers 2, 3 at once would leave 1 of 3 voters/);
      expect(rt.events).toEqual([]);
    });

    it("migrates a static quorum: kraft.version 1 by name, then the nodes roll onto their new config", async () => {
      const rt = fake;
      const staticLab = inputs("v1", { quorum: { mode: "static", initialControllers: "" } });
      await up(rt, undefined, staticLab);
      for (const id of [1, 2, 3]) rt.voters.set(id, rt.storage.get(id) as string);
      rt.kraftVersion = 0;
      rt.events.length = 0;
      await up(rt, staticLab, inputs("v2"));
      expect(rt.events[0]).toBe("upgrade kraft.version=1");
      expect(rt.events.slice(1)).toEqual(ROLL);
    });
  });
});
