// `kafka-storage format`, run once per node and never again: a formatted directory is only ever
// checked, and one formatted for another cluster or node stops the run with its data untouched.
import * as fs from "node:fs";
import * as path from "node:path";
import { getProperties } from "properties-file";
import { kafkaTool } from "./tools";

/** cluster.id and node.id of a formatted log directory, or undefined when it is not formatted. */
export function readMeta(dataDir: string): { clusterId?: string; nodeId?: string } | undefined {
  const file = path.join(dataDir, "meta.properties");
  if (!fs.existsSync(file)) return undefined;
  const props = getProperties(fs.readFileSync(file, "utf8"));
  return { clusterId: props["cluster.id"], nodeId: props["node.id"] };
}

/** Why this formatted directory cannot be used by (clusterId, nodeId), or undefined if it can. */
export function metaMismatch(meta: { clusterId?: string; nodeId?: string }, want: { clusterId: string; nodeId: number; dataDir: string }): string | undefined {
  if (meta.clusterId !== want.clusterId) {
    return (
      `${want.dataDir} is formatted for cluster ${meta.clusterId}, but this lab's cluster is ${want.clusterId}. ` +
      `kraftlab never reformats a log directory: move that directory away (or run \`npm run down\` on the lab that owns it) and run \`pulumi up\` again`
    );
  }
  if (meta.nodeId !== String(want.nodeId)) {
    return `${want.dataDir} is formatted for node ${meta.nodeId}, not node ${want.nodeId}; move that directory away and run \`pulumi up\` again`;
  }
  return undefined;
}

/** Formats the node's log directory unless it already is formatted for this cluster and node. */
export async function ensureFormatted(spec: {
  kafkaHome: string;
  configFile: string;
  dataDir: string;
  clusterId: string;
  nodeId: number;
}): Promise<"formatted" | "already formatted"> {
  const meta = readMeta(spec.dataDir);
  if (meta) {
    const mismatch = metaMismatch(meta, spec);
    if (mismatch) throw new Error(mismatch);
    return "already formatted";
  }
  try {
    await kafkaTool(spec.kafkaHome, "kafka-storage", ["format", "--config", spec.configFile, "--cluster-id", spec.clusterId]);
  } catch (err) {
    throw new Error(`node ${spec.nodeId}: ${(err as Error).message}`);
  }
  return "formatted";
}
