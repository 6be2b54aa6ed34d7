// The cluster-operation resources (see provider/shim.ts for how they run).
import * as pulumi from "@pulumi/pulumi";
import { type Inputs, shim } from "../provider/shim";
import type { ClusterDefaultsInputs, RebalanceInputs } from "./handlers";
import type { Move } from "./reassign";

/** Spreads the topics' partitions over the brokers whenever the set of brokers changes. */
export class Rebalance extends pulumi.dynamic.Resource {
  /** What the last rebalance moved. */
  declare readonly moved: pulumi.Output<Move[]>;

  constructor(name: string, args: Inputs<RebalanceInputs>, opts?: pulumi.CustomResourceOptions) {
    super(shim("rebalance"), name, { ...args, moved: undefined }, opts, "kraftlab", "Rebalance");
  }
}

/** Broker settings of the whole cluster (min.insync.replicas), set at run time. */
export class ClusterDefaults extends pulumi.dynamic.Resource {
  constructor(name: string, args: Inputs<ClusterDefaultsInputs>, opts?: pulumi.CustomResourceOptions) {
    super(shim("clusterDefaults"), name, args, opts, "kraftlab", "ClusterDefaults");
  }
}
