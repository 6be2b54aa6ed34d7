import * as pulumi from "@pulumi/pulumi";
import pWaitFor from "p-wait-for";
import { beforeAll, describe, expect, it } from "vitest";
import type { LabConfig } from "../model/config";
import { launchHash, withoutBootstrap } from "../model/launch";
import { planCluster } from "../model/topology";
import { planDockerRuntime, planProcessRuntime } from "../runtime/plan";
import { createCa } from "../security/pki";
import { COMBINED_3, labConfig } from "../testing";
import { KafkaCluster } from "./kafkaCluster";

interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const created: Recorded[] = [];

beforeAll(async () => {
  // A secure lab reads when its certificates expire: the CA's and the nodes' must be real ones.
  const ca = createCa({ commonName: "unit CA", validityDays: 10 });
  const outputs: Record<string, Record<string, unknown>> = {
    ClusterId: { clusterId: "MOCKCLUSTERID000000000" },
    QuorumBootstrap: { initialControllers: "1@127.0.0.1:9094:MOCKDIR" },
    NodeProcesses: { running: { 1: "4241", 2: "4242", 3: "4243" } },
    Password: { value: "generated-password" },
    CertificateAuthority: { certPem: ca.certPem, keyPem: ca.keyPem, previousCertPems: [] },
    NodeCertificate: { certPem: ca.certPem, keystore: "KEYSTORE" },
  };
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        created.push({ type: args.type, name: args.name, inputs: args.inputs });
        const kind = args.type.split(":").pop() as string;
        const outs = kind === "ClusterId" ? outputs.ClusterId : { ...args.inputs, ...outputs[kind] };
        return { id: `${args.name}-id`, state: outs };
      },
      call: (args) => args.inputs,
    },
    "kraftlab",
    "unit",
    false,
  );
});

/** The component's arguments as index.ts builds them: the plan and the runtime plan once, from the config. */
const args = (config: LabConfig, labDir: string, kafkaHome: string) => ({
  config,
  plan: planCluster(config, labDir, "unit"),
  runtime: planProcessRuntime(kafkaHome, labDir),
  labDir,
  kafkaHome,
  kafkaVersion: "4.3.1",
});

const resolve = <T>(output: pulumi.Output<T>) => new Promise<T>((done) => output.apply(done));

