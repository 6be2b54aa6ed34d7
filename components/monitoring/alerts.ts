// kraftlab's Prometheus alert rules, as data: each is a measure, a comparison and a threshold, so the
// e2e test can run the measure alone (it must return series on a healthy lab) and the whole rule
// (it must return none). Certificate expiry is published as a metric through recording rules.
import { stringify } from "yaml";
import { type MonitoringPlan, RULES_DIR } from "../model/monitoringPlan";
import type { CertificateExpiry } from "../security/labSecurity";

export interface AlertRule {
  alert: string;
  /** What is measured: returns series whenever the lab is monitored. */
  measure: string;
  /** Fires while `measure <op> threshold`. */
  op: ">" | "<" | "!=" | "==";
  threshold: number;
  forSeconds: number;
  severity: "critical" | "warning";
  summary: string;
}

export const alertExpr = (rule: AlertRule) => `${rule.measure} ${rule.op} ${rule.threshold}`;

/** The metric the certificate recording rules publish: notAfter, seconds since the epoch. */
export const CERTIFICATE_EXPIRY = "kraftlab_certificate_expiry_timestamp_seconds";

export function alertRules(plan: Pick<MonitoringPlan, "alertForSeconds">, opts: { certificates: boolean; renewBeforeDays: number }): AlertRule[] {
  const forSeconds = plan.alertForSeconds;
  const rules: AlertRule[] = [
    {
      alert: "KafkaNodeDown",
      measure: 'up{job="kafka"}',
      op: "==",
      threshold: 0,
      forSeconds,
      severity: "critical",
      summary: "Node {{ $labels.node }} ({{ $labels.roles }}) does not answer: its process is down or hung",
    },
    {
      alert: "KafkaActiveControllersNotOne",
      measure: "sum(kafka_controller_active_controller_count)",
      op: "!=",
      threshold: 1,
      forSeconds,
      severity: "critical",
      summary: "{{ $value }} active controllers; a healthy KRaft quorum has exactly one",
    },
    {
      alert: "KafkaUnderReplicatedPartitions",
      measure: "sum(kafka_server_replica_manager_under_replicated_partitions)",
      op: ">",
      threshold: 0,
      forSeconds,
      severity: "warning",
      summary: "{{ $value }} partitions have a replica out of the ISR",
    },
    {
      alert: "KafkaOfflinePartitions",
      measure: "sum(kafka_controller_offline_partitions_count)",
      op: ">",
      threshold: 0,
      forSeconds,
      severity: "critical",
      summary: "{{ $value }} partitions have no leader: their data cannot be read or written",
    },
    {
      alert: "KafkaUnderMinIsrPartitions",
      measure: "sum(kafka_server_replica_manager_under_min_isr_partition_count)",
      op: ">",
      threshold: 0,
      forSeconds,
      severity: "critical",
      summary: "{{ $value }} partitions are below min.insync.replicas: acks=all producers are refused",
    },
  ];
  if (opts.certificates) {
    rules.push({
      alert: "KafkaCertificateExpiring",
      measure: `${CERTIFICATE_EXPIRY} - time()`,
      op: "<",
      threshold: opts.renewBeforeDays * 86_400,
      forSeconds: 0,
      severity: "warning",
      summary:
        "Certificate {{ $labels.certificate }} expires in {{ $value | humanizeDuration }}; run `pulumi up` to renew it (kraftlab:security.renewBeforeDays)",
    });
  }
  return rules;
}

/** Prometheus' rule files (relative to its directory): the alerts, and the certificate expiry metric. */
export function renderRuleFiles(rules: AlertRule[], certificates: CertificateExpiry[]): Record<string, string> {
  const alerts = {
    groups: [
      {
        name: "kraftlab",
        rules: rules.map((r) => ({
          alert: r.alert,
          expr: alertExpr(r),
          for: `${r.forSeconds}s`,
          labels: { severity: r.severity },
          annotations: { summary: r.summary },
        })),
      },
    ],
  };
  // Recording rules of constants: the certificates kraftlab issued, kept current by every `up`.
  const expiry = {
    groups: [
      {
        name: "kraftlab-certificates",
        rules: certificates.map((c) => ({ record: CERTIFICATE_EXPIRY, expr: `vector(${c.expires})`, labels: { certificate: c.certificate } })),
      },
    ],
  };
  return {
    [`${RULES_DIR}/alerts.yml`]: stringify(alerts),
    ...(certificates.length > 0 && { [`${RULES_DIR}/certificates.yml`]: stringify(expiry) }),
  };
}
