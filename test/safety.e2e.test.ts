// Bad input is refused before anything is touched, and data is never reformatted or lost.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { consume, type LabOutputs, labProcesses, produce, produceAndConsume, quorumStatus, TestLab, toolJvmsDuring } from "./lab";

const oneNode = (external: number) => ({
  nodes: [{ id: 1, roles: ["broker", "controller"] }],
  ports: { external, internal: external + 1, controller: external + 2 },
});

/** Writes `files` (relative path → text) under `dir`. */
function plant(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
}

/** The marker an earlier stack's `up` leaves (see components/store/layout.ts). */
function claimLeftover(dir: string, stack: string): void {
  plant(dir, { ".kraftlab-lab": JSON.stringify({ stack, token: "0123456789abcdef01234567" }) });
}

/** sha256 of every file under `dir`, by relative path. */
function checksums(dir: string): Record<string, string> {
  return Object.fromEntries(
    (fs.readdirSync(dir, { recursive: true }) as string[])
      .filter((file) => fs.statSync(path.join(dir, file)).isFile())
      .sort()
      .map((file) => [
        file,
        createHash("sha256")
          .update(fs.readFileSync(path.join(dir, file)))
          .digest("hex"),
      ]),
  );
}

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
    lab = await TestLab.create("invalid", {
      nodes: [
        { id: 1, roles: ["broker"] },
        { id: 1, roles: ["broker"] },
      ],
    });
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
      await expect(lab.up()).rejects.toThrow(
        /node 1 internal port 23093 is already in use by another process \(pid \d+: .+\); stop that process, or set kraftlab:ports/,
      );
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
      await expect(lab.up()).rejects.toThrow(
        /Java was not found \(\/nonexistent-jdk\/bin\/java\); Kafka needs Java 17\+: apt-get install -y openjdk-17-jre-headless/,
      );
    } finally {
      if (saved === undefined) delete process.env.JAVA_HOME;
      else process.env.JAVA_HOME = saved;
    }
    expect(await resourceCount(lab)).toBe(0);
  });

  it("names kraftlab:host when it is not an address of this machine, and a drain of a node that never was", async () => {
    // 192.0.2.0/24 (TEST-NET-1) is assigned to no machine: the check binds it, nothing is sent.
    lab = await TestLab.create("host", { ...oneNode(23192), host: "192.0.2.10", drainBrokers: [7] });
    const failure = lab.up();
    await expect(failure).rejects.toThrow(/kraftlab:host: 192\.0\.2\.10 is not an address of this machine; .*e\.g\. 127\.0\.0\.1/);
    await expect(failure).rejects.toThrow(/kraftlab:drainBrokers\[0\]: node 7 is not a node of this lab, so there is nothing to drain/);
    await expect(failure).rejects.not.toThrow(/already in use/);
    expect(await resourceCount(lab)).toBe(0);
    expect(fs.existsSync(lab.labDir)).toBe(false);
  });

  it("has Kafka read the extra properties before anything is written", async () => {
    lab = await TestLab.create("props", { ...oneNode(23192), properties: { "log.retention.hours": "a week" } });
    await expect(lab.up()).rejects.toThrow(/kraftlab:properties\.log\.retention\.hours: Kafka refuses a week: Not a number of type INT; fix the value/);
    expect(await resourceCount(lab)).toBe(0);
    expect(fs.existsSync(lab.labDir)).toBe(false);
  });

  it("shows a node that dies while starting once, with the end of its log", async () => {
    // A distribution whose server prints one line and exits: everything before the start passes.
    const fake = path.join(os.tmpdir(), `kraftlab-fake-kafka-${process.pid}`);
    plant(fake, {
      "bin/kafka-storage.sh": "#!/bin/sh\nexit 0\n",
      "bin/kafka-server-start.sh": '#!/bin/sh\necho "FATAL fake-kafka-7d1e: cannot start"\nexit 1\n',
      "libs/kafka_2.13-0.0.0.jar": "",
    });
    for (const script of ["kafka-storage.sh", "kafka-server-start.sh"]) fs.chmodSync(path.join(fake, "bin", script), 0o755);
    try {
      lab = await TestLab.create("dies", { ...oneNode(23392), kafkaHome: fake });
      const failure = await lab.up().then(
        () => expect.unreachable("up should fail"),
        (err: Error) => err.message,
      );
      const shown = failure.slice(failure.indexOf("Diagnostics:"), failure.indexOf("Resources:"));
      expect(shown).toMatch(/error: node 1 exited while starting; the end of .*server\.log:\n\s*FATAL fake-kafka-7d1e: cannot start/);
      expect(shown.split("fake-kafka-7d1e")).toHaveLength(2); // the log tail, once
      expect(shown).not.toMatch(/^\s+at /m);
      expect(labProcesses(lab.labDir)).toEqual([]);
    } finally {
      fs.rmSync(fake, { recursive: true, force: true });
    }
  });

  it("refuses a labDir below a file already in preview", async () => {
    lab = await TestLab.create("file", oneNode(23192));
    fs.mkdirSync(lab.root, { recursive: true });
    const file = path.join(lab.root, "a-file");
    fs.writeFileSync(file, "x");
    await lab.configure({ labDir: path.join(file, "lab") });
    await expect(lab.stack.preview({ color: "never" })).rejects.toThrow(/kraftlab:labDir: .*a-file\/lab cannot be made: .*a-file is a file, not a directory/);
    expect(fs.readFileSync(file, "utf8")).toBe("x");
  });

  it("never writes into, claims or removes a directory holding another cluster's node: up refused, destroy leaves it byte for byte", async () => {
    lab = await TestLab.create("foreign", oneNode(23292));
    const foreign = {
      "node-1/server.properties": "node.id=1\nprocess.roles=broker,controller\nlog.dirs=/elsewhere\n",
      "node-1/data/meta.properties": "#\nnode.id=1\ndirectory.id=AAAAAAAAAAAAAAAAAAAAAA\nversion=1\ncluster.id=ForeignClusterId000000\n",
      "node-1/data/orders-0/00000000000000000000.log": "x".repeat(4096),
    };
    plant(lab.labDir, foreign);
    const before = checksums(lab.labDir);
    expect(Object.keys(before)).toHaveLength(3);

    await expect(lab.up()).rejects.toThrow(
      /kraftlab:labDir: .* already holds files that kraftlab did not create \(node-1\); kraftlab never writes into or removes such a directory/,
    );
    expect(checksums(lab.labDir)).toEqual(before);
    expect(await resourceCount(lab)).toBe(0);
    expect(labProcesses(lab.labDir)).toEqual([]);

    await lab.stack.destroy({ color: "never" });
    expect(checksums(lab.labDir)).toEqual(before);
  });

  it("refuses a lab directory left by a stack of the same name that was removed without destroy", async () => {
    lab = await TestLab.create("stale", oneNode(23292));
    plant(lab.labDir, { "node-1/data/meta.properties": "cluster.id=StaleClusterId0000000000\nnode.id=1\n" });
    // As an `up` of kraftlab/e2e-stale wrote it, before its state was removed with `pulumi stack rm --force`.
    claimLeftover(lab.labDir, "kraftlab/e2e-stale");
    const before = checksums(lab.labDir);
    await expect(lab.up()).rejects.toThrow(/kraftlab:labDir: .* holds a lab of stack kraftlab\/e2e-stale that this stack's state does not know/);
    expect(checksums(lab.labDir)).toEqual(before);
    const state = await lab.stack.exportStack();
    expect((state.deployment.resources ?? []).filter((r: { type: string }) => r.type.startsWith("pulumi-nodejs:"))).toEqual([]);
    await lab.stack.destroy({ color: "never" });
    expect(checksums(lab.labDir)).toEqual(before);
  });
});

