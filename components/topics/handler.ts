// What the Topic resource does, inside the dynamic provider process (see provider/shim.ts): one
// Kafka topic brought to its declared shape through the cluster client on the INTERNAL listeners.
import type { ClusterClient } from "../client/cluster";
import type { Admin } from "../client/connect";
import { labClient } from "../cluster/client";
import type { TopicSpec } from "../model/schema/topics";
import { observedConfigs, topicChanges } from "../model/topics";
import { waitUntil } from "../ops/wait";
import { type Handler, same } from "../provider/handler";

export interface TopicInputs extends TopicSpec {
  name: string;
  /** How the program reaches the cluster (the INTERNAL listeners, as the nodes). */
  admin: Admin;
  /** kraftlab:allowTopicDeletion as of the last `up`: delete sees only the state, not the new config. */
  allowDeletion: boolean;
}

/** Inputs that change no topic, only how it is reached or removed: state must still follow them. */
const ACCESS: (keyof TopicInputs)[] = ["admin", "allowDeletion"];

const spec = (t: TopicSpec): TopicSpec => ({ partitions: t.partitions, replicationFactor: t.replicationFactor, configs: t.configs });

/**
 * Brings the topic to `t` from what the cluster has, not from state, which may be stale (an `up` without
 * refresh after the topic changed by hand). Only `managed` config keys are touched: other overrides on
 * an adopted topic are someone else's.
 */
async function converge(client: ClusterClient, t: TopicInputs, managed: string[]): Promise<TopicInputs> {
  const live = await client.topic(t.name);
  const current = live && { ...spec(live), configs: Object.fromEntries(Object.entries(live.configs).filter(([k]) => managed.includes(k))) };
  const changes = topicChanges(current, spec(t), t.name);
  if (changes.create) await client.createTopic(t.name, changes.create.partitions, changes.create.replicationFactor, changes.create.configs);
  if (changes.partitions) await client.createPartitions(t.name, changes.partitions);
  if (changes.configs) await client.alterConfigs({ type: "topic", name: t.name }, changes.configs.set, changes.configs.remove);
  // State keeps the actual replication factor, so a later explicit one is checked against it in diff.
  const replicationFactor = t.replicationFactor ?? live?.replicationFactor ?? (await createdReplicationFactor(client, t.name));
  return { ...t, replicationFactor };
}

/**
 * The replication factor Kafka gave a topic just created with the cluster's default. The broker that
 * answers may not have the new topic in its metadata yet: asked again until it has.
 */
async function createdReplicationFactor(client: ClusterClient, name: string): Promise<number> {
  let factor: number | undefined;
  await waitUntil(`after creating topic ${name}`, 30_000, async () => {
    factor = (await client.topic(name))?.replicationFactor;
    return factor === undefined ? [`topic ${name} to show in the cluster's metadata`] : [];
  });
  return factor as number;
}

const topic: Handler = {
  async create(inputs: TopicInputs) {
    // A topic that already exists (made by hand, or kept from an earlier stack) is adopted, not refused.
    return { id: inputs.name, outs: await converge(labClient(inputs.admin), inputs, Object.keys(inputs.configs)) };
  },
  async diff(_id, olds: TopicInputs, news: TopicInputs) {
    // The program names each resource after its topic, so a new name is a new resource; never a replace,
    // which would delete the topic's data.
    if (olds.name !== news.name) {
      throw new Error(
        `kraftlab:topics.${news.name}: this resource manages topic ${olds.name}, and Kafka cannot rename a topic; give each topic its own resource`,
      );
    }
    // Throws a refused change (fewer partitions, another replication factor), so `preview` stops on it.
    const changes = topicChanges(spec(olds), spec(news), news.name);
    return { changes: Object.keys(changes).length > 0 || ACCESS.some((k) => !same(olds[k], news[k])) };
  },
  async update(_id, olds: TopicInputs, news: TopicInputs) {
    // Keys that left the config are managed until removed from the topic.
    const managed = [...new Set([...Object.keys(olds.configs), ...Object.keys(news.configs)])];
    return { outs: await converge(labClient(news.admin), news, managed) };
  },
  async delete(_id, olds: TopicInputs) {
    // Without allowDeletion the topic, and its data, stays in the cluster: the stack only forgets it.
    if (!olds.allowDeletion) return;
    await labClient(olds.admin).deleteTopic(olds.name);
  },
  async read(id, props: TopicInputs) {
    const live = await labClient(props.admin).topic(props.name);
    // No id: Pulumi takes the resource as deleted.
    if (!live) return {};
    return {
      id,
      props: { ...props, partitions: live.partitions, replicationFactor: live.replicationFactor, configs: observedConfigs(props.configs, live.configs) },
    };
  },
};

export const topicHandlers = { topic };
