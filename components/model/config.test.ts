import { RunError } from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ConfigError, kraftlabKeys, parseLabConfig } from "./config";

const nodes = [{ id: 1, roles: ["broker", "controller"] }];

describe("kraftlabKeys", () => {
  it("keeps the kraftlab: keys, prefix stripped, JSON-decoded where the value is JSON", () => {
    expect(kraftlabKeys({ "kraftlab:heap": "512m", "kraftlab:nodes": '[{"id":1}]', "kraftlab:rebalance": "true", "aws:region": "x" })).toEqual({
      heap: "512m",
      nodes: [{ id: 1 }],
      rebalance: true,
    });
  });
});

describe("parseLabConfig", () => {
  it("fills every default", () => {
    const cfg = parseLabConfig({ nodes });
    expect(cfg).toEqual({
      nodes,
      host: "127.0.0.1",
      machines: {},
      ports: { external: 9092, internal: 9093, controller: 9094, metrics: 9095, step: 100 },
      heap: "512m",
      replication: {},
      properties: {},
      readyTimeoutSeconds: 180,
      stopTimeoutSeconds: 60,
      gateTimeoutSeconds: 300,
      drainBrokers: [],
      rebalance: false,
      reassignmentThrottle: 10485760,
      topics: {},
      allowTopicDeletion: false,
      runtime: { kind: "process" },
    });
  });

  it("keeps given values", () => {
    const cfg = parseLabConfig({ nodes, heap: "1g", ports: { external: 19092 }, replication: { factor: 1 } });
    expect(cfg.heap).toBe("1g");
    expect(cfg.ports).toEqual({ external: 19092, internal: 9093, controller: 9094, metrics: 9095, step: 100 });
    expect(cfg.replication).toEqual({ factor: 1 });
  });

  const problems = (raw: Record<string, unknown>) => {
    try {
      parseLabConfig(raw);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems;
    }
    throw new Error("expected a ConfigError");
  };

  it("is a RunError to Pulumi (one error, no stack), though the model never loads the SDK", () => {
    expect(RunError.isInstance(new ConfigError(["kraftlab:heap: …"]))).toBe(true);
  });

  it("names an unknown top-level key and the fix", () => {
    expect(problems({ nodes, heapSize: "1g" })).toEqual(['kraftlab:heapSize: unknown key; remove it (known keys are listed in README.md, "Configuration")']);
  });

  it("names an unknown key inside a node", () => {
    expect(problems({ nodes: [{ id: 1, roles: ["broker"], rack: "a" }] })[0]).toMatch(/^kraftlab:nodes\[0\]\.rack: unknown key/);
  });

  it("rejects an unknown role with the allowed ones", () => {
    expect(problems({ nodes: [{ id: 1, roles: ["broker", "zookeeper"] }] })).toEqual([
      'kraftlab:nodes[0].roles[1]: "zookeeper" is not one of broker, controller; e.g. broker',
    ]);
  });

  it("requires nodes and says how to set them", () => {
    expect(problems({})).toEqual([
      "kraftlab:nodes: required; set it with `npm run pulumi -- config set --path 'kraftlab:nodes' <value>`, e.g. [{ id: 1, roles: [broker, controller] }, { id: 2, roles: [broker, controller] }, …]",
    ]);
  });

  it("tells a value of the wrong type from a missing one: key, value, expected type, example", () => {
    expect(problems({ nodes, heap: 5, readyTimeoutSeconds: "soon", security: true, ports: 23600 })).toEqual([
      "kraftlab:ports: 23600 is a whole number, but it must be a map of keys to values; e.g. { external: 9092, internal: 9093, controller: 9094 }",
      "kraftlab:heap: 5 is a whole number, but it must be a string; e.g. 512m",
      'kraftlab:readyTimeoutSeconds: "soon" is a string, but it must be a number; e.g. 60',
      "kraftlab:security: true is a boolean, but it must be a map of keys to values; e.g. {} (TLS and SASL/PLAIN everywhere, user admin) or { mechanism: SCRAM-SHA-512, users: { admin: {}, alice: {} } }",
    ]);
    expect(problems({ nodes: { a: 1 } })).toEqual([
      'kraftlab:nodes: {"a":1} is a map, but it must be a list; e.g. [{ id: 1, roles: [broker, controller] }, { id: 2, roles: [broker, controller] }, …]',
    ]);
    expect(problems({ nodes: [1, 2] })).toEqual([
      "kraftlab:nodes[0]: 1 is a whole number, but it must be a map of keys to values; e.g. { id: 1, roles: [broker, controller] }",
      "kraftlab:nodes[1]: 2 is a whole number, but it must be a map of keys to values; e.g. { id: 1, roles: [broker, controller] }",
    ]);
  });

  it("says a node id must be a whole number from 0 up", () => {
    expect(problems({ nodes: [{ id: 1.5, roles: ["broker"] }] })).toEqual(["kraftlab:nodes[0].id: 1.5 is a number, but it must be a whole number; e.g. 1"]);
    expect(problems({ nodes: [{ id: -1, roles: ["broker"] }] })).toEqual([
      "kraftlab:nodes[0].id: -1 is too small; node ids are whole numbers from 0 up, e.g. 1",
    ]);
    expect(problems({ nodes, drainBrokers: [-2] })).toEqual(["kraftlab:drainBrokers[0]: -2 is too small; node ids are whole numbers from 0 up, e.g. 4"]);
  });

  it("names the valid range of a port", () => {
    expect(problems({ nodes, ports: { external: 70000 }, monitoring: { prometheusPort: 0 } })).toEqual([
      "kraftlab:ports.external: 70000 is too big; a port is a number from 1 to 65535, e.g. 9092",
      "kraftlab:monitoring.prometheusPort: 0 is too small; a port is a number from 1 to 65535, e.g. 9090",
    ]);
  });

  it("says how to write an ACL principal, a property value, a mechanism, a user name and a password", () => {
    const security = {
      users: { "al ice": {}, bob: { password: "short" } },
      acls: [{ principal: "alice", operation: "Read" }],
      mechanism: "SCRAM",
    };
    expect(problems({ nodes, properties: { "log.retention.hours": { h: 1 } }, security })).toEqual([
      'kraftlab:properties.log.retention.hours: {"h":1} is a map, but it must be a string, a number or true/false; e.g. 24',
      'kraftlab:security.mechanism: "SCRAM" is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; e.g. PLAIN',
      `kraftlab:security.users.al ice: "al ice" is not a valid name: letters, digits, '.', '_' and '-' only; rename it`,
      'kraftlab:security.users.bob.password: "short" is too short; use at least 8 characters',
      'kraftlab:security.acls[0].principal: "alice": expected User:<name>; write the user\'s name after User:, e.g. User:alice',
    ]);
  });

  it("says an empty host is empty", () => {
    expect(problems({ nodes, host: "" })).toEqual(["kraftlab:host: is empty; e.g. 127.0.0.1"]);
  });

  it("rejects a heap that is not a size", () => {
    expect(problems({ nodes, heap: "lots" })).toEqual(['kraftlab:heap: "lots": expected a size such as 512m or 1g']);
  });

  it("rejects a Kafka version that is no 4.x release, a quorum mode and features it does not know", () => {
    expect(problems({ nodes, kafkaVersion: "3.9.0" })).toEqual(['kraftlab:kafkaVersion: "3.9.0": expected a Kafka 4.x release such as 4.3.1']);
    expect(problems({ nodes, quorum: "raft" })[0]).toMatch(/^kraftlab:quorum: .*dynamic.*static/);
    expect(problems({ nodes, features: "all" })[0]).toMatch(/^kraftlab:features: /);
  });

  it("rejects a port out of range", () => {
    expect(problems({ nodes, ports: { external: 70000 } })[0]).toMatch(/^kraftlab:ports\.external: /);
  });
});
