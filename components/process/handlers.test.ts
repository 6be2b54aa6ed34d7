import { describe, expect, it } from "vitest";
import { handlers, newClusterId } from "./handlers";

describe("newClusterId", () => {
  it("makes Kafka-style ids: 22 URL-safe base64 characters, never starting with '-'", () => {
    const ids = Array.from({ length: 500 }, newClusterId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("nodeProcess.diff", () => {
  const olds = {
    nodeId: 1, roles: ["broker"], clusterId: "c", kafkaHome: "/k", heap: "512m", dir: "/l/node-1", dataDir: "/l/node-1/data",
    configFile: "/nonexistent/server.properties", logFile: "/l/node-1/logs/server.log", pidFile: "/l/node-1/kafka.pid",
    serverProperties: "node.id=1\n", readyTimeoutMs: 1000, stopTimeoutMs: 1000, pid: 0,
  };

  it("replaces a node whose id or data directory changes, stopping it first", async () => {
    const diff = await handlers.nodeProcess.diff("node-1", olds, { ...olds, dataDir: "/elsewhere" });
    expect(diff).toMatchObject({ changes: true, replaces: ["dataDir"], deleteBeforeReplace: true });
  });

  it("restarts in place (no replace) when the cluster id changes, so the data check can refuse it", async () => {
    const diff = await handlers.nodeProcess.diff("node-1", olds, { ...olds, clusterId: "other" });
    expect(diff).toMatchObject({ changes: true, replaces: [] });
  });

  it("reports a node that is not running as changed, so `up` starts it again", async () => {
    expect(await handlers.nodeProcess.diff("node-1", olds, olds)).toMatchObject({ changes: true, replaces: [] });
  });
});
