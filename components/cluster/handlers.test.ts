import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clusterHandlers as handlers } from "./handlers";

describe("nodeFiles.diff", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-node-files-"));
  const configFile = path.join(dir, "server.properties");
  fs.writeFileSync(configFile, "node.id=1\n");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const olds = {
    nodeId: 1,
    clusterId: "c",
    kafkaHome: "/k",
    dir,
    dataDir: path.join(dir, "data"),
    configFile,
    pidFile: path.join(dir, "kafka.pid"),
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

describe("labDirectory", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-lab-dir-"));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const inputs = (name: string) => ({ path: path.join(root, name), key: "kraftlab:labDir", stack: "kraftlab/dev" });

  it("claims a new directory and removes it on delete", async () => {
    const { outs } = await handlers.labDirectory.create(inputs("new"));
    expect(fs.existsSync(path.join(root, "new", ".kraftlab-lab"))).toBe(true);
    await handlers.labDirectory.delete("new", outs);
    expect(fs.existsSync(path.join(root, "new"))).toBe(false);
  });

  it("refuses to move a lab that exists, naming both directories and the fix", async () => {
    const olds = { ...inputs("old"), token: "t" };
    await expect(handlers.labDirectory.diff("old", olds, inputs("new"))).rejects.toThrow(
      `kraftlab:labDir: this lab lives in ${path.join(root, "old")}; moving it to ${path.join(root, "new")} would leave its nodes' data (or certificates) behind: set kraftlab:labDir back to ${path.join(root, "old")}, or run \`pulumi destroy\` first`,
    );
    expect(await handlers.labDirectory.diff("old", olds, inputs("old"))).toEqual({ changes: false });
  });

  it("refuses to create in a directory with files, writing nothing", async () => {
    fs.mkdirSync(path.join(root, "used"));
    fs.writeFileSync(path.join(root, "used", "data.log"), "theirs");
    await expect(handlers.labDirectory.create(inputs("used"))).rejects.toThrow(/already holds files that kraftlab did not create \(data\.log\)/);
    expect(fs.readdirSync(path.join(root, "used"))).toEqual(["data.log"]);
  });

  it("leaves a directory whose marker is not its own on delete, saying so", async () => {
    const { outs } = await handlers.labDirectory.create(inputs("swapped"));
    fs.writeFileSync(path.join(root, "swapped", ".kraftlab-lab"), JSON.stringify({ stack: "kraftlab/other", token: "t" }));
    const said: string[] = [];
    const saved = console.error;
    console.error = (line: string) => said.push(line);
    try {
      await handlers.labDirectory.delete("swapped", outs);
    } finally {
      console.error = saved;
    }
    expect(fs.existsSync(path.join(root, "swapped", ".kraftlab-lab"))).toBe(true);
    expect(said).toEqual([expect.stringMatching(/^kraftlab: left .*swapped as it is: it does not hold this stack's marker/)]);
  });
});
