// kraftlab's Grafana dashboards, as data: every panel's PromQL uses the metric names of
// templates/jmx-exporter.yml (and the agent's own jvm_* metrics), so the e2e test can run each one
// against the live Prometheus. renderDashboard turns one into Grafana's dashboard JSON.
import { CERTIFICATE_EXPIRY } from "./alerts";

export interface Query {
  expr: string;
  /** Grafana legend, e.g. `node {{node}}`. */
  legend?: string;
}
/** The Grafana unit ids kraftlab's panels use. */
export type Unit = "bytes" | "Bps" | "ms" | "short" | "percentunit" | "dtdurations";
export interface Panel {
  title: string;
  /** `stat`: one number (or one per series); `timeseries`: a graph. */
  kind: "stat" | "timeseries";
  unit: Unit;
  queries: Query[];
  description: string;
}
export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
}

const RATE = "1m";
const stat = (title: string, expr: string, description: string, unit: Unit = "short"): Panel => ({
  title,
  kind: "stat",
  unit,
  queries: [{ expr }],
  description,
});
const graph = (title: string, unit: Unit, description: string, ...queries: Query[]): Panel => ({ title, kind: "timeseries", unit, queries, description });
const perNode = (expr: string): Query => ({ expr, legend: "node {{node}}" });

const health: Dashboard = {
  uid: "kraftlab-health",
  title: "Cluster health",
  panels: [
    stat("Nodes up", 'sum(up{job="kafka"})', "Nodes whose exporter answers"),
    stat("Brokers online", "max(kafka_controller_active_broker_count)", "Registered, unfenced brokers, as the active controller counts them"),
    stat("Active controllers", "sum(kafka_controller_active_controller_count)", "Must be exactly 1"),
    stat("Fenced brokers", "max(kafka_controller_fenced_broker_count)", "Brokers registered but fenced (not serving)"),
    stat("Under-replicated partitions", "sum(kafka_server_replica_manager_under_replicated_partitions)", "Partitions with a replica out of the ISR"),
    stat("Offline partitions", "sum(kafka_controller_offline_partitions_count)", "Partitions without a leader"),
    stat("Under-min-ISR partitions", "sum(kafka_server_replica_manager_under_min_isr_partition_count)", "Partitions that refuse acks=all writes"),
    stat("Partitions", "max(kafka_controller_global_partition_count)", "Partitions in the cluster"),
    graph(
      "Partitions led per broker",
      "short",
      "Leaders per broker: balanced after a preferred election",
      perNode("kafka_server_replica_manager_leader_count"),
    ),
  ],
};

const throughput: Dashboard = {
  uid: "kraftlab-throughput",
  title: "Throughput",
  panels: [
    graph("Bytes in per broker", "Bps", "Produced bytes per second", perNode(`sum by (node) (rate(kafka_server_all_topics_bytes_in_total[${RATE}]))`)),
    graph(
      "Bytes out per broker",
      "Bps",
      "Fetched bytes per second (consumers)",
      perNode(`sum by (node) (rate(kafka_server_all_topics_bytes_out_total[${RATE}]))`),
    ),
    graph(
      "Messages in per broker",
      "short",
      "Produced records per second",
      perNode(`sum by (node) (rate(kafka_server_all_topics_messages_in_total[${RATE}]))`),
    ),
    graph("Bytes in per topic", "Bps", "Produced bytes per second", {
      expr: `sum by (topic) (rate(kafka_server_topic_bytes_in_total[${RATE}]))`,
      legend: "{{topic}}",
    }),
    graph("Bytes out per topic", "Bps", "Fetched bytes per second", {
      expr: `sum by (topic) (rate(kafka_server_topic_bytes_out_total[${RATE}]))`,
      legend: "{{topic}}",
    }),
    graph("Messages in per topic", "short", "Produced records per second", {
      expr: `sum by (topic) (rate(kafka_server_topic_messages_in_total[${RATE}]))`,
      legend: "{{topic}}",
    }),
  ],
};

