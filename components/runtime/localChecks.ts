// What the process and Docker runtimes check on this machine before anything is touched: which ports
// of their nodes are taken on it, and which nodes a lab directory holds.
import * as fs from "node:fs";
import * as path from "node:path";
import { getProperties } from "properties-file";
import { hostBindProblems, portIsFree } from "../host/thisMachine";
import type { BusyPort, LabCheck, Runtime } from "./runtime";

/** The nodes of this lab on disk (`<labDir>/node-<id>` with a server.properties), with their roles. */
export function nodesOnDisk(labDir: string): { id: number; roles: string[] }[] {
  if (!fs.existsSync(labDir)) return [];
  return fs
    .readdirSync(labDir)
    .map((entry) => ({ entry, id: Number(/^node-(\d+)$/.exec(entry)?.[1] ?? NaN) }))
    .filter(({ entry, id }) => !Number.isNaN(id) && fs.existsSync(path.join(labDir, entry, "server.properties")))
    .map(({ entry, id }) => {
      const props = getProperties(fs.readFileSync(path.join(labDir, entry, "server.properties"), "utf8"));
      return { id, roles: (props["process.roles"] ?? "").split(",") };
    });
}

/**
 * Ports of the lab's nodes that do not run, held by something else on this machine: the `kinds` a
 * node holds here (a container only those it publishes).
 */
export async function localBusyPorts(rt: Runtime, lab: LabCheck, kinds?: string[]): Promise<BusyPort[]> {
  const busy: BusyPort[] = [];
  // On a host that cannot be bound every port would read as busy: the host is the one problem then (hostBindProblems).
  if ((await hostBindProblems(lab.host)).length > 0) return busy;
  for (const node of lab.nodes) {
    if ((await rt.running(node)) !== undefined) continue; // its ports are its own
    for (const [kind, port] of Object.entries(node.ports)) {
      if (port === undefined || (kinds && !kinds.includes(kind))) continue;
      if (!(await portIsFree(lab.host, port))) busy.push({ nodeId: node.id, kind, port });
    }
  }
  return busy;
}
