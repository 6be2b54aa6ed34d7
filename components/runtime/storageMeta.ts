// What a formatted log directory says of itself (meta.properties), as a runtime reads it where the
// storage lives.
import * as fs from "node:fs";
import * as path from "node:path";
import { getProperties } from "properties-file";
import type { StorageMeta } from "./runtime";

/** What meta.properties says. */
export const metaOf = (props: Record<string, string>): StorageMeta => ({
  clusterId: props["cluster.id"],
  nodeId: props["node.id"],
  directoryId: props["directory.id"],
});

/** cluster.id, node.id and directory.id of a formatted log directory on this machine, or undefined when it is not formatted. */
export function readMeta(dataDir: string): StorageMeta | undefined {
  const file = path.join(dataDir, "meta.properties");
  if (!fs.existsSync(file)) return undefined;
  const props = getProperties(fs.readFileSync(file, "utf8"));
  return metaOf(props);
}
