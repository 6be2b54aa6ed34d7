// Pure rendering of Prometheus' files: the scrape config from the topology (one target per node,
// labelled with its id and roles), and the rule files of alerts.ts. The command line is here too.
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { CONSOLE_LIBRARIES_DIR, CONSOLES_DIR, type MonitoringPlan, RULES_DIR } from "../model/monitoringPlan";

export function renderPrometheusConfig(plan: MonitoringPlan, lab: string): string {
  const interval = `${plan.scrapeIntervalSeconds}s`;
  return stringify({
    global: { scrape_interval: interval, evaluation_interval: interval, external_labels: { lab } },
    rule_files: [`${RULES_DIR}/*.yml`],
    scrape_configs: [
      {
        job_name: "kafka",
        static_configs: plan.targets.map((t) => ({ targets: [t.address], labels: { node: String(t.nodeId), roles: t.roles } })),
      },
    ],
  });
}

/** Prometheus' directory: its config, rules and samples. */
export const prometheusDir = (plan: MonitoringPlan) => path.join(plan.dir, "prometheus");

/**
 * The web UI's templates and assets that the setup lays out beside the binary (bin/../web: Debian's,
 * which its binary otherwise looks for in /usr/share/prometheus/web); undefined for a binary with its own.
 */
export function prometheusWebAssets(binary: string): string | undefined {
  if (!fs.existsSync(binary)) return undefined;
  const web = path.join(path.dirname(path.dirname(fs.realpathSync(binary))), "web");
  return fs.existsSync(path.join(web, "templates")) ? web : undefined;
}

/** The command line: on the lab's host only, short retention, reloadable (POST /-/reload), with kraftlab's consoles. */
export function prometheusArgs(plan: MonitoringPlan, webAssets?: string): { configFile: string; args: string[] } {
  const dir = prometheusDir(plan);
  const configFile = path.join(dir, "prometheus.yml");
  return {
    configFile,
    args: [
      "--config.file",
      configFile,
      "--storage.tsdb.path",
      path.join(dir, "data"),
      "--storage.tsdb.retention.time",
      plan.retention,
      "--web.listen-address",
      `${plan.host}:${plan.prometheusPort}`,
      "--web.enable-lifecycle",
      "--web.console.templates",
      path.join(dir, CONSOLES_DIR),
      "--web.console.libraries",
      path.join(dir, CONSOLE_LIBRARIES_DIR),
      ...(webAssets ? ["--web.local-assets", webAssets] : []),
    ],
  };
}
