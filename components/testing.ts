// Builders shared by the unit tests.
import { type LabConfig, parseLabConfig } from "./config";

/** A parsed config: `nodes` as "roles" strings by id, e.g. { 1: "broker,controller" }. */
export function labConfig(nodes: Record<number, string>, rest: Record<string, unknown> = {}): LabConfig {
  return parseLabConfig({
    nodes: Object.entries(nodes).map(([id, roles]) => ({ id: Number(id), roles: roles.split(",") })),
    ...rest,
  });
}

export const COMBINED_3 = { 1: "broker,controller", 2: "broker,controller", 3: "broker,controller" };
