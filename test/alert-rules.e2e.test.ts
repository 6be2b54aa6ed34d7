// kraftlab's alert rules through Prometheus' own rule engine (`promtool test rules`, from the
// Prometheus the setup installs), on the exact files the stack writes: each alert fires on its
// condition only after its `for`, with its labels and summary, and stays silent on a healthy lab.
// The live e2e (monitoring.e2e.test.ts) cannot make a quorum elect two leaders or a certificate expire.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { defaultPrometheus } from "../components/host/tools";
import { alertRules, renderRuleFiles } from "../components/monitoring/alerts";

const FOR_SECONDS = 30;
const DAY = 86_400;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-alert-rules-"));
const rules = alertRules({ alertForSeconds: FOR_SECONDS }, { certificates: true, renewBeforeDays: 30 });
// promtool evaluates from t = 0 (the epoch): node-1's certificate expires on day 20, the CA on day 3650.
const files = renderRuleFiles(rules, [
  { certificate: "ca", expires: 3650 * DAY },
  { certificate: "node-1", expires: 20 * DAY },
]);
for (const [file, content] of Object.entries(files)) {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), content);
}

const node = (id: number) => ({ job: "kafka", node: String(id), roles: "broker,controller" });
const series = (name: string, labels: Record<string, string>, values: string) => ({
  series: `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`,
  values,
});
/** A healthy 3-node lab for 10 minutes, sampled every 5 s; `overrides` replace some of its series. */
function lab(overrides: Record<string, string> = {}) {
  const healthy: Record<string, string> = {
    up: "1x120",
    kafka_controller_active_controller_count: "0x120",
    kafka_server_replica_manager_under_replicated_partitions: "0x120",
    kafka_controller_offline_partitions_count: "0x120",
    kafka_server_replica_manager_under_min_isr_partition_count: "0x120",
  };
  return [1, 2, 3].flatMap((id) =>
    Object.entries(healthy).map(([name, values]) => {
      const active = name === "kafka_controller_active_controller_count" && id === 1 ? "1x120" : values;
      return series(name, node(id), overrides[`${name}@${id}`] ?? active);
    }),
  );
}

/** Runs promtool on one scenario: `fires` alerts at `at` (minutes), with these labels and summaries. */
function promtool(
  scenario: string,
  input: ReturnType<typeof lab>,
  at: string,
  alertname: string,
  expected: { labels: Record<string, string>; summary: string }[],
) {
  const test = {
    rule_files: Object.keys(files),
    evaluation_interval: "5s",
    tests: [
      {
        name: scenario,
        interval: "5s",
        input_series: input,
        alert_rule_test: [{ eval_time: at, alertname, exp_alerts: expected.map((e) => ({ exp_labels: e.labels, exp_annotations: { summary: e.summary } })) }],
      },
    ],
  };
  const file = path.join(dir, `${scenario.replace(/\W+/g, "-")}.yml`);
  fs.writeFileSync(file, stringify(test));
  const bin = path.join(path.dirname(defaultPrometheus()), "promtool");
  return execFileSync(bin, ["test", "rules", path.basename(file)], { cwd: dir, encoding: "utf8" });
}

describe("alert rules, in Prometheus' rule engine", () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("stay silent on a healthy lab, certificates far from expiry aside", () => {
    for (const rule of rules.filter((r) => r.alert !== "KafkaCertificateExpiring")) {
      expect(promtool(`healthy ${rule.alert}`, lab(), "5m", rule.alert, [])).toMatch(/SUCCESS/);
    }
  });

  it("fire on a node down, but only once it has been down for `for`", () => {
    const down = lab({ "up@2": "1x12 0x108" }); // down from t = 60 s
    const expected = [{ labels: { ...node(2), severity: "critical" }, summary: "Node 2 (broker,controller) does not answer: its process is down or hung" }];
    expect(promtool("node down, pending", down, "85s", "KafkaNodeDown", [])).toMatch(/SUCCESS/);
    expect(promtool("node down, firing", down, "95s", "KafkaNodeDown", expected)).toMatch(/SUCCESS/);
  });

  it("fire on no active controller, or two", () => {
    const summary = (n: number) => `${n} active controllers; a healthy KRaft quorum has exactly one`;
    const none = lab({ "kafka_controller_active_controller_count@1": "1x12 0x108" });
    const two = lab({ "kafka_controller_active_controller_count@2": "0x12 1x108" });
    expect(promtool("no controller", none, "2m", "KafkaActiveControllersNotOne", [{ labels: { severity: "critical" }, summary: summary(0) }])).toMatch(
      /SUCCESS/,
    );
    expect(promtool("two controllers", two, "2m", "KafkaActiveControllersNotOne", [{ labels: { severity: "critical" }, summary: summary(2) }])).toMatch(
      /SUCCESS/,
    );
  });

  it("fire on under-replicated, offline and under-min-ISR partitions, summed over the brokers", () => {
    const cases = [
      ["KafkaUnderReplicatedPartitions", "kafka_server_replica_manager_under_replicated_partitions", "warning", "3 partitions have a replica out of the ISR"],
      ["KafkaOfflinePartitions", "kafka_controller_offline_partitions_count", "critical", "3 partitions have no leader: their data cannot be read or written"],
      [
        "KafkaUnderMinIsrPartitions",
        "kafka_server_replica_manager_under_min_isr_partition_count",
        "critical",
        "3 partitions are below min.insync.replicas: acks=all producers are refused",
      ],
    ];
    for (const [alert, metric, severity, summary] of cases) {
      const broken = lab({ [`${metric}@1`]: "0x12 1x108", [`${metric}@3`]: "0x12 2x108" });
      expect(promtool(alert, broken, "2m", alert, [{ labels: { severity }, summary }])).toMatch(/SUCCESS/);
    }
  });

  it("fire for a certificate within renewBeforeDays of expiry, naming it, and not for the CA", () => {
    const expected = [
      {
        labels: { certificate: "node-1", severity: "warning" },
        summary: "Certificate node-1 expires in 19d 23h 59m 0s; run `pulumi up` to renew it (kraftlab:security.renewBeforeDays)",
      },
    ];
    expect(promtool("certificate", lab(), "1m", "KafkaCertificateExpiring", expected)).toMatch(/SUCCESS/);
  });
});
