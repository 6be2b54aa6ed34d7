import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { processRuntime } from "../runtime/process/runtime";
import { readMeta } from "../runtime/storageMeta";
import { ensureFormatted, metaMismatch } from "./storage";

const want = { clusterId: "abc", nodeId: 2, dataDir: "/lab/node-2/data" };

describe("metaMismatch", () => {
  it("accepts a directory formatted for this cluster and node", () => {
    expect(metaMismatch({ clusterId: "abc", nodeId: "2" }, want)).toBeUndefined();
  });

  it("refuses another cluster's directory, saying it is never reformatted and what to do", () => {
    expect(metaMismatch({ clusterId: "xyz", nodeId: "2" }, want)).toBe(
      "/lab/node-2/data is formatted for cluster xyz, but this lab's cluster is abc. kraftlab never reformats a log directory: " +
        "move that directory away (or run `npm run down` on the lab that owns it) and run `pulumi up` again",
    );
  });

  it("refuses another node's directory", () => {
    expect(metaMismatch({ clusterId: "abc", nodeId: "5" }, want)).toMatch(/formatted for node 5, not node 2/);
  });
});

describe("ensureFormatted", () => {
  it("leaves a foreign formatted directory untouched and fails before running any tool", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-meta-"));
    const meta = "#\nnode.id=2\ndirectory.id=q\nversion=1\ncluster.id=xyz\n";
    fs.writeFileSync(path.join(dataDir, "meta.properties"), meta);
    try {
      const runtime = processRuntime({ kind: "process", kafkaHome: "/nonexistent" });
      const node = { id: 2, dir: dataDir, dataDir, configFile: "/nonexistent", pidFile: "/nonexistent" };
      await expect(ensureFormatted(runtime, node, "abc")).rejects.toThrow(/formatted for cluster xyz, but this lab's cluster is abc/);
      expect(fs.readFileSync(path.join(dataDir, "meta.properties"), "utf8")).toBe(meta);
      expect(readMeta(dataDir)).toEqual({ clusterId: "xyz", nodeId: "2", directoryId: "q" });
    } finally {
      fs.rmSync(dataDir, { recursive: true });
    }
  });
});
