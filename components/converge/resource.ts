// The running nodes as a Pulumi resource, its code the handler's (handler.ts), reached through the
// shim. Its type, `kraftlab:NodeProcesses`, and its kind, "nodeProcesses", are the names state holds:
// a new type would replace the running nodes of every existing lab.
import * as pulumi from "@pulumi/pulumi";
import { type Inputs, shim } from "../provider/shim";
import type { QuorumStatus } from "../quorum/outputs";
import type { RunningNodesInputs } from "./inputs";

/** The cluster's running nodes: started, reloaded or restarted one at a time, drained when they leave. */
export class RunningNodes extends pulumi.dynamic.Resource {
  declare readonly running: pulumi.Output<Record<string, string>>;
  declare readonly quorumStatus: pulumi.Output<QuorumStatus | undefined>;
  declare readonly finalized: pulumi.Output<Record<string, string> | undefined>;
  declare readonly versions: pulumi.Output<Record<string, string> | undefined>;

  constructor(name: string, args: Inputs<RunningNodesInputs>, opts?: pulumi.CustomResourceOptions) {
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
