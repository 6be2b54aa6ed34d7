// Bad input is refused before anything is touched, and data is never reformatted or lost.
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { consume, labProcesses, produce, produceAndConsume, quorumStatus, TestLab, type LabOutputs } from "./lab";

const oneNode = (external: number) => ({
  nodes: [{ id: 1, roles: ["broker", "controller"] }],
  ports: { external, internal: external + 1, controller: external + 2 },
});

/** The number of resources the stack's state holds besides the stack itself. */
async function resourceCount(lab: TestLab): Promise<number> {
  const state = await lab.stack.exportStack();
  return (state.deployment.resources ?? []).filter((r: { type: string }) => r.type !== "pulumi:pulumi:Stack").length;
}

describe("refusals before anything is touched", () => {
  let lab: TestLab | undefined;
  afterEach(async () => {
    await lab?.cleanup();
    lab = undefined;
  });

  it("names the key and the fix for an invalid topology", async () => {
    lab = await TestLab.create("invalid", { nodes: [{ id: 1, roles: ["broker"] }, { id: 1, roles: ["broker"] }] });
    const failure = lab.up();
    await expect(failure).rejects.toThrow(/kraftlab:nodes\[1\]\.id: node id 1 is already used by kraftlab:nodes\[0\]/);
    await expect(failure).rejects.toThrow(/kraftlab:nodes: no node has the controller role/);
    expect(await resourceCount(lab)).toBe(0);
    expect(fs.existsSync(lab.labDir)).toBe(false);
  });

  it("names a port that another process holds", async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(23093, "127.0.0.1", resolve));
    try {
      lab = await TestLab.create("busy", oneNode(23092));
      await expect(lab.up()).rejects.toThrow(/node 1 internal port 23093 is already in use by another process; stop that process, or set kraftlab:ports/);
      expect(await resourceCount(lab)).toBe(0);
      expect(fs.existsSync(lab.labDir)).toBe(false);
    } finally {
      squatter.close();
    }
  });

  it("says how to get Java when there is none", async () => {
    lab = await TestLab.create("nojava", oneNode(23192));
    const saved = process.env.JAVA_HOME;
    process.env.JAVA_HOME = "/nonexistent-jdk"; // the program runs in this process
    try {
      await expect(lab.up()).rejects.toThrow(/Java was not found \(\/nonexistent-jdk\/bin\/java\); Kafka needs Java 17\+: apt-get install -y openjdk-17-jre-headless/);
    } finally {
      if (saved === undefined) delete process.env.JAVA_HOME;
      else process.env.JAVA_HOME = saved;
    }
    expect(await resourceCount(lab)).toBe(0);
  });

  it("never reformats a log directory that belongs to another cluster", async () => {
    lab = await TestLab.create("foreign", oneNode(23292));
    const meta = path.join(lab.labDir, "node-1", "data", "meta.properties");
    const foreign = "#\nnode.id=1\ndirectory.id=AAAAAAAAAAAAAAAAAAAAAA\nversion=1\ncluster.id=ForeignClusterId000000\n";
    fs.mkdirSync(path.dirname(meta), { recursive: true });
    fs.writeFileSync(meta, foreign);
    await expect(lab.up()).rejects.toThrow(/is formatted for cluster ForeignClusterId000000, but this lab's cluster is .*kraftlab never reformats a log directory/);
    expect(fs.readFileSync(meta, "utf8")).toBe(foreign);
    expect(labProcesses(lab.labDir)).toEqual([]);
  });
});

describe("evolving a running lab", () => {
  let lab: TestLab;
  let outputs: LabOutputs;
  const nodes = [1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] }));

  beforeAll(async () => {
    lab = await TestLab.create("evolve", { nodes, ports: { external: 24092, internal: 24093, controller: 24094 } });
    ({ outputs } = await lab.up());
    await produceAndConsume(outputs.bootstrapServers, "kept", 200, "before");
  });
  afterAll(async () => lab?.cleanup());

  it("restarts only the node whose config changed, keeping its data", async () => {
    const changed = nodes.map((n) => (n.id === 2 ? { ...n, properties: { "log.retention.hours": 24 } } : n));
    await lab.stack.setConfig("kraftlab:nodes", { value: JSON.stringify(changed) });
    const { outputs: after, changes } = await lab.up();
    expect(changes).toEqual({ same: 7, update: 2 }); // node 2's files, and the processes
    const pids = (o: LabOutputs) => o.nodes.map((n) => n.pid);
    expect(pids(after)[0]).toBe(pids(outputs)[0]);
    expect(pids(after)[2]).toBe(pids(outputs)[2]);
    expect(pids(after)[1]).not.toBe(pids(outputs)[1]);
    expect(fs.readFileSync(path.join(lab.labDir, "node-2", "server.properties"), "utf8")).toContain("log.retention.hours=24\n");
    expect(after.clusterId).toBe(outputs.clusterId);
    expect((await quorumStatus("127.0.0.1:24094")).voters.sort()).toEqual([1, 2, 3]);
    outputs = after;
  });

  it("starts a node that was killed again on the next up, with its data", async () => {
    process.kill(outputs.nodes[2].pid, "SIGKILL");
    const { outputs: after, changes } = await lab.up();
    expect(changes).toEqual({ same: 8, update: 1 }); // the processes
    expect(after.nodes[2].pid).not.toBe(outputs.nodes[2].pid);
    await produce(after.bootstrapServers, "kept", 100, "after");
    const received = await consume(after.bootstrapServers, "kept", 300);
    expect(received.filter((m) => m.startsWith("before-"))).toHaveLength(200);
    expect(received.filter((m) => m.startsWith("after-"))).toHaveLength(100);
  });
});
