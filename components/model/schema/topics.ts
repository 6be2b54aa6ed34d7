// The `kraftlab:topics` and `kraftlab:allowTopicDeletion` config keys, in model/config.ts's style: the
// program's config schema embeds these, so messages come out as `kraftlab:topics.<name>…: …`.
import { z } from "zod";

/** Kafka's own rule (org.apache.kafka.common.internals.Topic): checked here so `preview` says it first. */
export function topicNameProblem(name: string): string | undefined {
  if (name === "." || name === "..") return `"${name}" is not a legal topic name; pick another`;
  if (name.length > 249) return `${name.length} characters; Kafka allows at most 249, shorten it`;
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) return "letters, digits, '.', '_' and '-' only; rename the topic";
  return undefined;
}

/** One topic of `kraftlab:topics`, e.g. `{ partitions: 3, configs: { retention.ms: 3600000 } }`. */
const topicSchema = z.strictObject({
  /** How many partitions; default 1. Can grow (keyed records then map to other partitions) but never shrink: Kafka cannot remove one. */
  partitions: z.number().int().min(1).default(1),
  /** Unset: the cluster's default.replication.factor (kraftlab:replication.factor). Fixed once created. */
  replicationFactor: z.number().int().min(1).optional(),
  /** Topic-level configs (retention.ms, cleanup.policy, …), written as given; Kafka rejects unknown keys. Default none. */
  configs: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

/**
 * `kraftlab:topics`: topic name → its declared shape, e.g. `{ orders: { partitions: 3 } }`; default none.
 * A topic that leaves this map is deleted only with `allowTopicDeletion`.
 */
export const topicsSchema = z
  .record(z.string(), topicSchema)
  .superRefine((topics, ctx) => {
    // A refinement rather than a key schema: zod reports a bad key only as "Invalid key in record".
    for (const name of Object.keys(topics)) {
      const problem = topicNameProblem(name);
      if (problem) ctx.addIssue({ code: "custom", path: [name], message: problem });
    }
  })
  .default({});

/**
 * Whether a topic removed from `kraftlab:topics` is deleted from the cluster, with its data. Off by
 * default: the topic is then only forgotten by the stack and stays in the cluster. Pulumi deletes with
 * the state it holds, so turn this on with an `up` before the `up` that removes the topic.
 */
export const allowTopicDeletionSchema = z.boolean().default(false);

export type TopicsConfig = z.infer<typeof topicsSchema>;
export type TopicSpec = z.infer<typeof topicSchema>;
export type TopicConfigValue = TopicSpec["configs"][string];
