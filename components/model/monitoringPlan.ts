// Pure plan of a lab's monitoring: where its files go, and what Prometheus scrapes (one target per
// node, from the topology).
import * as path from "node:path";
import type { MonitoringConfig } from "./schema/monitoring";
import type { ClusterPlan, NodePlan } from "./topology";

/** One node's exporter, as Prometheus scrapes it. */
export interface ScrapeTarget {
  nodeId: number;
  /** `broker`, `controller` or `broker,controller`: a label, so panels can pick brokers or controllers. */
  roles: string;
  address: string;
}

export interface MonitoringPlan extends MonitoringConfig {
  host: string;
  /** `<labDir>/monitoring`: Prometheus's config, rules and data, and the Grafana provisioning. */
  dir: string;
  /** The exporter rules every node's agent reads (templates/jmx-exporter.yml). */
  exporterRulesFile: string;
  targets: ScrapeTarget[];
  prometheusUrl: string;
  grafanaUrl: string;
}

/** Under Prometheus' directory: the rule files (monitoring/alerts.ts), and --web.console.templates and --web.console.libraries (monitoring/consoles.ts). */
export const RULES_DIR = "rules";
export const CONSOLES_DIR = "consoles";
export const CONSOLE_LIBRARIES_DIR = "console_libraries";

export function planMonitoring(plan: ClusterPlan, monitoring: MonitoringConfig): MonitoringPlan {
  const dir = path.join(plan.labDir, "monitoring");
  return {
    ...monitoring,
    host: plan.host,
    dir,
    exporterRulesFile: path.join(dir, "jmx-exporter.yml"),
    targets: plan.nodes.map((node) => ({ nodeId: node.id, roles: node.roles.join(","), address: `${plan.host}:${node.ports.metrics}` })),
    prometheusUrl: `http://${plan.host}:${monitoring.prometheusPort}`,
    grafanaUrl: `http://${plan.host}:${monitoring.grafanaPort}`,
  };
}

/** The agent's JVM option: it serves /metrics on the node's metrics port, where its listeners bind (the lab's host, or its container). */
export function exporterAgentOption(
  jar: string,
  monitoring: Pick<MonitoringPlan, "exporterRulesFile">,
  node: Pick<NodePlan, "id" | "ports" | "bindHost">,
): string {
  if (node.ports.metrics === undefined) throw new Error(`node ${node.id} has no metrics port`);
  return `-javaagent:${jar}=${node.bindHost}:${node.ports.metrics}:${monitoring.exporterRulesFile}`;
}
