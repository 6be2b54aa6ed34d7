// A lab's monitoring as KafkaCluster makes it: before the nodes, the plan and the exporter's rules
// file every node's agent reads; once they run, the Monitoring component (Prometheus, Grafana).
import * as pulumi from "@pulumi/pulumi";
import { LabFile } from "../cluster/resources";
import type { LabConfig } from "../model/config";
import { type MonitoringPlan, planMonitoring } from "../model/monitoringPlan";
import type { ClusterPlan } from "../model/topology";
import { exporterRules } from "../monitoring/exporter";
import { Monitoring, type MonitoringTools } from "../monitoring/monitoring";
import type { LabSecurity } from "../security/labSecurity";
import type { LabBase } from "./labBase";

export interface LabMonitoring {
  plan: MonitoringPlan;
  tools: MonitoringTools;
  /** The exporter's rules (`<labDir>/monitoring/jmx-exporter.yml`): the nodes start once it is written. */
  rulesFile: LabFile;
}

/**
 * With `plan.monitoring`: its plan, and `<name>-exporter-rules` (a child of `parent` that waits for the
 * lab directory); without, undefined. Monitoring without its tools is a programming error, reported on `parent`.
 */
export function prepareMonitoring(
  name: string,
  parent: pulumi.Resource,
  args: { plan: ClusterPlan; monitoringTools?: MonitoringTools; base: LabBase },
): LabMonitoring | undefined {
  const { plan, monitoringTools: tools } = args;
  if (!plan.monitoring) return undefined;
  if (!tools) throw new pulumi.ResourceError("KafkaCluster: monitoringTools is required with monitoring", parent);
  const monitoring = planMonitoring(plan, plan.monitoring);
  const rulesFile = new LabFile(
    `${name}-exporter-rules`,
    { path: monitoring.exporterRulesFile, content: exporterRules(), encoding: "utf8", mode: 0o644 },
    { parent, dependsOn: [args.base.labDir] },
  );
  return { plan: monitoring, tools, rulesFile };
}

/** What KafkaCluster exports of its monitoring (see Monitoring). */
export type MonitoringOutputs = Pick<
  Monitoring,
  "prometheusUrl" | "prometheusConsoles" | "grafanaUrl" | "grafanaNote" | "grafanaProvisioning" | "grafanaAdminPassword"
>;

export interface LabMonitoringArgs {
  /** Its security's `renewBeforeDays`, for the certificates' expiry alert. */
  plan: ClusterPlan;
  /** `readyTimeoutSeconds`: how long Prometheus and Grafana may take to answer. */
  config: Pick<LabConfig, "readyTimeoutSeconds">;
  /** The stack's name: Prometheus' `lab` label and the dashboards' folder. */
  lab: string;
  /** What prepareMonitoring made; absent, no monitoring. */
  monitoring?: LabMonitoring;
  /** With security: when each certificate expires, published as a metric and alerted on. */
  security?: Pick<LabSecurity, "certificates">;
  /** The running nodes, which Prometheus scrapes: it starts after them. */
  processes: pulumi.Resource;
}

/** With monitoring: makes `<name>-monitoring` (Monitoring), a child of `parent` started after the nodes, and returns its outputs. */
export function createMonitoring(name: string, parent: pulumi.Resource, args: LabMonitoringArgs): MonitoringOutputs | undefined {
  const { monitoring } = args;
  if (!monitoring) return undefined;
  const observer = new Monitoring(
    `${name}-monitoring`,
    {
      plan: monitoring.plan,
      tools: monitoring.tools,
      lab: args.lab,
      certificates: args.security?.certificates,
      renewBeforeDays: args.plan.security?.renewBeforeDays,
      readyTimeoutSeconds: args.config.readyTimeoutSeconds,
    },
    { parent, dependsOn: [args.processes] },
  );
  return {
    prometheusUrl: observer.prometheusUrl,
    prometheusConsoles: observer.prometheusConsoles,
    grafanaUrl: observer.grafanaUrl,
    grafanaNote: observer.grafanaNote,
    grafanaProvisioning: observer.grafanaProvisioning,
    grafanaAdminPassword: observer.grafanaAdminPassword,
  };
}
