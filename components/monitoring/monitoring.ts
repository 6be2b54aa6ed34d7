// The lab's monitoring: Prometheus scraping every node's exporter with kraftlab's alert rules and
// serving kraftlab's dashboards as consoles, and the Grafana provisioning (datasource + the same
// dashboards), served by a Grafana when one is found.
import * as pulumi from "@pulumi/pulumi";
import type { MonitoringPlan } from "../model/monitoringPlan";
import type { CertificateExpiry } from "../security/labSecurity";
import { Password } from "../security/resources";
import { alertRules, renderRuleFiles } from "./alerts";
import { consoleFiles, consolesUrl } from "./consoles";
import { dashboards } from "./dashboards";
import { grafanaEnv, grafanaLaunch, grafanaProvisioning } from "./grafana";
import { prometheusArgs, prometheusDir, prometheusWebAssets, renderPrometheusConfig } from "./prometheus";
import { MonitoringServer } from "./resources";

/** Binaries, found at the program edge (index.ts). */
export interface MonitoringTools {
  /** jmx_prometheus_javaagent-<version>.jar */
  exporterJar: string;
  /** A Prometheus server binary. */
  prometheus: string;
  /** A Grafana server; without one, only the provisioning is written. */
  grafana?: string;
}

export interface MonitoringArgs {
  plan: MonitoringPlan;
  tools: MonitoringTools;
  /** The stack's name: Prometheus' `lab` label and the dashboards' folder. */
  lab: string;
  /** With security: when each certificate expires, published as a metric and alerted on. */
  certificates?: pulumi.Input<CertificateExpiry[]>;
  renewBeforeDays?: number;
  readyTimeoutSeconds: number;
}

export class Monitoring extends pulumi.ComponentResource {
  public readonly prometheusUrl: pulumi.Output<string>;
  /** The overview of kraftlab's dashboards as Prometheus consoles. */
  public readonly prometheusConsoles: pulumi.Output<string>;
  /** Where Grafana serves, when the stack runs one. */
  public readonly grafanaUrl?: pulumi.Output<string>;
  /** Without a Grafana binary: how to have any Grafana load the provisioning. */
  public readonly grafanaNote?: string;
  /** The provisioning directory: `GF_PATHS_PROVISIONING` for any Grafana. */
  public readonly grafanaProvisioning: string;
  /** The password of Grafana's `admin` (secret), when the stack runs Grafana. */
  public readonly grafanaAdminPassword?: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kraftlab:index:Monitoring", name, {}, opts);
    const { plan, tools, lab } = args;
    const readyTimeoutMs = args.readyTimeoutSeconds * 1000;
    const rules = alertRules(plan, { certificates: args.certificates !== undefined, renewBeforeDays: args.renewBeforeDays ?? 0 });
    const boards = dashboards({ certificates: args.certificates !== undefined });

    const prometheus = new MonitoringServer(
      `${name}-prometheus`,
      {
        title: "Prometheus",
        command: tools.prometheus,
        ...prometheusArgs(plan, prometheusWebAssets(tools.prometheus)),
        env: {},
        dir: prometheusDir(plan),
        files: pulumi.output(args.certificates ?? []).apply((certificates) => ({
          "prometheus.yml": renderPrometheusConfig(plan, lab),
          ...renderRuleFiles(rules, certificates),
          ...consoleFiles(boards, lab),
        })),
        readyUrl: `${plan.prometheusUrl}/-/ready`,
        reloadUrl: `${plan.prometheusUrl}/-/reload`,
        readyTimeoutMs,
      },
      { parent: this },
    );

    const provisioning = grafanaProvisioning(plan, lab, boards);
    const adminPassword = tools.grafana ? new Password(`${name}-grafana-admin-password`, { length: 24 }, { parent: this }).value : undefined;
    const grafana = new MonitoringServer(
      `${name}-grafana`,
      {
        title: "Grafana",
        ...(tools.grafana ? grafanaLaunch(provisioning, tools.grafana) : { args: [] }),
        env: adminPassword ? pulumi.secret(adminPassword.apply(grafanaEnv)) : {},
        configFile: provisioning.configFile,
        dir: provisioning.dir,
        files: provisioning.files,
        readyUrl: `${plan.grafanaUrl}/api/health`,
        readyTimeoutMs,
      },
      { parent: this, dependsOn: [prometheus] },
    );

    this.prometheusUrl = prometheus.pid.apply(() => plan.prometheusUrl);
    this.prometheusConsoles = prometheus.pid.apply(() => consolesUrl(plan.prometheusUrl));
    if (tools.grafana) this.grafanaUrl = grafana.pid.apply(() => plan.grafanaUrl);
    else {
      this.grafanaNote =
        `no Grafana binary was found (put grafana on PATH or set kraftlab:monitoring.grafana to have the stack run it); ` +
        `any Grafana 10+ on this machine shows the dashboards with: GF_PATHS_PROVISIONING=${provisioning.provisioningDir} grafana server`;
    }
    this.grafanaProvisioning = provisioning.provisioningDir;
    this.grafanaAdminPassword = adminPassword;
    this.registerOutputs({
      prometheusUrl: this.prometheusUrl,
      prometheusConsoles: this.prometheusConsoles,
      grafanaUrl: this.grafanaUrl,
      grafanaNote: this.grafanaNote,
      grafanaProvisioning: this.grafanaProvisioning,
      grafanaAdminPassword: this.grafanaAdminPassword,
    });
  }
}