describe("KafkaCluster", () => {
  it("builds the cluster id, the lab directory, each node's files, their processes and the client file", async () => {
    created.length = 0;
    const cluster = new KafkaCluster("kafka", args(labConfig(COMBINED_3), "/labs/unit", "/opt/kafka"));
    const nodes = await resolve(cluster.nodes);
    // The cluster defaults register once the nodes have (dependsOn).
    await pWaitFor(() => created.some((r) => r.name === "kafka-defaults"), { interval: 20, timeout: 1_000 });
    expect(created.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      "kraftlab:index:KafkaCluster kafka",
      "pulumi-nodejs:dynamic/kraftlab:ClusterDefaults kafka-defaults",
      "pulumi-nodejs:dynamic/kraftlab:ClusterId kafka-cluster-id",
      "pulumi-nodejs:dynamic/kraftlab:LabDirectory kafka-dir",
      "pulumi-nodejs:dynamic/kraftlab:LabFile kafka-client-properties",
      "pulumi-nodejs:dynamic/kraftlab:LabFile kafka-quorum-mode",
      "pulumi-nodejs:dynamic/kraftlab:LabRuntime kafka-runtime",
      "pulumi-nodejs:dynamic/kraftlab:NodeFiles kafka-node-1",
      "pulumi-nodejs:dynamic/kraftlab:NodeFiles kafka-node-2",
      "pulumi-nodejs:dynamic/kraftlab:NodeFiles kafka-node-3",
      "pulumi-nodejs:dynamic/kraftlab:NodeProcesses kafka-nodes",
      "pulumi-nodejs:dynamic/kraftlab:QuorumBootstrap kafka-quorum",
    ]);
    expect(await resolve(cluster.bootstrapServers)).toBe("127.0.0.1:9092,127.0.0.1:9192,127.0.0.1:9292");
    expect(await resolve(cluster.clientProperties)).toBe("/labs/unit/client.properties");
    expect(nodes.map((n) => [n.id, n.ports.external, n.pid])).toEqual([
      [1, 9092, 4241],
      [2, 9192, 4242],
      [3, 9292, 4243],
    ]);
  });

  it("gives each node its rendered config; the processes the cluster id, the quorum's bootstrap, the lab's heap and each config's hash", async () => {
    created.length = 0;
    const cluster = new KafkaCluster("lab", args(labConfig(COMBINED_3, { heap: "256m" }), "/labs/unit", "/opt/kafka"));
    await resolve(cluster.nodes);
    const node2 = created.find((r) => r.name === "lab-node-2")?.inputs;
    expect(node2).toMatchObject({
      nodeId: 2,
      runtime: { kind: "process", kafkaHome: "/opt/kafka" },
      dataDir: "/labs/unit/node-2/data",
    });
    expect(node2?.serverProperties).toContain("node.id=2\n");
    expect(node2?.serverProperties).toContain("listeners=EXTERNAL://127.0.0.1:9192,INTERNAL://127.0.0.1:9193,CONTROLLER://127.0.0.1:9194\n");
    const processes = created.find((r) => r.name === "lab-nodes")?.inputs as Record<string, unknown> & { nodes: Record<string, unknown>[] };
    expect(processes).toMatchObject({
      readyTimeoutMs: 180_000,
      stopTimeoutMs: 60_000,
      gateTimeoutMs: 300_000,
      drain: [],
      clusterId: "MOCKCLUSTERID000000000",
      quorum: { mode: "dynamic", initialControllers: "1@127.0.0.1:9094:MOCKDIR" },
      admin: { runtime: { kind: "process", kafkaHome: "/opt/kafka" }, bootstrapServers: "127.0.0.1:9093,127.0.0.1:9193,127.0.0.1:9293" },
      voters: [1, 2, 3].map((id) => ({ id, host: "127.0.0.1", port: 9094 + (id - 1) * 100 })),
    });
    expect(processes.nodes[1]).toMatchObject({
      id: 2,
      heap: "256m",
      jvmOptions: "",
      configHash: launchHash(withoutBootstrap(String(node2?.serverProperties)), "256m", "\u00004.3.1"),
    });
    expect(processes.tls).toBeUndefined();
  });

  it("on Docker: the lab's network and image first, containers named after the lab, the others reached by node name", async () => {
    created.length = 0;
    const config = labConfig(COMBINED_3, { runtime: { kind: "docker" } });
    const plan = planCluster(config, "/labs/unit", "unit");
    const build = { kafkaHome: "/opt/kafka", rootfs: "/c/jre.tar", dockerfile: "/nonexistent/Dockerfile" };
    const runtime = planDockerRuntime(plan, { kind: "docker" }, "unit", { dockerHost: "unix:///d.sock", labDir: "/labs/unit", build });
    const cluster = new KafkaCluster("kafka", { config, plan, runtime, labDir: "/labs/unit", kafkaHome: "/opt/kafka", kafkaVersion: "4.3.1" });
    const nodes = await resolve(cluster.nodes);
    expect(nodes.map((n) => [n.id, n.container, n.pid])).toEqual([
      [1, "kraftlab-unit-node-1", undefined],
      [2, "kraftlab-unit-node-2", undefined],
      [3, "kraftlab-unit-node-3", undefined],
    ]);
    expect(cluster.runtime).toMatchObject({ kind: "docker", dockerHost: "unix:///d.sock", network: "kraftlab-unit" });
    const byName = (name: string) => created.find((r) => r.name === name)?.inputs as Record<string, unknown>;
    expect(byName("kafka-runtime")).toMatchObject({
      kind: "docker",
      docker: { network: "kraftlab-unit", lab: "unit", image: expect.stringMatching(/^kraftlab\/kafka:[0-9a-f]{12}$/) },
    });
    const node2 = byName("kafka-node-2");
    expect(node2.serverProperties).toContain("listeners=EXTERNAL://0.0.0.0:9192,INTERNAL://0.0.0.0:9193,CONTROLLER://0.0.0.0:9194\n");
    expect(node2.serverProperties).toContain("advertised.listeners=EXTERNAL://127.0.0.1:9192,INTERNAL://node-2:9193,CONTROLLER://node-2:9194\n");
    expect(node2.serverProperties).toContain("controller.quorum.bootstrap.servers=node-1:9094,node-2:9194,node-3:9294\n");
    const processes = byName("kafka-nodes") as { nodes: { published: number[]; container: string }[]; admin: { bootstrapServers: string } };
    expect(processes.nodes[1]).toMatchObject({ container: "kraftlab-unit-node-2", published: [9192] });
    expect(processes.admin.bootstrapServers).toBe("node-1:9093,node-2:9193,node-3:9293");
  });

  it("with monitoring, loads the exporter on every node and runs Prometheus on a scrape config of them; Grafana only as files without a binary", async () => {
    created.length = 0;
    const tools = { exporterJar: "/c/agent.jar", prometheus: "/c/prometheus" };
    const cluster = new KafkaCluster("kafka", { ...args(labConfig(COMBINED_3, { monitoring: {} }), "/labs/unit", "/opt/kafka"), monitoringTools: tools });
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

  it("on a secure lab: the nodes' passwords masked, the admin's client file, and SCRAM users, ACLs and quotas set once the nodes run", async () => {
    created.length = 0;
    const security = {
      mechanism: "SCRAM-SHA-512",
      users: { admin: {}, alice: { password: "alice-secret" } },
      acls: [{ principal: "User:alice", operation: "Read", resourceName: "orders" }],
      quotas: { alice: { producerByteRate: 1024 } },
    };
    const cluster = new KafkaCluster("kafka", { ...args(labConfig(COMBINED_3, { security }), "/labs/unit", "/opt/kafka"), certsDir: "/certs/unit" });
    expect(await resolve(cluster.clientProperties)).toBe("/certs/unit/admin.properties");
    expect(cluster.caCertificate).toBe("/certs/unit/ca.pem");
    expect(await resolve(cluster.userPasswords as pulumi.Output<Record<string, string>>)).toEqual({ admin: "generated-password", alice: "alice-secret" });
    // The access registers once the nodes have (dependsOn).
    await pWaitFor(() => created.some((r) => r.name === "kafka-access"), { interval: 20, timeout: 1_000 });
    const byName = (name: string) => created.find((r) => r.name === name)?.inputs as Record<string, unknown>;
    expect(created.some((r) => r.name === "kafka-client-properties")).toBe(false);
    // What a preview shows of a node's config: its passwords masked.
    expect(byName("kafka-node-1").properties).toMatchObject({
      "listener.name.external.sasl.enabled.mechanisms": "SCRAM-SHA-512",
      "listener.name.internal.plain.sasl.jaas.config": "[secret]",
    });
    expect(byName("kafka-nodes").admin).toMatchObject({ commandConfig: "/certs/unit/operator.properties" });
    expect(byName("kafka-access")).toMatchObject({
      commandConfig: "/certs/unit/operator.properties",
      bootstrapServers: "127.0.0.1:9093,127.0.0.1:9193,127.0.0.1:9293",
      quotas: { alice: { producerByteRate: 1024 } },
      scramMechanism: "SCRAM-SHA-512",
      // The users' passwords go to the resource as a secret.
      scramUsers: { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: { admin: "generated-password", alice: "alice-secret" } },
    });
    expect(byName("kafka-access").acls).toContainEqual(expect.objectContaining({ principal: "User:alice", operation: "Read", resourceName: "orders" }));
  });

  it("with PLAIN on the EXTERNAL listener, sets no SCRAM user", async () => {
    created.length = 0;
    const config = labConfig(COMBINED_3, { security: { users: { admin: {} } } });
    new KafkaCluster("plain", { ...args(config, "/labs/unit", "/opt/kafka"), certsDir: "/certs/unit" });
    await pWaitFor(() => created.some((r) => r.name === "plain-access"), { interval: 20, timeout: 1_000 });
    const access = created.find((r) => r.name === "plain-access")?.inputs;
    expect(access?.scramMechanism).toBeUndefined();
    expect(access?.scramUsers).toEqual({});
  });

  it("refuses security without certsDir, and monitoring without its tools", () => {
    const lab = (rest: Record<string, unknown>) => args(labConfig(COMBINED_3, rest), "/labs/unit", "/opt/kafka");
    expect(() => new KafkaCluster("no-certs", lab({ security: { users: { admin: {} } } }))).toThrow("KafkaCluster: certsDir is required with security");
    expect(() => new KafkaCluster("no-tools", lab({ monitoring: {} }))).toThrow("KafkaCluster: monitoringTools is required with monitoring");
  });
});
