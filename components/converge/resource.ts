// The running nodes as a Pulumi resource: its type and name are state's, its code is the handler's
// (handler.ts), reached through the shim.
import * as pulumi from "@pulumi/pulumi";
import { type Inputs, shim } from "../provider/shim";
import type { QuorumStatus } from "../quorum/outputs";
import type { NodeProcessesInputs } from "./inputs";

/** The cluster's running nodes: started, reloaded or restarted one at a time, drained when they leave. */
export class NodeProcesses extends pulumi.dynamic.Resource {
  declare readonly running: pulumi.Output<Record<string, string>>;
  declare readonly quorumStatus: pulumi.Output<QuorumStatus | undefined>;
  declare readonly finalized: pulumi.Output<Record<string, string> | undefined>;
  declare readonly versions: pulumi.Output<Record<string, string> | undefined>;

  constructor(name: string, args: Inputs<NodeProcessesInputs>, opts?: pulumi.CustomResourceOptions) {
    // tls holds the node keystores (private keys).
    super(
      shim("nodeProcesses"),
      name,
      { ...args, running: undefined, quorumStatus: undefined, finalized: undefined, versions: undefined },
      { additionalSecretOutputs: ["tls"], ...opts },
      "kraftlab",
      "NodeProcesses",
    );
  }
}
