// What the cluster-operation resources do, inside the dynamic provider process (see provider/shim.ts).
import { type Handler, readBack, same } from "../provider/handler";
import { type Admin, partitions } from "./admin";
import { type Move, rebalance } from "./reassign";

export interface RebalanceInputs {
  admin: Admin;
  /** The brokers the partitions are spread over. */
  brokers: number[];
  throttleBytesPerSecond: number;
  timeoutMs: number;
  /** Where the reassignment files go while it runs. */
  workDir: string;
}
export interface RebalanceOutputs extends RebalanceInputs {
  /** What the last rebalance moved. */
  moved: Move[];
}

/** Every topic but Kafka's own (`__consumer_offsets`, …), over every broker. */
async function spread(inputs: RebalanceInputs): Promise<RebalanceOutputs> {
  const current = await partitions(inputs.admin);
  const topics = [...new Set(current.map((p) => p.topic))].filter((t) => !t.startsWith("__")).sort();
  const moved = await rebalance(inputs.admin, current, topics, inputs.brokers, {
    workDir: inputs.workDir,
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

export const opsHandlers = { rebalance: rebalanceHandler };
