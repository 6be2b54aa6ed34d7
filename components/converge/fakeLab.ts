// A lab of fake nodes for the tests of converging (the way Strimzi tests its KafkaRoller): a fake
// runtime and a fake cluster client with typed answers. It comes in every runtime's shape: pids and
// files here (process), container ids and files here (Docker), pids and files on each node's machine
// (SSH), which converging reaches only through the runtime. Used by the tests alone.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ClusterClient, FeatureLevels, QuorumDescription } from "../client/cluster";
import { putFile, readIfExists } from "../host/files";
import type { NodeRef, NodeRun, Runtime } from "../runtime/runtime";
import { converge } from "./converge";
import type { RunningNodesInputs } from "./inputs";

const unused = async (): Promise<never> => {
  throw new Error("not used by converging");
};

export type Shape = Runtime["kind"];
export const SHAPES: Shape[] = ["process", "docker", "ssh"];

/** A lab of fake nodes: the runtime that runs them, and the cluster client that answers about them. */
export class FakeLab implements Runtime {
  readonly events: string[] = [];
  /** With the SSH shape: each machine's files, by machine and path. */
  readonly remote = new Map<string, { data: Buffer; mode: number }>();
  constructor(readonly kind: Shape) {}
  readonly faults = { kill: unused, freeze: unused, thaw: unused, isolation: { unavailable: "a fake" }, wipe: unused };
  private next = 100;
  private readonly refs = new Map<number, string>();
  /** The nodes started as brokers. */
  private readonly brokerIds = new Set<number>();
  /** Nodes that die while starting. */
  readonly failing = new Set<number>();
  underReplicated = 0;
  /** The replicas of the one partition (t-0): brokers 4 and 5 unless set. */
  replicas = [4, 5];
  leader = 2;
  kraftVersion = 1;
  /** Finalized levels of the features other than kraft.version, by name. */
  readonly finalized: Record<string, string> = {};
  /** Tunables Kafka holds read-only (describeConfigs). */
  readonly readOnly = new Set<string>();
  /** What `kafka-features version-mapping` prints. */
  versionMapping = "";
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
    if (node.roles.includes("broker")) this.brokerIds.add(node.id);
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
  async tool(name: string, args: string[]) {
    return name === "kafka-features" && args.includes("version-mapping") ? this.versionMapping : "";
  }

  private features(): Record<string, FeatureLevels> {
    const levels = Object.entries(this.finalized).map(([name, finalized]) => [name, { supportedMin: "0", supportedMax: "30", finalized }]);
    return { "kraft.version": { supportedMin: "0", supportedMax: "1", finalized: String(this.kraftVersion) }, ...Object.fromEntries(levels) };
  }

  /** The cluster as a client sees it: every running node caught up (and unfenced), the others far behind. */
  readonly client: ClusterClient = {
    partitions: async () => [
      {
        topic: "t",
        partition: 0,
        leader: this.replicas[0],
        replicas: this.replicas,
        isr: this.underReplicated > 0 ? [this.replicas[0]] : this.replicas,
        minIsr: 1,
      },
    ],
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
    features: async () => this.features(),
    updateFeatures: async (levels) => {
      for (const [name, level] of Object.entries(levels)) {
        this.events.push(`upgrade ${name}=${level}`);
        if (name !== "kraft.version") this.finalized[name] = String(level);
      }
      this.kraftVersion = 1;
    },
    brokers: async () => ({
      controllerId: this.leader,
      brokers: [...this.refs.keys()]
        .filter((id) => this.brokerIds.has(id))
        .sort((a, b) => a - b)
        .map((id) => ({ id, host: "127.0.0.1", port: 9092, fenced: false })),
    }),
    electPreferred: async () => {
      this.events.push("elect preferred leaders");
    },
    activeController: unused,
    unregisterBroker: async (id) => {
      this.events.push(`unregister ${id}`);
    },
    describeConfigs: async (resources) =>
      resources.map(() => ({
        "num.io.threads": { value: "4", source: "STATIC_BROKER_CONFIG", readOnly: this.readOnly.has("num.io.threads"), sensitive: false },
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
    executeReassignment: async (partitions) => {
      for (const p of partitions) this.events.push(`reassign ${p.topic}-${p.partition} to ${p.replicas.join(",")}`);
      this.replicas = partitions[0]?.replicas ?? this.replicas;
    },
    verifyReassignment: async () => ({ done: true, pending: [] }),
  };
}

/** Every node rolled for a new launch, brokers first, the active controller (2) last. */
export const ROLL = ["stop 4", "start 4", "stop 5", "start 5", "stop 1", "start 1", "stop 3", "start 3", "stop 2", "start 2", "elect preferred leaders"];

export const up = (lab: FakeLab, olds: RunningNodesInputs | undefined, news: RunningNodesInputs) => converge(lab, lab.client, olds, news);

/** The lab a test works on: its directory and its fake, made afresh for each test (fresh). */
export const lab = { dir: "", fake: new FakeLab("process") };

export function fresh(shape: Shape): void {
  lab.dir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-converge-"));
  lab.fake = new FakeLab(shape);
}

export const cleanUp = () => fs.rmSync(lab.dir, { recursive: true, force: true });

/** Node `id` with `roles`, wanting launch `hash` (`<static>+<num.io.threads>`, e.g. "v1+8"). */
export function node(id: number, roles: string[], hash: string): NodeRun {
  const nodeDir = path.join(lab.dir, `node-${id}`);
  return {
    ...(lab.fake.kind === "ssh" && { machine: `m${id}` }),
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
export function inputs(hash: string, overrides: Partial<RunningNodesInputs> = {}): RunningNodesInputs {
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

/** The inputs with these nodes, the controllers among them the voters. */
export const withNodes = (hash: string, nodes: NodeRun[], overrides: Partial<RunningNodesInputs> = {}) =>
  inputs(hash, { nodes, voters: nodes.filter((n) => n.roles.includes("controller")).map((n) => ({ id: n.id, host: "127.0.0.1", port: 9094 })), ...overrides });
