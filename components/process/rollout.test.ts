import { describe, expect, it } from "vitest";
import { nodeAction, restartOrder, type NodeRun } from "./rollout";

const node = (id: number, roles: string[]): NodeRun => ({
  id, roles, heap: "512m", dir: `/l/node-${id}`, configFile: `/l/node-${id}/server.properties`, logFile: "/l/log", pidFile: "/l/pid",
  configHash: "c2", tlsHash: "t2",
});
const running = (configHash: string, tlsHash: string, alive = true) => ({ pid: 42, configHash, tlsHash, alive });

describe("nodeAction", () => {
  const combined = node(1, ["broker", "controller"]);
  const broker = node(4, ["broker"]);

  it("starts a node that is new or dead, restarts one on an older config, keeps the rest", () => {
    expect(nodeAction(combined, undefined, true)).toBe("start");
    expect(nodeAction(combined, running("c2", "t2", false), true)).toBe("start");
    expect(nodeAction(combined, running("c1", "t2"), true)).toBe("restart");
    expect(nodeAction(combined, running("c2", "t2"), true)).toBe("keep");
  });

  it("reloads new TLS material in place on brokers, restarts controllers whose listener uses TLS", () => {
    expect(nodeAction(broker, running("c2", "t1"), true)).toBe("reload");
    expect(nodeAction(combined, running("c2", "t1"), true)).toBe("restart");
    expect(nodeAction(combined, running("c2", "t1"), false)).toBe("reload");
  });
});

describe("restartOrder", () => {
  it("restarts brokers, then controllers, the active controller last", () => {
    const nodes = [node(1, ["broker", "controller"]), node(2, ["broker", "controller"]), node(3, ["controller"]), node(4, ["broker"])];
    expect(restartOrder(nodes, 1)).toEqual([4, 2, 3, 1]);
    expect(restartOrder(nodes, 3)).toEqual([4, 1, 2, 3]);
  });
});