const p99 = (request: string) => perNode(`max by (node) (kafka_network_request_total_time_ms{request="${request}",quantile="0.99"})`);
const latency: Dashboard = {
  uid: "kraftlab-latency",
  title: "Request latency",
  panels: [
    graph("Produce p99", "ms", "Total time of produce requests, 99th percentile", p99("Produce")),
    graph("Consumer fetch p99", "ms", "Total time of consumer fetches (includes fetch.max.wait.ms)", p99("FetchConsumer")),
    graph("Follower fetch p99", "ms", "Total time of replication fetches", p99("FetchFollower")),
    graph("Requests per second", "short", "Completed requests", {
      expr: `sum by (request) (rate(kafka_network_requests_total[${RATE}]))`,
      legend: "{{request}}",
    }),
    graph(
      "Request handler idle",
      "percentunit",
      "Idle fraction of the request handler threads",
      perNode('min by (node) (kafka_server_request_handler_avg_idle_ratio{pool="all"})'),
    ),
  ],
};

const quorum: Dashboard = {
  uid: "kraftlab-quorum",
  title: "KRaft quorum",
  panels: [
    stat("Quorum leader", "max(kafka_raft_current_leader)", "Node id of the quorum leader (the active controller)"),
    stat("Leader epoch", "max(kafka_raft_current_epoch)", "Grows with every election"),
    graph("Raft state", "short", "1 for the state each node is in (leader, follower, observer, prospective…)", {
      expr: "kafka_raft_current_state",
      legend: "node {{node}} {{state}}",
    }),
    graph("Metadata lag", "short", "Records behind the most advanced node", perNode("scalar(max(kafka_raft_log_end_offset)) - kafka_raft_log_end_offset")),
    graph(
      "Commit latency",
      "ms",
      "Average time for the leader to commit a metadata record",
      perNode('kafka_raft_commit_latency_avg and on (node) kafka_raft_current_state{state="leader"}'),
    ),
    graph(
      "Metadata applied lag",
      "ms",
      "How long ago the last metadata record each broker applied was written",
      perNode("kafka_broker_metadata_last_applied_record_lag_ms"),
    ),
  ],
};

const jvm: Dashboard = {
  uid: "kraftlab-jvm",
  title: "JVM",
  panels: [
    graph("Heap used", "bytes", "Heap in use", perNode('jvm_memory_used_bytes{area="heap"}')),
    graph("Heap max", "bytes", "The node's -Xmx (kraftlab:heap)", perNode('jvm_memory_max_bytes{area="heap"}')),
    graph("GC time", "percentunit", "Fraction of time spent in garbage collection", perNode(`sum by (node) (rate(jvm_gc_collection_seconds_sum[${RATE}]))`)),
    graph("GC runs per second", "short", "Collections per second", {
      expr: `sum by (node, gc) (rate(jvm_gc_collection_seconds_count[${RATE}]))`,
      legend: "node {{node}} {{gc}}",
    }),
    graph("Resident memory", "bytes", "RSS of each node's JVM", perNode("process_resident_memory_bytes")),
  ],
};

const certificates: Dashboard = {
  uid: "kraftlab-certificates",
  title: "Certificates",
  panels: [
    {
      title: "Time to expiry",
      kind: "stat",
      unit: "dtdurations",
      queries: [{ expr: `${CERTIFICATE_EXPIRY} - time()`, legend: "{{certificate}}" }],
      description: "Until each certificate kraftlab issued expires",
    },
  ],
};

/** Every dashboard of a lab; the certificates one only with security on. */
export function dashboards(opts: { certificates: boolean }): Dashboard[] {
  return [health, throughput, latency, quorum, jvm, ...(opts.certificates ? [certificates] : [])];
}

/** Grafana's dashboard JSON: stat panels in rows of four, graphs two by two. */
export function renderDashboard(dashboard: Dashboard, datasourceUid: string, lab: string): string {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const panels = dashboard.panels.map((panel, i) => {
    const [w, h] = panel.kind === "stat" ? [6, 4] : [12, 8];
    if (x + w > 24) [x, y, rowHeight] = [0, y + rowHeight, 0];
    const gridPos = { x, y, w, h };
    [x, rowHeight] = [x + w, Math.max(rowHeight, h)];
    const datasource = { type: "prometheus", uid: datasourceUid };
    return {
      id: i + 1,
      type: panel.kind,
      title: panel.title,
      description: panel.description,
      gridPos,
      datasource,
      fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
      targets: panel.queries.map((q, j) => ({ refId: String.fromCharCode(65 + j), datasource, expr: q.expr, legendFormat: q.legend ?? "__auto" })),
    };
  });
  const body = {
    uid: `${dashboard.uid}-${lab}`.slice(0, 40),
    title: `${dashboard.title} (${lab})`,
    tags: ["kraftlab", "kafka"],
    editable: false,
    refresh: "10s",
    time: { from: "now-30m", to: "now" },
    schemaVersion: 39,
    panels,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
