// The JMX exporter agent on a node: the JVM option that loads it, and its rules (templates/), which
// name every metric the dashboards and alerts query.
import * as fs from "node:fs";
import * as path from "node:path";
import type { NodePlan } from "../topology";
import type { MonitoringPlan } from "./plan";

const RULES_TEMPLATE = path.join(__dirname, "..", "..", "templates", "jmx-exporter.yml");

/** The agent's rules file, as every node's agent reads it (it reloads the file when it changes). */
export const exporterRules = () => fs.readFileSync(RULES_TEMPLATE, "utf8");

/** The agent's JVM option: it serves /metrics on the node's metrics port, on the lab's host only. */
export function exporterAgentOption(jar: string, monitoring: Pick<MonitoringPlan, "host" | "exporterRulesFile">, node: Pick<NodePlan, "id" | "ports">): string {
  if (node.ports.metrics === undefined) throw new Error(`node ${node.id} has no metrics port`);
  return `-javaagent:${jar}=${monitoring.host}:${node.ports.metrics}:${monitoring.exporterRulesFile}`;
}
