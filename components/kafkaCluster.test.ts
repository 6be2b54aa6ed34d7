import * as pulumi from "@pulumi/pulumi";
import pWaitFor from "p-wait-for";
import { beforeAll, describe, expect, it } from "vitest";
import { KafkaCluster } from "./kafkaCluster";
import { launchHash } from "./process/rollout";
import { COMBINED_3, labConfig } from "./testing";

interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const created: Recorded[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        created.push({ type: args.type, name: args.name, inputs: args.inputs });
        const outs = args.type.endsWith("ClusterId")
          ? { clusterId: "MOCKCLUSTERID000000000" }
          : args.type.endsWith("NodeProcesses")
            ? { ...args.inputs, pids: { 1: 4241, 2: 4242, 3: 4243 } }
            : args.inputs;
        return { id: `${args.name}-id`, state: outs };
      },
      call: (args) => args.inputs,
    },
    "kraftlab",
    "unit",
    false,
  );
});

const resolve = <T>(output: pulumi.Output<T>) => new Promise<T>((done) => output.apply(done));

describe("KafkaCluster", () => {
  it("builds the cluster id, the lab directory, each node's files, their processes and the client file", async () => {
    created.length = 0;
    const cluster = new KafkaCluster("kafka", { config: labConfig(COMBINED_3), labDir: "/labs/unit", kafkaHome: "/opt/kafka" });
    const nodes = await resolve(cluster.nodes);
    expect(created.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      "kraftlab:index:KafkaCluster kafka",
      "pulumi-nodejs:dynamic/kraftlab:ClusterId kafka-cluster-id",
      "pulumi-nodejs:dynamic/kraftlab:LabDirectory kafka-dir",
      "pulumi-nodejs:dynamic/kraftlab:LabFile kafka-client-properties",
      "pulumi-nodejs:dynamic/kraftlab:NodeFiles kafka-node-1",
      "pulumi-nodejs:dynamic/kraftlab:NodeFiles kafka-node-2",
      "pulumi-nodejs:dynamic/kraftlab:NodeFiles kafka-node-3",
      "pulumi-nodejs:dynamic/kraftlab:NodeProcesses kafka-nodes",
    ]);
    expect(await resolve(cluster.bootstrapServers)).toBe("127.0.0.1:9092,127.0.0.1:9192,127.0.0.1:9292");
    expect(await resolve(cluster.clientProperties)).toBe("/labs/unit/client.properties");
    expect(nodes.map((n) => [n.id, n.ports.external, n.pid])).toEqual([
      [1, 9092, 4241],
      [2, 9192, 4242],
      [3, 9292, 4243],
    ]);
  });

  it("gives each node the shared cluster id and its rendered config; the processes the lab's heap and each config's hash", async () => {
    created.length = 0;
    const cluster = new KafkaCluster("lab", { config: labConfig(COMBINED_3, { heap: "256m" }), labDir: "/labs/unit", kafkaHome: "/opt/kafka" });
    await resolve(cluster.nodes);
    const node2 = created.find((r) => r.name === "lab-node-2")?.inputs;
    expect(node2).toMatchObject({ nodeId: 2, clusterId: "MOCKCLUSTERID000000000", kafkaHome: "/opt/kafka", dataDir: "/labs/unit/node-2/data" });
    expect(node2?.serverProperties).toContain("node.id=2\n");
    expect(node2?.serverProperties).toContain("listeners=EXTERNAL://127.0.0.1:9192,INTERNAL://127.0.0.1:9193,CONTROLLER://127.0.0.1:9194\n");
    const processes = created.find((r) => r.name === "lab-nodes")?.inputs as Record<string, unknown> & { nodes: Record<string, unknown>[] };
    expect(processes).toMatchObject({
      readyTimeoutMs: 180_000,
      stopTimeoutMs: 60_000,
      gateTimeoutMs: 300_000,
      drain: [],
      admin: { kafkaHome: "/opt/kafka", bootstrapServers: "127.0.0.1:9093,127.0.0.1:9193,127.0.0.1:9293" },
      voters: [1, 2, 3].map((id) => ({ id, host: "127.0.0.1", port: 9094 + (id - 1) * 100 })),
    });
    expect(processes.nodes[1]).toMatchObject({ id: 2, heap: "256m", jvmOptions: "", configHash: launchHash(node2?.serverProperties as string, "256m", "") });
    expect(processes.tls).toBeUndefined();
  });

  it("refuses an invalid config before creating any child", () => {
    created.length = 0;
    expect(() => new KafkaCluster("bad", { config: labConfig({ 1: "broker" }), labDir: "/l", kafkaHome: "/k" })).toThrow(/no node has the controller role/);
    expect(created.filter((r) => r.name !== "bad")).toEqual([]);
  });
  it("with monitoring, loads the exporter on every node and runs Prometheus on a scrape config of them; Grafana only as files without a binary", async () => {
    created.length = 0;
    const tools = { exporterJar: "/c/agent.jar", prometheus: "/c/prometheus" };
    const cluster = new KafkaCluster("kafka", {
      config: labConfig(COMBINED_3, { monitoring: {} }),
      labDir: "/labs/unit",
      kafkaHome: "/opt/kafka",
      monitoringTools: tools,
    });
    expect(await resolve(cluster.prometheusUrl as pulumi.Output<string>)).toBe("http://127.0.0.1:9090");
    // Grafana registers once Prometheus has (dependsOn).
    await pWaitFor(() => created.some((r) => r.name === "kafka-monitoring-grafana"), { interval: 20, timeout: 1_000 });
    const byName = (name: string) => created.find((r) => r.name === name)?.inputs as Record<string, unknown>;
    expect(byName("kafka-exporter-rules")).toMatchObject({ path: "/labs/unit/monitoring/jmx-exporter.yml", mode: 0o644 });
    const nodes = byName("kafka-nodes").nodes as { id: number; jvmOptions: string }[];
    expect(nodes[1].jvmOptions).toBe("-javaagent:/c/agent.jar=127.0.0.1:9195:/labs/unit/monitoring/jmx-exporter.yml");
    const prometheus = byName("kafka-monitoring-prometheus");
    expect(prometheus).toMatchObject({ command: "/c/prometheus", reloadUrl: "http://127.0.0.1:9090/-/reload", dir: "/labs/unit/monitoring/prometheus" });
    expect((prometheus.files as Record<string, string>)["prometheus.yml"]).toContain("- 127.0.0.1:9295\n");
    const grafana = byName("kafka-monitoring-grafana");
    expect(grafana.command).toBeUndefined();
    expect(Object.keys(grafana.files as object)).toContain("provisioning/datasources/kraftlab.yaml");
    expect(created.some((r) => r.name.endsWith("grafana-admin-password"))).toBe(false);
    expect(cluster.grafanaNote).toMatch(/GF_PATHS_PROVISIONING=\/labs\/unit\/monitoring\/grafana\/provisioning grafana server/);
  });
});
