// The lab's topics as code: one Topic resource per entry of `kraftlab:topics`.
import type * as pulumi from "@pulumi/pulumi";
import type { Admin } from "../client/connect";
import type { LabConfig } from "../model/config";
import { Topic } from "../topics/resource";
import type { LabBase } from "./labBase";

export interface TopicsArgs {
  /** `topics` (name → partitions, replication factor, configs) and `allowTopicDeletion`. */
  config: Pick<LabConfig, "topics" | "allowTopicDeletion">;
  /** How the program reaches the cluster. */
  admin: pulumi.Input<Admin>;
  /** The running nodes: a topic is made once they run. */
  processes: pulumi.Resource;
  base: LabBase;
}

/** Makes `<name>-topic-<topic>` for each declared topic, children of `parent`, in the config's order. */
export function createTopics(name: string, parent: pulumi.Resource, args: TopicsArgs): Topic[] {
  const { config } = args;
  return Object.entries(config.topics).map(
    ([topic, spec]) =>
      new Topic(
        `${name}-topic-${topic}`,
        { name: topic, ...spec, admin: args.admin, allowDeletion: config.allowTopicDeletion },
        // A whole-lab destroy takes the topics with the cluster: no need to delete them one by one.
        { parent, dependsOn: [args.processes], deletedWith: args.base.labDir },
      ),
  );
}
