// Builders shared by the unit tests.

import { type AclConfig, type LabConfig, parseLabConfig } from "./model/config";
import type { NodeRun } from "./runtime/runtime";

/** A parsed config: `nodes` as "roles" strings by id, e.g. { 1: "broker,controller" }. */
export function labConfig(nodes: Record<number, string>, rest: Record<string, unknown> = {}): LabConfig {
  return parseLabConfig({
    nodes: Object.entries(nodes).map(([id, roles]) => ({ id: Number(id), roles: roles.split(",") })),
    ...rest,
  });
}

export const COMBINED_3 = { 1: "broker,controller", 2: "broker,controller", 3: "broker,controller" };

/** A node as the reconcilers run it, on Kafka 4.3.1, config "c2" (static part "s2"), one tunable. */
export const nodeRun = (id: number, roles: string[]): NodeRun => ({
  id,
  roles,
  heap: "512m",
  jvmOptions: "",
  version: "4.3.1",
  dir: `/l/node-${id}`,
  configFile: `/l/node-${id}/server.properties`,
  logFile: "/l/log",
  pidFile: "/l/pid",
  dataDir: "/l/data",
  published: [],
  configHash: "c2",
  staticHash: "s2",
  tunables: { "log.retention.ms": "1000" },
});

/** alice may not write any topic: the lab's example ACL. */
export const denyAliceWrite: AclConfig = {
  principal: "User:alice",
  permission: "Deny",
  operation: "Write",
  resourceType: "Topic",
  resourceName: "*",
  patternType: "Literal",
  host: "*",
};
