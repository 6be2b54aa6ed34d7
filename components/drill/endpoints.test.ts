import { describe, expect, it } from "vitest";
import type { NodeInfo } from "../kafkaCluster/kafkaCluster";
import { controllerEndpoints } from "./endpoints";

const node = (id: number, roles: string[], controller?: number, address?: string): NodeInfo => ({
  id,
  roles,
  ports: { external: 9092, ...(controller && { controller }) },
  dataDir: `/lab/node-${id}/data`,
  logFile: `/lab/node-${id}/logs/server.log`,
  version: "4.3.1",
  address,
});

describe("controllerEndpoints", () => {
  const nodes = [node(1, ["broker", "controller"], 9094, "10.0.0.1"), node(2, ["broker"]), node(3, ["controller"], 9294, "10.0.0.3")];
  it("the controllers' listeners where this machine reaches them, per runtime", () => {
    expect(controllerEndpoints(nodes, "process", "127.0.0.1:9092")).toEqual([
      { id: 1, host: "127.0.0.1", port: 9094 },
      { id: 3, host: "127.0.0.1", port: 9294 },
    ]);
    expect(controllerEndpoints(nodes, "docker", "127.0.0.1:9092").map((e) => e.host)).toEqual(["node-1", "node-3"]);
    expect(controllerEndpoints(nodes, "ssh", "10.0.0.1:9092").map((e) => e.host)).toEqual(["10.0.0.1", "10.0.0.3"]);
  });
});
