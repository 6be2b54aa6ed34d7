import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { handlers, newClusterId } from "./handlers";

describe("newClusterId", () => {
  it("makes Kafka-style ids: 22 URL-safe base64 characters, never starting with '-'", () => {
    const ids = Array.from({ length: 500 }, newClusterId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("nodeFiles.diff", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-node-files-"));
  const configFile = path.join(dir, "server.properties");
  fs.writeFileSync(configFile, "node.id=1\n");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const olds = {
    nodeId: 1, clusterId: "c", kafkaHome: "/k", dir, dataDir: path.join(dir, "data"), configFile, pidFile: path.join(dir, "kafka.pid"),
    serverProperties: "node.id=1\n",
  };

  it("replaces a node whose id or data directory changes, removing it first", async () => {
    const diff = await handlers.nodeFiles.diff("node-1", olds, { ...olds, dataDir: "/elsewhere" });
    expect(diff).toMatchObject({ changes: true, replaces: ["dataDir"], deleteBeforeReplace: true });
  });

  it("rewrites in place (no replace) when the cluster id changes, so the data check can refuse it", async () => {
    const diff = await handlers.nodeFiles.diff("node-1", olds, { ...olds, clusterId: "other" });
    expect(diff).toMatchObject({ changes: true, replaces: [] });
  });

  it("sees nothing to do when the file on disk is the desired one, and a hand edit as a change", async () => {
    expect(await handlers.nodeFiles.diff("node-1", olds, olds)).toMatchObject({ changes: false });
    fs.writeFileSync(configFile, "node.id=1\nlog.retention.ms=1\n");
    expect(await handlers.nodeFiles.diff("node-1", olds, olds)).toMatchObject({ changes: true, replaces: [] });
  });
});
