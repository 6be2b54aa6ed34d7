import { getProperties } from "properties-file";
import { describe, expect, it } from "vitest";
import { COMBINED_3, labConfig } from "../testing";
import { LAB_TUNABLES, MANAGED_PROPERTIES, propertyValue, renderClientProperties, renderServerProperties } from "./render";
import { planCluster } from "./topology";

const render = (nodes: Record<number, string>, index: number, rest: Record<string, unknown> = {}) => {
  const plan = planCluster(labConfig(nodes, rest), "/labs/dev", "dev");
  return getProperties(renderServerProperties(plan, plan.nodes[index], "dev"));
};

describe("renderServerProperties", () => {
  it("renders a combined node of the 3-node lab", () => {
    expect(render(COMBINED_3, 1)).toEqual({
      "process.roles": "broker,controller",
      "node.id": "2",
      "controller.quorum.bootstrap.servers": "127.0.0.1:9094,127.0.0.1:9194,127.0.0.1:9294",
      "controller.listener.names": "CONTROLLER",
      listeners: "EXTERNAL://127.0.0.1:9192,INTERNAL://127.0.0.1:9193,CONTROLLER://127.0.0.1:9194",
      "advertised.listeners": "EXTERNAL://127.0.0.1:9192,INTERNAL://127.0.0.1:9193,CONTROLLER://127.0.0.1:9194",
      "listener.security.protocol.map": "EXTERNAL:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
      "inter.broker.listener.name": "INTERNAL",
      "log.dirs": "/labs/dev/node-2/data",
      "num.partitions": "1",
      "default.replication.factor": "3",
      "offsets.topic.replication.factor": "3",
      "transaction.state.log.replication.factor": "3",
      "transaction.state.log.min.isr": "2",
      "share.coordinator.state.topic.replication.factor": "3",
      "share.coordinator.state.topic.min.isr": "2",
      ...LAB_TUNABLES,
    });
  });

  it("gives a controller-only node only the controller listener and no inter-broker listener", () => {
    const props = render({ 1: "controller", 2: "broker" }, 0);
    expect(props["process.roles"]).toBe("controller");
    expect(props.listeners).toBe("CONTROLLER://127.0.0.1:9094");
    expect(props["inter.broker.listener.name"]).toBeUndefined();
  });

  it("lets a broker-only node dial the controller listener it does not bind", () => {
    const props = render({ 1: "controller", 2: "broker" }, 1);
    expect(props.listeners).toBe("EXTERNAL://127.0.0.1:9192,INTERNAL://127.0.0.1:9193");
    expect(props["controller.quorum.bootstrap.servers"]).toBe("127.0.0.1:9094");
    expect(props["listener.security.protocol.map"]).toContain("CONTROLLER:PLAINTEXT");
    expect(props["default.replication.factor"]).toBe("1");
  });

  it("writes a static quorum's voters instead of bootstrap servers", () => {
    const plan = planCluster(labConfig(COMBINED_3, { quorum: "static" }), "/labs/dev", "dev");
    const props = getProperties(renderServerProperties(plan, plan.nodes[0], "dev"));
    expect(props["controller.quorum.voters"]).toBe("1@127.0.0.1:9094,2@127.0.0.1:9194,3@127.0.0.1:9294");
    expect(props["controller.quorum.bootstrap.servers"]).toBeUndefined();
  });

  it("applies extra properties over the lab tunables, escaped for .properties", () => {
    const props = render(COMBINED_3, 0, { properties: { "num.io.threads": 8, "log.retention.ms": 60000, "x.path": "C:\\dir = a" } });
    expect(props["num.io.threads"]).toBe("8");
    expect(props["log.retention.ms"]).toBe("60000");
    expect(props["x.path"]).toBe("C:\\dir = a");
  });

  it("sets exactly the managed keys plus the tunables (plaintext lab)", () => {
    const keys = Object.keys(render(COMBINED_3, 0));
    const managed = Object.entries(MANAGED_PROPERTIES)
      .filter(([key, owner]) => !owner.startsWith("kraftlab:security") && !["controller.quorum.voters", "log.dir", "min.insync.replicas"].includes(key))
      .map(([key]) => key);
    expect(keys.sort()).toEqual([...managed, ...Object.keys(LAB_TUNABLES)].sort());
  });
});

describe("renderClientProperties", () => {
  it("points clients at every broker over PLAINTEXT", () => {
    const plan = planCluster(labConfig(COMBINED_3), "/l", "dev");
    expect(getProperties(renderClientProperties(plan, "dev"))).toEqual({
      "bootstrap.servers": "127.0.0.1:9092,127.0.0.1:9192,127.0.0.1:9292",
      "security.protocol": "PLAINTEXT",
    });
  });
});

describe("propertyValue", () => {
  it("escapes only what Java's Properties.load needs, and reads back as written", () => {
    const values = ["a=b:c #d !e", "C:\\dir\\x", " leading", "two\nlines\ttab", "Grüße 😀", 'username="alice" password="p";'];
    expect(values.map(propertyValue)).toEqual([
      "a=b:c #d !e",
      "C:\\\\dir\\\\x",
      "\\ leading",
      "two\\nlines\\ttab",
      "Grüße \\ud83d\\ude00",
      'username="alice" password="p";',
    ]);
    const text = values.map((v, i) => `k${i}=${propertyValue(v)}`).join("\n");
    expect(Object.values(getProperties(text))).toEqual(values);
  });
});
