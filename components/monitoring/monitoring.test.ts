import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { exporterAgentOption, planMonitoring } from "../model/monitoringPlan";
import { planCluster } from "../model/topology";
import { validateLab } from "../model/validate";
import { COMBINED_3, labConfig } from "../testing";
import { alertExpr, alertRules, CERTIFICATE_EXPIRY, renderRuleFiles } from "./alerts";
import { dashboards, renderDashboard } from "./dashboards";
import { exporterRules } from "./exporter";
import { DATASOURCE_UID, grafanaLaunch, grafanaProvisioning } from "./grafana";
import { prometheusArgs, prometheusWebAssets, renderPrometheusConfig } from "./prometheus";

const monitored = (rest: Record<string, unknown> = {}) => labConfig({ ...COMBINED_3, 4: "broker" }, { monitoring: {}, ...rest });
const plan = (rest: Record<string, unknown> = {}) => {
  const cluster = planCluster(monitored(rest), "/labs/dev", "dev");
  return { cluster, monitoring: planMonitoring(cluster, cluster.monitoring!) };
};

describe("monitoring plan", () => {
  it("gives every node a metrics port only with monitoring, by id like the listeners", () => {
    expect(planCluster(labConfig(COMBINED_3), "/l", "dev").nodes[0].ports.metrics).toBeUndefined();
    expect(plan().cluster.nodes.map((n) => n.ports.metrics)).toEqual([9095, 9195, 9295, 9395]);
    expect(plan({ ports: { metrics: 7000 } }).cluster.nodes[1].ports.metrics).toBe(7100);
  });

  it("loads the agent on the lab's host, the node's metrics port and the lab's rules file", () => {
    const { cluster, monitoring } = plan();
    expect(exporterAgentOption("/c/agent.jar", monitoring, cluster.nodes[2])).toBe(
      "-javaagent:/c/agent.jar=127.0.0.1:9295:/labs/dev/monitoring/jmx-exporter.yml",
    );
    expect(() => exporterAgentOption("/c/agent.jar", monitoring, planCluster(labConfig(COMBINED_3), "/l", "dev").nodes[0])).toThrow(/no metrics port/);
  });

  it("refuses a Prometheus or Grafana port that a node already uses", () => {
    expect(validateLab(monitored({ monitoring: { prometheusPort: 9192 } })).errors).toEqual([
      "kraftlab:monitoring.prometheusPort: 9192 is also the nodes[1] (node 2) external port; set kraftlab:monitoring.prometheusPort to a port of its own",
    ]);
    expect(validateLab(monitored({ monitoring: { grafanaPort: 9090 } })).errors).toEqual([
      "kraftlab:monitoring.grafanaPort: 9090 is also the monitoring.prometheusPort; set kraftlab:monitoring.grafanaPort to a port of its own",
    ]);
  });
});

describe("Prometheus", () => {
  it("scrapes one target per node, labelled with its id and roles, at the configured interval", () => {
    const config = parse(renderPrometheusConfig(plan({ monitoring: { scrapeIntervalSeconds: 3 } }).monitoring, "dev"));
    expect(config.global).toEqual({ scrape_interval: "3s", evaluation_interval: "3s", external_labels: { lab: "dev" } });
    expect(config.rule_files).toEqual(["rules/*.yml"]);
    expect(config.scrape_configs[0].static_configs).toEqual([
      { targets: ["127.0.0.1:9095"], labels: { node: "1", roles: "broker,controller" } },
      { targets: ["127.0.0.1:9195"], labels: { node: "2", roles: "broker,controller" } },
      { targets: ["127.0.0.1:9295"], labels: { node: "3", roles: "broker,controller" } },
      { targets: ["127.0.0.1:9395"], labels: { node: "4", roles: "broker" } },
    ]);
  });

  it("listens on the lab's host only, keeps samples for the configured retention, can reload, and serves kraftlab's consoles", () => {
    const { args, configFile } = prometheusArgs(plan({ monitoring: { retention: "6h", prometheusPort: 9999 } }).monitoring);
    expect(configFile).toBe("/labs/dev/monitoring/prometheus/prometheus.yml");
    expect(args.join(" ")).toBe(
      "--config.file /labs/dev/monitoring/prometheus/prometheus.yml --storage.tsdb.path /labs/dev/monitoring/prometheus/data " +
        "--storage.tsdb.retention.time 6h --web.listen-address 127.0.0.1:9999 --web.enable-lifecycle " +
        "--web.console.templates /labs/dev/monitoring/prometheus/consoles --web.console.libraries /labs/dev/monitoring/prometheus/console_libraries",
    );
  });

  it("reads its web UI from the setup's layout beside the binary, or from where the binary itself looks", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-prometheus-"));
    fs.mkdirSync(path.join(tmp, "2.42.0", "bin"), { recursive: true });
    fs.writeFileSync(path.join(tmp, "2.42.0", "bin", "prometheus"), "");
    fs.symlinkSync("2.42.0", path.join(tmp, "current"));
    const binary = path.join(tmp, "current", "bin", "prometheus");
    expect(prometheusWebAssets(binary)).toBeUndefined();
    fs.mkdirSync(path.join(tmp, "2.42.0", "web", "templates"), { recursive: true });
    expect(prometheusWebAssets(binary)).toBe(path.join(tmp, "2.42.0", "web"));
    expect(prometheusArgs(plan().monitoring, path.join(tmp, "2.42.0", "web")).args.slice(-2)).toEqual(["--web.local-assets", path.join(tmp, "2.42.0", "web")]);
    expect(prometheusWebAssets("/nowhere/bin/prometheus")).toBeUndefined();
    fs.rmSync(tmp, { recursive: true });
  });
});

