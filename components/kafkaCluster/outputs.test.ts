import { describe, expect, it } from "vitest";
import { parseLabConfig } from "../model/config";
import { planCluster } from "../model/topology";
import { COMBINED_3, labConfig } from "../testing";
import { nodeInfos } from "./outputs";

describe("nodeInfos", () => {
  it("gives a local node its pid, 0 when it does not run, and the release it runs, empty when unknown", () => {
    const plan = planCluster(labConfig(COMBINED_3), "/labs/unit", "unit");
    const nodes = nodeInfos(plan, { 1: "4241", 3: "" }, { 1: "4.3.1" });
    expect(nodes.map((n) => [n.id, n.pid, n.version])).toEqual([
      [1, 4241, "4.3.1"],
      [2, 0, ""],
      [3, 0, ""],
    ]);
    expect(nodes[0]).not.toHaveProperty("container");
    expect(nodes[0]).not.toHaveProperty("machine");
    expect(nodes[1]).toMatchObject({ roles: ["broker", "controller"], dataDir: "/labs/unit/node-2/data", logFile: "/labs/unit/node-2/logs/server.log" });
  });

  it("gives a container its name and no pid; a node on a machine that machine and its address", () => {
    const docker = planCluster(labConfig(COMBINED_3, { runtime: { kind: "docker" } }), "/labs/unit", "unit");
    const [container] = nodeInfos(docker, { 1: "4241" }, undefined);
    expect(container).toMatchObject({ id: 1, container: "kraftlab-unit-node-1", version: "" });
    expect(container).not.toHaveProperty("pid");
    const ssh = parseLabConfig({
      runtime: "ssh",
      nodes: [{ id: 1, roles: ["broker", "controller"], machine: "h1" }],
      machines: { h1: { address: "10.0.0.11", ssh: { user: "kafka" } } },
    });
    expect(nodeInfos(planCluster(ssh, "/labs/unit", "unit"), { 1: "77" }, { 1: "4.3.1" })).toEqual([
      expect.objectContaining({ id: 1, pid: 77, machine: "h1", address: "10.0.0.11", version: "4.3.1" }),
    ]);
  });
});
