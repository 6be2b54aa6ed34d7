// Pure rendering of Prometheus' files: the scrape config from the topology (one target per node,
// labelled with its id and roles), and the rule files of alerts.ts. The command line is here too.
import * as path from "node:path";
import { stringify } from "yaml";
import type { MonitoringPlan } from "./plan";

/** Rule files, under the Prometheus directory. */
export const RULES_DIR = "rules";

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

/** The command line: on the lab's host only, short retention, reloadable (POST /-/reload). */
export function prometheusArgs(plan: MonitoringPlan): { configFile: string; args: string[] } {
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
    ],
  };
}
