// The JMX exporter agent on a node: the JVM option that loads it, and its rules (templates/), which
// name every metric the dashboards and alerts query.
import { templateText } from "../host/templates";
import type { NodePlan } from "../model/topology";
import type { MonitoringPlan } from "./plan";

/** The agent's rules file, as every node's agent reads it (it reloads the file when it changes). */
export const exporterRules = () => templateText("jmx-exporter.yml");

/** The agent's JVM option: it serves /metrics on the node's metrics port, where its listeners bind (the lab's host, or its container). */
export function exporterAgentOption(
  jar: string,
  monitoring: Pick<MonitoringPlan, "exporterRulesFile">,
  node: Pick<NodePlan, "id" | "ports" | "bindHost">,
): string {
  if (node.ports.metrics === undefined) throw new Error(`node ${node.id} has no metrics port`);
  return `-javaagent:${jar}=${node.bindHost}:${node.ports.metrics}:${monitoring.exporterRulesFile}`;
}
