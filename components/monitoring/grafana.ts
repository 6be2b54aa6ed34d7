// Pure rendering of the Grafana side: the provisioning (Prometheus datasource, dashboards provider,
// dashboard JSON) any Grafana can load, and the config and command line of the one the stack runs.
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import type { MonitoringPlan } from "../model/monitoringPlan";
import { type Dashboard, renderDashboard } from "./dashboards";

export const DATASOURCE_UID = "kraftlab-prometheus";

export interface GrafanaProvisioning {
  /** Grafana's directory: config, provisioning, dashboards, and its data when it runs. */
  dir: string;
  /** The provisioning directory (`[paths] provisioning`, or GF_PATHS_PROVISIONING). */
  provisioningDir: string;
  configFile: string;
  /** Path under `dir` → content. */
  files: Record<string, string>;
}

const grafanaDir = (plan: Pick<MonitoringPlan, "dir">) => path.join(plan.dir, "grafana");
/** The config of the Grafana the stack runs; its process is told by it. */
export const grafanaConfigFile = (plan: Pick<MonitoringPlan, "dir">) => path.join(grafanaDir(plan), "grafana.ini");

export function grafanaProvisioning(plan: MonitoringPlan, lab: string, boards: Dashboard[]): GrafanaProvisioning {
  const dir = grafanaDir(plan);
  const dashboardsDir = path.join(dir, "dashboards");
  const datasource = {
    apiVersion: 1,
    datasources: [
      {
        name: `Prometheus (kraftlab ${lab})`,
        uid: DATASOURCE_UID,
        type: "prometheus",
        access: "proxy",
        url: plan.prometheusUrl,
        isDefault: true,
        editable: false,
        jsonData: { timeInterval: `${plan.scrapeIntervalSeconds}s` },
      },
    ],
  };
  const provider = {
    apiVersion: 1,
    providers: [
      { name: "kraftlab", folder: `kraftlab ${lab}`, type: "file", allowUiUpdates: false, updateIntervalSeconds: 10, options: { path: dashboardsDir } },
    ],
  };
  const ini = [
    "# Grafana for the kraftlab lab; the admin password comes from GF_SECURITY_ADMIN_PASSWORD.",
    "[server]",
    `http_addr = ${plan.host}`,
    `http_port = ${plan.grafanaPort}`,
    "[paths]",
    `data = ${path.join(dir, "data")}`,
    `logs = ${path.join(dir, "logs")}`,
    `plugins = ${path.join(dir, "plugins")}`,
    `provisioning = ${path.join(dir, "provisioning")}`,
    "[analytics]",
    "reporting_enabled = false",
    "check_for_updates = false",
    "check_for_plugin_updates = false",
    "[users]",
    "allow_sign_up = false",
    "# A lab on the loopback: dashboards open without a login, read-only.",
    "[auth.anonymous]",
    "enabled = true",
    "org_role = Viewer",
    "",
  ].join("\n");
  return {
    dir,
    provisioningDir: path.join(dir, "provisioning"),
    configFile: grafanaConfigFile(plan),
    files: {
      "grafana.ini": ini,
      "provisioning/datasources/kraftlab.yaml": stringify(datasource),
      "provisioning/dashboards/kraftlab.yaml": stringify(provider),
      ...Object.fromEntries(boards.map((b) => [`dashboards/${b.uid}.json`, renderDashboard(b, DATASOURCE_UID, lab)])),
    },
  };
}

/** Grafana's home (conf/defaults.ini, public/): beside its bin/, or where Debian-style packages put it. */
export function grafanaHome(binary: string): string {
  const beside = path.dirname(path.dirname(fs.realpathSync(binary)));
  return fs.existsSync(path.join(beside, "conf", "defaults.ini")) ? beside : "/usr/share/grafana";
}

/** How the stack starts Grafana: `grafana server` (10+) or `grafana-server`, on the lab's config. */
export function grafanaLaunch(provisioning: Pick<GrafanaProvisioning, "configFile">, binary: string) {
  const server = path.basename(binary) === "grafana-server" ? [] : ["server"];
  return { command: binary, args: [...server, "--homepath", grafanaHome(binary), "--config", provisioning.configFile] };
}

/** Grafana's admin account, through its environment (never in a file). */
export const grafanaEnv = (adminPassword: string) => ({ GF_SECURITY_ADMIN_USER: "admin", GF_SECURITY_ADMIN_PASSWORD: adminPassword });
