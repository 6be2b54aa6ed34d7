// The one interface every node effect goes through: place, format, start, stop, observe and remove a
// node, write and read its files where it runs, and run a Kafka tool against the cluster. The reconcilers
// decide; a Runtime only carries out, so the decisions run the same on processes, containers or fakes.
import type { NodeRun } from "../model/launch";
import type { RuntimeSetup, RuntimeSpec } from "./spec";

export type { NodeRun };

/** cluster.id, node.id and directory.id of a formatted log directory. */
export interface StorageMeta {
  clusterId?: string;
  nodeId?: string;
  directoryId?: string;
}

export type StopOutcome = "stopped" | "killed" | "not running";

/** The controllers of the quorum, so that a node stopping after the quorum is gone is killed sooner. */
export type Voter = { id: number; host: string; port: number };

/** What identifies a node and its files, for every effect but a start. */
export type NodeRef = Pick<NodeRun, "id" | "dir" | "dataDir" | "configFile" | "pidFile" | "container" | "machine">;

/** What the program checks where a lab will run, before anything is touched. */
export interface LabCheck {
  /** kraftlab:host: where the nodes' listeners bind (processes) or their ports are published (Docker). */
  host: string;
  labDir: string;
  /** `<project>/<stack>`, as lab markers name it. */
  stack: string;
  /** Whether the lab is new (its directory absent or empty): a Docker engine holding its volumes then holds another's. */
  isNew: boolean;
  /** The nodes, each with the ports it listens on. */
  nodes: (NodeRef & { ports: Partial<Record<string, number>> })[];
  /** What the LabRuntime resource is given: the image build (Docker), the machines the nodes name (SSH). */
  setup: RuntimeSetup;
}

/** A port of a node that something else holds where the node would listen: here, or on its machine. */
export interface BusyPort {
  nodeId: number;
  kind: string;
  port: number;
  /** With the SSH runtime: the machine, and its address. */
  machine?: { name: string; address: string };
}

/** A node's host name, as the listeners advertise it, and the address it has now. */
export interface NodeAddress {
  name: string;
  address: string;
}

/** The running nodes' addresses, asked afresh on each call (a container gets a new one each time it starts). */
export type NodeAddresses = () => Promise<NodeAddress[]>;

/** What a failure drill does to a node where it runs. */
export interface Faults {
  /** SIGKILL of the node: no controlled shutdown. */
  kill(node: NodeRef): Promise<void>;
  /** Stops the node's process in its tracks (SIGSTOP, a paused container), and lets it go on. */
  freeze(node: NodeRef): Promise<void>;
  thaw(node: NodeRef): Promise<void>;
  /** Cuts the node off the others' network and mends it; or why this runtime cannot. */
  isolation: { cut(node: NodeRef): Promise<void>; mend(node: NodeRef): Promise<void> } | { unavailable: string };
  /** Removes the storage of a node that does not run (its files stay): the next `up` formats it again. */
  wipe(node: NodeRef): Promise<void>;
}

export interface Runtime {
  readonly kind: RuntimeSpec["kind"];
  readonly faults: Faults;
  /**
   * `kafka-storage format` of the node's storage (with `flags`, e.g. --initial-controllers) unless it
   * is formatted: formatted storage is never touched. What it held before: the caller refuses another
   * cluster's; undefined when it was formatted now.
   */
  format(node: NodeRef, clusterId: string, flags: string[]): Promise<StorageMeta | undefined>;
  /** What the node's storage holds, or undefined when it is not formatted; changes nothing. */
  meta(node: NodeRef): Promise<StorageMeta | undefined>;
  /** Starts the node: `ref` names what runs (a pid, a container id). */
  start(node: NodeRun): Promise<{ ref: string }>;
  /** Whether `ref` still runs as this node. */
  runs(node: NodeRef, ref: string): Promise<boolean>;
  /** What runs as this node now (a pid, a container id), whatever started it; undefined when nothing does. */
  running(node: NodeRef): Promise<string | undefined>;
  /** Where the node's data lives, in words: its directory (on its machine), or its volume. */
  storageName(node: NodeRef): string;
  /** Controlled shutdown of whatever runs as this node, killed after `timeoutMs` or soon after its quorum is gone. */
  stop(node: NodeRef, timeoutMs: number, voters: Voter[]): Promise<StopOutcome>;
  /** The end of the node's log, read where the node runs ("" before its first start). */
  log(node: NodeRef & Pick<NodeRun, "logFile">): Promise<string>;
  /**
   * Writes a file of the node (its server.properties, keystore, trust bundle, what it runs with) where
   * the node reads it, with exactly `mode`; a file that already holds `data` is left as it is.
   */
  put(node: NodeRef, file: string, data: Buffer, mode: number): Promise<void>;
  /** A file of the node where the node reads it, or undefined when there is none. */
  read(node: NodeRef, file: string): Promise<Buffer | undefined>;
  /** Removes the node's storage, its files and whatever the runtime made for it. */
  remove(node: NodeRef): Promise<void>;
  /** Runs bin/<tool>.sh of Kafka where it reaches the INTERNAL listeners; its stdout. */
  tool(name: string, args: string[], timeoutMs?: number): Promise<string>;
  /**
   * What stops a lab there before anything is touched, each naming its key and fix: a host that is not
   * this machine's (processes); no image, or another lab's leftovers (Docker); a machine that does
   * not answer, has no Java or cannot take the lab (SSH).
   */
  problems(lab: LabCheck): Promise<string[]>;
  /** Ports of the lab's nodes that do not run, held by something else where they would listen. */
  busyPorts(lab: LabCheck): Promise<BusyPort[]>;
  /** The nodes a lab has where they run (a server.properties), with the roles they were given. */
  nodesOnDisk(labDir: string): Promise<{ id: number; roles: string[] }[]>;
  /**
   * Where this machine cannot resolve the names the nodes advertise (containers on the lab's own
   * network, Docker): their addresses, for the cluster client's hosts file. Absent where it can.
   */
  readonly nodeAddresses?: NodeAddresses;
}
