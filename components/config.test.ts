import { describe, expect, it } from "vitest";
import { ConfigError, parseLabConfig } from "./config";

const nodes = [{ id: 1, roles: ["broker", "controller"] }];

describe("parseLabConfig", () => {
  it("fills every default", () => {
    const cfg = parseLabConfig({ nodes });
    expect(cfg).toEqual({
      nodes,
      host: "127.0.0.1",
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

  it("names an unknown top-level key and the fix", () => {
    expect(problems({ nodes, heapSize: "1g" })).toEqual([
      'kraftlab:heapSize: unknown key; remove it (known keys are listed in README.md, "Configuration")',
    ]);
  });

  it("names an unknown key inside a node", () => {
    expect(problems({ nodes: [{ id: 1, roles: ["broker"], rack: "a" }] })[0]).toMatch(/^kraftlab:nodes\[0\]\.rack: unknown key/);
  });

  it("rejects an unknown role with the allowed ones", () => {
    const [problem] = problems({ nodes: [{ id: 1, roles: ["broker", "zookeeper"] }] });
    expect(problem).toMatch(/^kraftlab:nodes\[0\]\.roles\[1\]: /);
    expect(problem).toContain('"broker"');
    expect(problem).toContain('"controller"');
  });

  it("requires nodes and says how to set them", () => {
    expect(problems({})).toEqual([expect.stringMatching(/^kraftlab:nodes: required; set it with `npm run pulumi -- config set --path/)]);
  });

  it("rejects a heap that is not a size", () => {
    expect(problems({ nodes, heap: "lots" })).toEqual(["kraftlab:heap: expected a size such as 512m or 1g"]);
  });

  it("rejects a port out of range", () => {
    expect(problems({ nodes, ports: { external: 70000 } })[0]).toMatch(/^kraftlab:ports\.external: /);
  });
});
