// What converging the nodes is given and gives back: the inputs and outputs of the RunningNodes
// resource. Pulumi state holds every property by these names, so none is ever renamed.
import type { Admin } from "../client/connect";
import type { ListenerProtocols } from "../model/listeners";
import type { QuorumMode } from "../model/schema/quorum";
import type { FeaturesConfig } from "../model/schema/versions";
import type { QuorumStatus } from "../quorum/outputs";
import type { NodeRun } from "../runtime/runtime";
import type { RuntimeSpec } from "../runtime/spec";
import type { TlsMaterial } from "./rollout";

export interface RunningNodesInputs {
  /** Where the nodes run (process, Docker or machines over SSH). */
  runtime: RuntimeSpec;
  /** The lab directory on this machine (absent in a state written by an earlier release: then the nodes' parent). */
  labDir?: string;
  nodes: NodeRun[];
  /** What a node's storage is formatted for before it first starts. */
  clusterId: string;
  /** Dynamic or static, and the `--initial-controllers` of a dynamic lab (quorum/plan.ts). */
  quorum: { mode: QuorumMode; initialControllers: string };
  /** The release the nodes run: a node on another rolls onto it, unless the cluster finalized a newer one. */
  kafkaVersion: string;
  /** Features to finalize once every node runs kafkaVersion (versions/plan.ts). */
  features?: FeaturesConfig;
  /** The quorum's voters: a node stopping after its quorum is gone is killed sooner (see stopWithDeadline). */
  voters: { id: number; host: string; port: number }[];
  admin: Admin;
  /**
   * The protocol of each listener: broker TLS listeners reload their files in place, a TLS CONTROLLER
   * listener needs restarts (see tlsAction), and a protocol that changes restarts every node at once.
   */
  protocols: ListenerProtocols;
  /** The CA bundle and keystores, with security (secret: the keystores hold private keys). */
  tls?: TlsMaterial;
  /** Brokers that may leave the cluster after their replicas are moved away. */
  drain: number[];
  throttleBytesPerSecond: number;
  readyTimeoutMs: number;
  stopTimeoutMs: number;
  /** How long a health gate of the rolling restart may wait. */
  gateTimeoutMs: number;
}
export interface RunningNodesOutputs extends RunningNodesInputs {
  /** Node id → what runs as it: a pid or a container id ("" when nothing runs). */
  running: Record<string, string>;
  /** The quorum as the cluster last said it: voters (with directory ids and endpoints) and observers. */
  quorumStatus?: QuorumStatus;
  /** Finalized feature levels, by name. */
  finalized?: Record<string, string>;
  /** Node id → the release it runs ("" when not running). */
  versions?: Record<string, string>;
}

/** What the previous `up` left: its inputs, and what it read of the quorum (absent in a state written by an earlier release). */
export type Previous = RunningNodesInputs & Partial<Pick<RunningNodesOutputs, "quorumStatus" | "finalized">>;
