// `kafka-storage format`, run once per node and never again: a formatted directory is only ever
// checked, and one formatted for another cluster or node stops the run with its data untouched.
import type { NodeRef, Runtime, StorageMeta } from "../runtime/runtime";

/** Why this formatted directory cannot be used by (clusterId, nodeId), or undefined if it can. */
export function metaMismatch(meta: StorageMeta, want: { clusterId: string; nodeId: number; dataDir: string }): string | undefined {
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

/** Formats the node's log directory (with `flags`) unless it already is formatted for this cluster and node. */
export async function ensureFormatted(runtime: Runtime, node: NodeRef, clusterId: string, flags: string[] = []): Promise<"formatted" | "already formatted"> {
  let meta: StorageMeta | undefined;
  try {
    meta = await runtime.format(node, clusterId, flags);
  } catch (err) {
    throw new Error(`node ${node.id}: ${(err as Error).message}`);
  }
  if (!meta) return "formatted";
  const mismatch = metaMismatch(meta, { clusterId, nodeId: node.id, dataDir: runtime.storageName(node) });
  if (mismatch) throw new Error(mismatch);
  return "already formatted";
}
