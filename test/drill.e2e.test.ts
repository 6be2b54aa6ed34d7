// Failure drills on a lab of processes (3 combined nodes and a broker), each through `npm run drill`
// under its idempotent load: refused where unsafe or impossible, then kill-broker, kill-controller,
// freeze-voter (also interrupted by Ctrl-C) and wipe-broker, each with its report and chart, nothing
// lost or duplicated, and the lab whole again after.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { getProperties } from "properties-file";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../lab/toolchain";
import { type LabOutputs, type Ran, TestLab } from "./lab";

const PORT = 28092;
const nodes = [...[1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] })), { id: 4, roles: ["broker"] }];
/** Short windows around the fault: the drill's own 2 s warm-up comes first. */
const QUICK = ["--before", "1", "--after", "1"];

describe("failure drills on processes", () => {
  let lab: TestLab;
  let outputs: LabOutputs;
  const pidOf = (id: number) => Number(fs.readFileSync(path.join(lab.labDir, `node-${id}`, "kafka.pid"), "utf8"));
  const meta = (id: number) => getProperties(fs.readFileSync(path.join(lab.labDir, `node-${id}`, "data", "meta.properties"), "utf8"));

  /** A drill that ran to its end: nothing lost, duplicated or refused, its report and chart written. */
  function expectSound(ran: Ran, scenario: string): string {
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/\n {2}lost · duplicated · failed sends +0 · 0 · 0 +ok/);
    expect(ran.stdout).toMatch(/\n {2}records sent · acked · consumed +(\d+) · \1 · \1\n/);
    const file = /\nreport: (\S+)\n/.exec(ran.stdout)?.[1] as string;
    expect(path.basename(file)).toMatch(new RegExp(`-${scenario}\\.md$`));
    const chart = /\]\((\S+\.svg)\)/.exec(fs.readFileSync(file, "utf8"))?.[1] as string;
    expect(fs.readFileSync(path.join(path.dirname(file), chart), "utf8")).toMatch(/^<svg [\s\S]*acked records \/ s[\s\S]*ack latency \(ms\)/);
    return ran.stdout;
  }

  beforeAll(async () => {
    lab = await TestLab.create("drill", { nodes, ports: { external: PORT, internal: PORT + 1, controller: PORT + 2 }, heap: "384m" });
    ({ outputs } = await lab.up());
  });
  afterAll(async () => lab?.cleanup());

  it("refuses what processes cannot do, and an unknown scenario, touching nothing", async () => {
    const isolate = await lab.drill(["isolate-controller"]);
    expect(isolate.code).toBe(2);
    expect(isolate.stderr).toMatch(
      /kraftlab: drill refused: isolate-controller: nodes that are processes share this machine's network, .*kraftlab:runtime: docker/,
    );
    const unknown = await lab.drill(["kill-everything"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("usage: npm run drill -- <kill-controller|kill-broker|freeze-voter|isolate-controller|wipe-broker|restart-all>");
    for (const node of outputs.nodes) expect(pidOf(node.id)).toBe(node.pid);
  });

  it("kill-broker: the busiest leader killed, fenced after its session, started again by up", async () => {
    const before = Object.fromEntries(outputs.nodes.map((n) => [n.id, n.pid]));
    const out = expectSound(await lab.drill(["kill-broker", ...QUICK]), "kill-broker");
    const victim = Number(/SIGKILL of the broker that leads the most partitions: node (\d)/.exec(out)?.[1]);
    expect(out).toMatch(new RegExp(`\\n {2}node ${victim} still leads partitions +\\d+\\.\\d+ s +(ok|outside) +\\d`));
    expect(out).toMatch(new RegExp(`recovery +\`up\`: node ${victim}: not running: started again`));
    expect(pidOf(victim)).not.toBe(before[victim]);
  });

  it("kill-controller: the quorum without a leader for a time asked of the surviving controllers", async () => {
    const out = expectSound(await lab.drill(["kill-controller", ...QUICK]), "kill-controller");
    expect(out).toContain("is a combined node: the fault strikes a voter and a broker at once");
    expect(out).toMatch(/\n {2}quorum without a leader +\d+\.\d+ s +(ok|outside) +2\.00 s – 5\.50 s \(controller\.quorum\.fetch\.timeout\.ms 2000/);
  });

  it("freeze-voter: a follower stopped and resumed recovers by itself, the same process", async () => {
    const before = nodes.map((n) => pidOf(n.id));
    const out = expectSound(await lab.drill(["freeze-voter", "--hold", "3", ...QUICK]), "freeze-voter");
    expect(out).toMatch(/SIGSTOP of a follower voter, resumed after a while: node \d/);
    expect(out).toMatch(/\n {2}quorum without a leader +0 ms +ok/);
    expect(out).toMatch(/recovery +by itself, no `up`/);
    expect(nodes.map((n) => pidOf(n.id))).toEqual(before);
  });

  it("freeze-voter interrupted by Ctrl-C resumes the node it froze", async () => {
    const child = spawn(process.execPath, lab.drillArgs(["freeze-voter", "--hold", "60", ...QUICK]), {
      cwd: PROJECT_DIR,
      env: { ...process.env, ...lab.scriptEnv() },
    });
    let said = "";
    const frozen = await new Promise<number>((resolve, reject) => {
      child.stderr.on("data", (chunk: Buffer) => {
        said += chunk;
        const match = /kraftlab: node (\d) frozen/.exec(said);
        if (match) resolve(Number(match[1]));
      });
      child.on("exit", () => reject(new Error(`the drill ended before it froze a node:\n${said}`)));
    });
    const state = () => fs.readFileSync(`/proc/${pidOf(frozen)}/stat`, "utf8").split(") ")[1][0];
    expect(state()).toBe("T");
    const code = await new Promise<number | null>((resolve) => {
      child.on("exit", (c) => resolve(c));
      child.kill("SIGINT");
    });
    expect(code).toBe(130);
    expect(said).toContain(`kraftlab: drill interrupted (SIGINT); put back: node ${frozen} resumed, the load`);
    expect(state()).not.toBe("T");
  });

  it("wipe-broker: the broker-only node's data removed, formatted again with the cluster's id by up, its replicas fetched again", async () => {
    const [clusterBefore, directoryBefore] = [meta(4)["cluster.id"], meta(4)["directory.id"]];
    const out = expectSound(await lab.drill(["wipe-broker", ...QUICK]), "wipe-broker");
    expect(out).toContain("a broker stopped, its data removed, then repaired by `up`: node 4 (broker)");
    expect(out).toMatch(/\n {2}until every partition is fully replicated +\d+(\.\d+ s| ms)/);
    expect(meta(4)["cluster.id"]).toBe(clusterBefore);
    expect(meta(4)["directory.id"]).not.toBe(directoryBefore);
    expect((await lab.status()).stdout).toMatch(new RegExp(`^lab ${lab.stack.name}: healthy`));
  });
});
