import { describe, expect, it } from "vitest";
import { COMBINED_3, labConfig } from "../testing";
import { parseLabConfig } from "./config";
import { planCluster, replicationPlan } from "./topology";

describe("planCluster", () => {
  it("gives the lab's 3 combined nodes the ports 9092/9192/9292 and one voter each", () => {
    const plan = planCluster(labConfig(COMBINED_3), "/labs/dev", "dev");
    expect(plan.nodes.map((n) => n.ports)).toEqual([
      { external: 9092, internal: 9093, controller: 9094 },
      { external: 9192, internal: 9193, controller: 9194 },
      { external: 9292, internal: 9293, controller: 9294 },
    ]);
    expect(plan.voters).toBe("1@127.0.0.1:9094,2@127.0.0.1:9194,3@127.0.0.1:9294");
    expect(plan.bootstrapServers).toBe("127.0.0.1:9092,127.0.0.1:9192,127.0.0.1:9292");
    expect(plan.internalBootstrapServers).toBe("127.0.0.1:9093,127.0.0.1:9193,127.0.0.1:9293");
  });

  it("puts each node's files under the lab directory", () => {
    const node = planCluster(labConfig(COMBINED_3), "/labs/dev", "dev").nodes[1];
    expect(node).toMatchObject({
      dir: "/labs/dev/node-2",
      dataDir: "/labs/dev/node-2/data",
      configFile: "/labs/dev/node-2/server.properties",
      logFile: "/labs/dev/node-2/logs/server.log",
      pidFile: "/labs/dev/node-2/kafka.pid",
    });
  });

  it("gives dedicated controllers only a controller port and brokers no controller port", () => {
    const plan = planCluster(labConfig({ 1: "controller", 2: "controller", 3: "controller", 4: "broker", 5: "broker" }), "/l", "dev");
    expect(plan.controllers.map((n) => n.id)).toEqual([1, 2, 3]);
    expect(plan.brokers.map((n) => n.id)).toEqual([4, 5]);
    expect(plan.nodes[0].ports).toEqual({ controller: 9094 });
    expect(plan.nodes[3].ports).toEqual({ external: 9392, internal: 9393 });
    expect(plan.bootstrapServers).toBe("127.0.0.1:9392,127.0.0.1:9492");
  });

  it("keeps a node's ports when another node is removed (ports follow the id)", () => {
    const plan = planCluster(labConfig({ 1: "broker,controller", 3: "broker,controller" }), "/l", "dev");
    expect(plan.nodes[1].ports.external).toBe(9292);
  });

  it("honours per-node port overrides and merges properties, node last", () => {
    const cfg = labConfig(COMBINED_3, { properties: { "log.retention.hours": 1, "num.io.threads": 2 } });
    cfg.nodes[0].ports = { external: 19092 };
    cfg.nodes[0].properties = { "num.io.threads": 8 };
    const node = planCluster(cfg, "/l", "dev").nodes[0];
    expect(node.ports).toEqual({ external: 19092, internal: 9093, controller: 9094 });
    expect(node.extraProperties).toEqual({ "log.retention.hours": "1", "num.io.threads": "8" });
  });
});

describe("replicationPlan", () => {
  it.each([
    [1, { factor: 1, minInsyncReplicas: 1, internalFactor: 1, internalMinIsr: 1 }],
    [2, { factor: 2, minInsyncReplicas: 1, internalFactor: 2, internalMinIsr: 2 }],
    [3, { factor: 3, minInsyncReplicas: 2, internalFactor: 3, internalMinIsr: 2 }],
    [4, { factor: 3, minInsyncReplicas: 2, internalFactor: 3, internalMinIsr: 2 }],
  ])("fits %i broker(s)", (brokers, expected) => {
    expect(replicationPlan({ replication: {} }, brokers)).toEqual({ ...expected, partitions: 1 });
  });

  it("takes configured values over derived ones", () => {
    expect(replicationPlan({ replication: { factor: 2, partitions: 6 } }, 3)).toMatchObject({ factor: 2, minInsyncReplicas: 1, partitions: 6 });
  });
});

describe("planCluster on machines over SSH", () => {
  const machine = (address: string) => ({ address, ssh: { user: "kafka", privateKey: "/k" }, baseDir: "/opt/kraftlab" });
  const cfg = parseLabConfig({
    runtime: "ssh",
    machines: { h1: machine("10.0.0.11"), h2: machine("10.0.0.12") },
    nodes: [
      { id: 1, roles: ["broker", "controller"], machine: "h1" },
      { id: 2, roles: ["broker", "controller"], machine: "h2" },
      { id: 3, roles: ["broker", "controller"], machine: "h1" },
    ],
  });
  const plan = planCluster(cfg, "/labs/dev", "dev");

  it("keeps the administrator's ports on each machine: its first node 9092…, a second one a step up", () => {
    expect(plan.nodes.map((n) => n.ports)).toEqual([
      { external: 9092, internal: 9093, controller: 9094 },
      { external: 9092, internal: 9093, controller: 9094 },
      { external: 9192, internal: 9193, controller: 9194 },
    ]);
  });

  it("binds and advertises every listener on the node's machine, and keeps its files there", () => {
    expect(plan.bootstrapServers).toBe("10.0.0.11:9092,10.0.0.12:9092,10.0.0.11:9192");
    expect(plan.quorumBootstrapServers).toBe("10.0.0.11:9094,10.0.0.12:9094,10.0.0.11:9194");
    expect(plan.nodes[1]).toMatchObject({
      machine: "h2",
      host: "10.0.0.12",
      externalHost: "10.0.0.12",
      bindHost: "10.0.0.12",
      dir: "/opt/kraftlab/dev/node-2",
      configFile: "/opt/kraftlab/dev/node-2/server.properties",
    });
  });
});
