// The Topic resource (see provider/shim.ts for how it runs).
import * as pulumi from "@pulumi/pulumi";
import { type Inputs, shim } from "../provider/shim";
import type { TopicInputs } from "./handler";

/**
 * One Kafka topic, kept to its declared partitions and configs. Name the resource after the topic: a
 * renamed topic is then another resource (the old one deleted only with allowDeletion), never a rename.
 *
 * Options the caller gives: `dependsOn` the nodes (and operator.properties on a secure lab), and
 * `deletedWith` the lab directory, so that a whole-lab destroy does not delete topics one by one from a
 * cluster that is going anyway. `retainOnDelete` is not needed for safety: with allowDeletion false the
 * provider's delete leaves the topic in the cluster.
 */
export class Topic extends pulumi.dynamic.Resource {
  declare readonly partitions: pulumi.Output<number>;
  /** The topic's actual replication factor, also when the config leaves it to the cluster. */
  declare readonly replicationFactor: pulumi.Output<number>;

  constructor(name: string, args: Inputs<TopicInputs>, opts?: pulumi.CustomResourceOptions) {
    // replicationFactor listed even when unset, so the actual one the provider returns becomes an output.
    super(shim("topic"), name, { replicationFactor: undefined, ...args }, opts, "kraftlab", "Topic");
  }
}