describe("alert rules", () => {
  const rules = alertRules({ alertForSeconds: 20 }, { certificates: true, renewBeforeDays: 30 });

  it("cover the conditions an administrator watches, each with its own expression and `for`", () => {
    expect(rules.map((r) => [r.alert, alertExpr(r)])).toEqual([
      ["KafkaNodeDown", 'up{job="kafka"} == 0'],
      ["KafkaActiveControllersNotOne", "sum(kafka_controller_active_controller_count) != 1"],
      ["KafkaUnderReplicatedPartitions", "sum(kafka_server_replica_manager_under_replicated_partitions) > 0"],
      ["KafkaOfflinePartitions", "sum(kafka_controller_offline_partitions_count) > 0"],
      ["KafkaUnderMinIsrPartitions", "sum(kafka_server_replica_manager_under_min_isr_partition_count) > 0"],
      ["KafkaCertificateExpiring", `${CERTIFICATE_EXPIRY} - time() < 2592000`],
    ]);
    expect(alertRules({ alertForSeconds: 20 }, { certificates: false, renewBeforeDays: 30 }).map((r) => r.alert)).not.toContain("KafkaCertificateExpiring");
  });

  it("render as Prometheus rule files, certificate expiry as one recording rule per certificate", () => {
    const files = renderRuleFiles(rules, [
      { certificate: "ca", expires: 2_000_000_000 },
      { certificate: "node-1", expires: 1_900_000_000 },
    ]);
    const alerts = parse(files["rules/alerts.yml"]).groups[0];
    expect(alerts.rules[0]).toEqual({
      alert: "KafkaNodeDown",
      expr: 'up{job="kafka"} == 0',
      for: "20s",
      labels: { severity: "critical" },
      annotations: { summary: "Node {{ $labels.node }} ({{ $labels.roles }}) does not answer: its process is down or hung" },
    });
    expect(parse(files["rules/certificates.yml"]).groups[0].rules).toEqual([
      { record: CERTIFICATE_EXPIRY, expr: "vector(2000000000)", labels: { certificate: "ca" } },
      { record: CERTIFICATE_EXPIRY, expr: "vector(1900000000)", labels: { certificate: "node-1" } },
    ]);
    expect(Object.keys(renderRuleFiles(rules, []))).toEqual(["rules/alerts.yml"]);
  });
});

