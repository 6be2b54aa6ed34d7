// `kraftlab:rebalance` as a resource: the topics' partitions spread over every broker whenever the set
// of brokers changes.
import type * as pulumi from "@pulumi/pulumi";
import type { Admin } from "../client/connect";
import type { LabConfig } from "../model/config";
import type { ClusterPlan } from "../model/topology";
import type { Move } from "../ops/reassign";
import { Rebalance } from "../ops/resources";
import type { LabBase } from "./labBase";

export interface RebalanceArgs {
  /** `rebalance` (whether to), `reassignmentThrottle` (bytes/s per broker while partitions move), `gateTimeoutSeconds`. */
  config: Pick<LabConfig, "rebalance" | "reassignmentThrottle" | "gateTimeoutSeconds">;
  /** Its brokers are those the partitions are spread over. */
  plan: ClusterPlan;
  /** How the program reaches the cluster. */
  admin: pulumi.Input<Admin>;
  /** The running nodes. */
  processes: pulumi.Resource;
  /** Every declared topic: made first, so that new topics are spread too. */
  topics: pulumi.Resource[];
  base: LabBase;
}

/**
 * With `config.rebalance`: makes `<name>-rebalance`, a child of `parent` that a whole-lab destroy
 * takes with the lab directory, and returns the partitions its last run moved. Without, undefined.
 */
export function createRebalance(name: string, parent: pulumi.Resource, args: RebalanceArgs): pulumi.Output<Move[]> | undefined {
  const { config } = args;
  if (!config.rebalance) return undefined;
  const rebalance = new Rebalance(
    `${name}-rebalance`,
    {
      admin: args.admin,
      brokers: args.plan.brokers.map((n) => n.id),
      throttleBytesPerSecond: config.reassignmentThrottle,
      timeoutMs: config.gateTimeoutSeconds * 1000,
    },
    { parent, dependsOn: [args.processes, ...args.topics], deletedWith: args.base.labDir },
  );
  return rebalance.moved;
}
