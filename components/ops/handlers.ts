// What the cluster-operation resources do, inside the dynamic provider process (see provider/shim.ts).
import type { Admin } from "../client/connect";
import { labClient } from "../cluster/client";
import { type Handler, readBack, same } from "../provider/handler";
import { type Move, rebalance } from "./reassign";

export interface RebalanceInputs {
  admin: Admin;
  /** The brokers the partitions are spread over. */
  brokers: number[];
  throttleBytesPerSecond: number;
  timeoutMs: number;
}
export interface RebalanceOutputs extends RebalanceInputs {
  /** What the last rebalance moved. */
  moved: Move[];
}

/** Every topic but Kafka's own (`__consumer_offsets`, …), over every broker. */
async function spread(inputs: RebalanceInputs): Promise<RebalanceOutputs> {
  const client = labClient(inputs.admin);
  const current = await client.partitions();
  const topics = [...new Set(current.map((p) => p.topic))].filter((t) => !t.startsWith("__")).sort();
  const moved = await rebalance(client, current, topics, inputs.brokers, {
    throttleBytesPerSecond: inputs.throttleBytesPerSecond,
    timeoutMs: inputs.timeoutMs,
  });
  return { ...inputs, moved };
}

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

const rebalanceHandler: Handler = {
  async create(inputs: RebalanceInputs) {
    return { id: "rebalance", outs: await spread(inputs) };
  },
  async diff(_id, olds: RebalanceOutputs, news: RebalanceInputs) {
    // Only a new set of brokers calls for a new spread; other inputs apply to the next one.
    return { changes: !same(sorted(olds.brokers), sorted(news.brokers)) };
  },
  async update(_id, _olds, news: RebalanceInputs) {
    return { outs: await spread(news) };
  },
  async delete() {},
  read: readBack,
};

/** Broker settings of the whole cluster, set at run time (what `kafka-configs --entity-default` sets). */
export interface ClusterDefaultsInputs {
  admin: Admin;
  configs: Record<string, string>;
}

/**
 * Settings Kafka keeps as cluster defaults: with eligible leader replicas (on by default since 4.1)
 * min.insync.replicas cannot be set per broker, and the cluster default, written when the cluster is
 * formatted, wins over server.properties; so it is set here, and a change needs no restart.
 */
async function setDefaults(inputs: ClusterDefaultsInputs): Promise<ClusterDefaultsInputs> {
  await labClient(inputs.admin).alterConfigs({ type: "broker", name: "" }, inputs.configs, []);
  return inputs;
}

const clusterDefaults: Handler = {
  async create(inputs: ClusterDefaultsInputs) {
    return { id: "cluster-defaults", outs: await setDefaults(inputs) };
  },
  async diff(_id, olds: ClusterDefaultsInputs, news: ClusterDefaultsInputs) {
    return { changes: !same(olds.configs, news.configs) };
  },
  async update(_id, _olds, news: ClusterDefaultsInputs) {
    return { outs: await setDefaults(news) };
  },
  // Kafka refuses to delete min.insync.replicas' default while ELR is on; the lab's destroy takes it anyway.
  async delete() {},
  read: readBack,
};

export const opsHandlers = { rebalance: rebalanceHandler, clusterDefaults };