describe("dashboards", () => {
  const rulesTemplate = exporterRules();
  /** Metric families a query may use: the exporter's own, Prometheus' `up`, kraftlab's recording rule, and the rules' names. */
  const known = (metric: string) =>
    /^(jvm|process)_/.test(metric) ||
    ["up", CERTIFICATE_EXPIRY].includes(metric) ||
    parse(rulesTemplate).rules.some((r: { name: string; pattern: string }) => {
      const name = metric.replace(/_total$/, "");
      if (r.name === name) return true;
      if (!r.name.includes("$1")) return false;
      // kafka_raft_$1 with a pattern group (a|b-c|…): the name of each alternative, '-' as '_'.
      const group = /\(([a-z|-]+)\)/.exec(r.pattern)?.[1] ?? "";
      return group.split("|").some((alt) => r.name.replace("$1", alt.replace(/-/g, "_")) === name);
    });

  it("query only metrics that the exporter rules (or Prometheus, or kraftlab) define", () => {
    const unknown: string[] = [];
    for (const board of dashboards({ certificates: true })) {
      for (const panel of board.panels) {
        for (const { expr } of panel.queries) {
          const metrics = (expr.match(/[a-z_]+(?=[{[)\s]|$)/g) ?? []).filter((m) => m.includes("_") || m === "up");
          unknown.push(...metrics.filter((m) => !known(m) && !["by", "on", "and"].includes(m)).map((m) => `${panel.title}: ${m}`));
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  it("cover cluster health, throughput, latency, the quorum and the JVM; certificates with security", () => {
    expect(dashboards({ certificates: false }).map((d) => d.title)).toEqual(["Cluster health", "Throughput", "Request latency", "KRaft quorum", "JVM"]);
    expect(dashboards({ certificates: true }).map((d) => d.title)).toContain("Certificates");
  });

  it("render as Grafana JSON on kraftlab's datasource, panels laid out without overlap", () => {
    const board = dashboards({ certificates: false })[0];
    const json = JSON.parse(renderDashboard(board, DATASOURCE_UID, "dev"));
    expect(json).toMatchObject({ uid: "kraftlab-health-dev", title: "Cluster health (dev)", tags: ["kraftlab", "kafka"] });
    expect(json.panels).toHaveLength(board.panels.length);
    expect(json.panels[0].targets[0]).toEqual({
      refId: "A",
      datasource: { type: "prometheus", uid: DATASOURCE_UID },
      expr: 'sum(up{job="kafka"})',
      legendFormat: "__auto",
    });
    const cells = new Set<string>();
    for (const { gridPos: g } of json.panels) {
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });
});

describe("Grafana", () => {
  const { monitoring } = plan({ monitoring: { grafanaPort: 3300 } });
  const provisioning = grafanaProvisioning(monitoring, "dev", dashboards({ certificates: false }));

  it("provisions the Prometheus datasource and a file provider for the dashboards", () => {
    expect(provisioning.provisioningDir).toBe("/labs/dev/monitoring/grafana/provisioning");
    const datasource = parse(provisioning.files["provisioning/datasources/kraftlab.yaml"]).datasources[0];
    expect(datasource).toMatchObject({ uid: DATASOURCE_UID, type: "prometheus", url: "http://127.0.0.1:9090", isDefault: true });
    const provider = parse(provisioning.files["provisioning/dashboards/kraftlab.yaml"]).providers[0];
    expect(provider).toMatchObject({ type: "file", folder: "kraftlab dev", options: { path: "/labs/dev/monitoring/grafana/dashboards" } });
    expect(Object.keys(provisioning.files).filter((f) => f.startsWith("dashboards/"))).toHaveLength(5);
  });

  it("listens on the lab's host with its own data directory, and never writes the admin password", () => {
    const ini = provisioning.files["grafana.ini"];
    expect(ini).toContain("http_addr = 127.0.0.1\nhttp_port = 3300\n");
    expect(ini).toContain("provisioning = /labs/dev/monitoring/grafana/provisioning\n");
    expect(ini).not.toMatch(/admin_password/);
  });

  it("starts `grafana server`, or `grafana-server` for older releases, on the lab's config", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-grafana-"));
    for (const name of ["grafana", "grafana-server"]) {
      fs.mkdirSync(path.join(tmp, "bin"), { recursive: true });
      fs.mkdirSync(path.join(tmp, "conf"), { recursive: true });
      fs.writeFileSync(path.join(tmp, "conf", "defaults.ini"), "");
      fs.writeFileSync(path.join(tmp, "bin", name), "");
      const launch = grafanaLaunch(provisioning, path.join(tmp, "bin", name));
      expect(launch.args).toEqual([...(name === "grafana" ? ["server"] : []), "--homepath", tmp, "--config", provisioning.configFile]);
    }
    fs.rmSync(tmp, { recursive: true });
  });
});