describe("evolving a running lab", () => {
  let lab: TestLab;
  let outputs: LabOutputs;
  const nodes = [1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] }));

  beforeAll(async () => {
    // A static quorum, as the course teaches it (the dynamic default is test/quorum.e2e.test.ts's).
    lab = await TestLab.create("evolve", { nodes, quorum: "static", ports: { external: 24092, internal: 24093, controller: 24094 } });
    ({ outputs } = await lab.up());
    await produceAndConsume(outputs.bootstrapServers, "kept", 200, "before");
  });
  afterAll(async () => lab?.cleanup());

  it("restarts only the node whose read-only config changed, keeping its data", async () => {
    const changed = nodes.map((n) => (n.id === 2 ? { ...n, properties: { "queued.max.requests": 600 } } : n));
    await lab.stack.setConfig("kraftlab:nodes", { value: JSON.stringify(changed) });
    const { outputs: after, changes } = await lab.up();
    expect(changes).toEqual({ same: 11, update: 2 }); // node 2's files, and the processes
    const pids = (o: LabOutputs) => o.nodes.map((n) => n.pid);
    expect(pids(after)[0]).toBe(pids(outputs)[0]);
    expect(pids(after)[2]).toBe(pids(outputs)[2]);
    expect(pids(after)[1]).not.toBe(pids(outputs)[1]);
    expect(fs.readFileSync(path.join(lab.labDir, "node-2", "server.properties"), "utf8")).toContain("queued.max.requests=600\n");
    expect(after.clusterId).toBe(outputs.clusterId);
    expect((await quorumStatus("127.0.0.1:24094")).voters.sort()).toEqual([1, 2, 3]);
    outputs = after;
  });

  it("shows the lab at a glance with npm run status, healthy or not, with no Kafka tool JVM", async () => {
    const { result: healthy, tools } = await toolJvmsDuring(() => lab.status());
    expect(tools).toEqual([]);
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/^lab e2e-evolve: healthy\nID +ROLES +RUNS +STATE +QUORUM +LAG +LED +URP +OFFLINE +VERSION\n/);
    for (const node of outputs.nodes)
      expect(healthy.stdout).toMatch(new RegExp(`^${node.id} +broker,controller +pid ${node.pid} +up +(leader|follower) +\\d+ +\\d+ +0 +0 +4\\.3\\.1$`, "m"));
    expect(healthy.stdout).toContain(`bootstrap: ${outputs.bootstrapServers}\n`);
  });

  it("starts a node that was killed again on the next up, with its data", async () => {
    process.kill(outputs.nodes[2].pid as number, "SIGKILL");
    const down = await lab.status();
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/^lab e2e-evolve: NOT healthy: node 3 is down/);
    expect(down.stdout).toMatch(new RegExp(`^3 +broker,controller +pid ${outputs.nodes[2].pid} +down `, "m"));
    const { outputs: after, changes } = await lab.up();
    expect(changes).toEqual({ same: 12, update: 1 }); // the processes
    expect(after.nodes[2].pid).not.toBe(outputs.nodes[2].pid);
    await produce(after.bootstrapServers, "kept", 100, "after");
    const received = await consume(after.bootstrapServers, "kept", 300);
    expect(received.filter((m) => m.startsWith("before-"))).toHaveLength(200);
    expect(received.filter((m) => m.startsWith("after-"))).toHaveLength(100);
    outputs = after;
  });

  it("refuses what a static quorum or its data cannot take, touching nothing: a role change, a new controller, a moved labDir", async () => {
    // What kraftlab writes (logs and segments change as the nodes run).
    const written = () =>
      Object.fromEntries(Object.entries(checksums(lab.labDir)).filter(([file]) => /(server|meta)\.properties$|running\.json$|\.kraftlab-lab$/.test(file)));
    const files = written();
    expect(Object.keys(files)).toHaveLength(10);
    const refused = async (change: Record<string, unknown>, why: RegExp) => {
      await lab.configure(change);
      await expect(lab.up()).rejects.toThrow(why);
      expect(labProcesses(lab.labDir).length).toBeGreaterThanOrEqual(3);
    };
    const current: { id: number; roles: string[] }[] = JSON.parse((await lab.stack.getConfig("kraftlab:nodes")).value);
    await refused(
      { nodes: current.map((n) => (n.id === 2 ? { ...n, roles: ["broker"] } : n)) },
      /kraftlab:nodes\[1\]\.roles: node 2 runs as \[broker, controller\] in this lab and cannot become \[broker\]/,
    );
    await refused(
      { nodes: [...current, { id: 4, roles: ["controller"] }] },
      /kraftlab:nodes\[3\]: node 4 would join the controllers of a running lab whose quorum is static/,
    );
    const elsewhere = path.join(lab.root, "moved");
    await refused(
      { nodes: current, labDir: elsewhere },
      /kraftlab:labDir: this lab lives in .*; moving it to .*moved would leave its nodes' data \(or certificates\) behind/,
    );
    expect(fs.existsSync(elsewhere)).toBe(false);
    await lab.configure({ labDir: lab.labDir });

    expect(written()).toEqual(files);
    const { outputs: after, changes } = await lab.up();
    expect(changes).toEqual({ same: 13 });
    expect(after.nodes.map((n) => n.pid)).toEqual(outputs.nodes.map((n) => n.pid));
    expect(written()).toEqual(files);
  });
});
