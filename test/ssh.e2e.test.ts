// A secure lab on several machines over SSH: each machine a test host of this machine (a network
// namespace with its own sshd and /srv, test/hosts.ts), reached only through its address. What is
// refused before anything is touched, the lab itself, day 2 across machines, and a destroy that leaves
// every machine as it was.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../components/host/projectDir";
import { makeHosts, type TestHosts } from "./hosts";
import { consume, createTopic, type LabOutputs, produce, TestLab } from "./lab";
import { expectNothingLost, underLoad } from "./underLoad";

const TOPIC = "payments";
const combined = (machine: string, id: number) => ({ id, roles: ["broker", "controller"], machine });
const three = [combined("h1", 1), combined("h2", 2), combined("h3", 3)];

describe("a lab on machines over SSH", () => {
  let hosts: TestHosts;
  let lab: TestLab;
  let outputs: LabOutputs;
  /** kraftlab:machines for the test hosts, `change` applied to each. */
  const machines = (change: (name: string, m: Record<string, unknown>) => Record<string, unknown> = (_, m) => m) =>
    Object.fromEntries(
      hosts.hosts.map((h) => [
        h.name,
        change(h.name, { address: h.address, ssh: { user: hosts.user, privateKey: hosts.privateKeyFile, hostKey: h.hostKey }, baseDir: "/srv/kraftlab" }),
      ]),
    );
  const security = (extra: Record<string, unknown> = {}) => ({ users: { admin: {} }, ...extra });
  const pidOf = (o: LabOutputs, id: number) => o.nodes.find((n) => n.id === id)?.pid;
  const labFiles = (name: string) => hosts.files(name).filter((f) => f.startsWith("kraftlab/e2e-ssh/"));

  beforeAll(async () => {
    execFileSync("bash", [path.join(PROJECT_DIR, "setup", "ssh", "openssh.sh")], { stdio: "inherit" });
    hosts = await makeHosts({ count: 5, noJava: ["h5"] });
    lab = await TestLab.create("ssh", { runtime: "ssh", machines: machines(), nodes: three, security: security() });
  });
  afterAll(async () => {
    try {
      await lab?.cleanup();
    } finally {
      await hosts?.teardown();
    }
  });

  it("refuses, before anything is touched, a machine that does not answer, a wrong or unknown host key, no Java, a port taken, a base directory it cannot write", async () => {
    const [h1] = hosts.hosts;
    hosts.linkDown("h2");
    const release = await hosts.holdPort("h1", 9092);
    try {
      await lab.configure({
        nodes: [...three, combined("h4", 4), combined("h5", 5)],
        machines: machines((name, m) => {
          const ssh = m.ssh as Record<string, unknown>;
          if (name === "h3") return { ...m, ssh: { ...ssh, hostKey: undefined } };
          if (name === "h4") return { ...m, ssh: { ...ssh, hostKey: h1.hostKey } };
          if (name === "h1") return { ...m, baseDir: "/proc/kraftlab" }; // root may "write" /proc ([ -w ]), but nothing can be made there
          return m;
        }),
      });
      const refused = await lab.up().then(
        () => "",
        (err: Error) => err.message,
      );
      expect(refused).toMatch(/kraftlab:machines\.h2: 10\.213\.0\.12:22 does not answer \(.+, 3 tries\); check that the machine is up/);
      expect(refused).toMatch(
        /kraftlab:machines\.h3\.ssh\.hostKey: not set, .+ 10\.213\.0\.13 offered SHA256:\S+\. .+ set kraftlab:machines\.h3\.ssh\.hostKey to "ssh-ed25519 AAAA/,
      );
      expect(refused).toMatch(/kraftlab:machines\.h4\.ssh\.hostKey: 10\.213\.0\.14 offered SHA256:\S+, not the configured key SHA256:\S+; refused/);
      expect(refused).toMatch(
        /kraftlab:machines\.h5: no Java on 10\.213\.0\.15 .+ install it there \(apt-get install -y openjdk-17-jre-headless\), or set kraftlab:machines\.h5\.javaHome/,
      );
      expect(refused).toMatch(/node 1 external port 9092 is already in use on machine h1 \(10\.213\.0\.11\)/);
      expect(refused).toMatch(
        /kraftlab:machines\.h1\.baseDir: \S+ cannot write \/proc\/kraftlab on 10\.213\.0\.11 \(creating \/proc\/kraftlab: .+\); set kraftlab:machines\.h1\.baseDir to a directory \S+ may write, e\.g\. \/var\/tmp\/kraftlab \(the default\)/,
      );
    } finally {
      release();
      hosts.linkUp("h2");
    }
    for (const h of hosts.hosts) expect(hosts.files(h.name), h.name).toEqual([]);
    expect(fs.existsSync("/proc/kraftlab")).toBe(false);
    expect(fs.existsSync(lab.labDir)).toBe(false);
  });

  it("brings up a SASL_SSL lab with one node per machine, its files only there; clients, Kafka's CLI and status work from here", async () => {
    await lab.configure({ nodes: three, machines: machines() });
    ({ outputs } = await lab.up());
    expect(outputs.bootstrapServers).toBe("10.213.0.11:9092,10.213.0.12:9092,10.213.0.13:9092");
    for (const [i, name] of ["h1", "h2", "h3"].entries()) {
      const files = labFiles(name);
      expect(files, name).toEqual(expect.arrayContaining([`kraftlab/e2e-ssh/node-${i + 1}/server.properties`, `kraftlab/e2e-ssh/node-${i + 1}/keystore.p12`]));
      expect(
        files.filter((f) => /node-\d+\/server\.properties$/.test(f)),
        name,
      ).toEqual([`kraftlab/e2e-ssh/node-${i + 1}/server.properties`]);
      expect(hosts.pids(name), name).toContain(pidOf(outputs, i + 1));
    }
    const mode = fs.statSync(path.join(hosts.hosts[0].root, "kraftlab/e2e-ssh/node-1/keystore.p12")).mode & 0o777;
    expect(mode.toString(8)).toBe("600");
    expect(fs.readdirSync(lab.labDir).filter((f) => f.startsWith("node-"))).toEqual([]);

    await createTopic(outputs, TOPIC, 3, ["min.insync.replicas=2"]);
    const sent = await produce(outputs.bootstrapServers, TOPIC, 20, "ssh", outputs.clientProperties);
    expect((await consume(outputs.bootstrapServers, TOPIC, 20, outputs.clientProperties)).sort()).toEqual(sent.sort());
    const status = await lab.status();
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toMatch(/lab e2e-ssh: healthy/);
    expect(status.stdout).toMatch(/pid \d+ on h1/);
  });

  it("keeps every pid on every machine through an up with nothing to do", async () => {
    const before = Object.fromEntries(["h1", "h2", "h3"].map((h) => [h, hosts.pids(h)]));
    const { outputs: after, changes } = await lab.up();
    expect(Object.keys(changes).filter((k) => k !== "same")).toEqual([]);
    expect(after.nodes.map((n) => n.pid)).toEqual(outputs.nodes.map((n) => n.pid));
    for (const h of ["h1", "h2", "h3"]) expect(hosts.pids(h), h).toEqual(before[h]);
  });

  it("adds a 4th broker on a 4th machine with no other restart, then drains it away", async () => {
    await lab.configure({ nodes: [...three, { id: 4, roles: ["broker"], machine: "h4" }] });
    const grown = (await lab.up()).outputs;
    for (const id of [1, 2, 3]) expect(pidOf(grown, id)).toBe(pidOf(outputs, id));
    expect(hosts.pids("h4")).toContain(pidOf(grown, 4));
    expect(grown.bootstrapServers).toContain("10.213.0.14:9092");

    await lab.configure({ nodes: three, drainBrokers: [4] });
    outputs = (await lab.up()).outputs;
    expect(hosts.pids("h4")).toEqual([]);
    expect(labFiles("h4").filter((f) => f.includes("node-4"))).toEqual([]);
    for (const id of [1, 2, 3]) expect(pidOf(outputs, id)).toBe(pidOf(grown, id));
  });

  it("rolls a leaf certificate rotation across machines under load, losing nothing", async () => {
    await lab.configure({ security: security({ certificateRotation: 1 }) });
    const load = { bootstrap: outputs.bootstrapServers, topic: TOPIC, clientConfig: outputs.clientProperties };
    const { result, report } = await underLoad(load, () => lab.up());
    expectNothingLost(report);
    for (const id of [1, 2, 3]) expect(pidOf(result.outputs, id)).not.toBe(pidOf(outputs, id));
    outputs = result.outputs;
  });

  it("adds a controller on a machine to the dynamic quorum, then takes it out", async () => {
    await lab.configure({ nodes: [...three, { id: 5, roles: ["controller"], machine: "h4" }] });
    const grown = (await lab.up()).outputs;
    expect(grown.quorum?.voters.map((v) => v.id).sort()).toEqual([1, 2, 3, 5]);
    expect(hosts.pids("h4")).toContain(pidOf(grown, 5));
    await lab.configure({ nodes: three });
    outputs = (await lab.up()).outputs;
    expect(outputs.quorum?.voters.map((v) => v.id).sort()).toEqual([1, 2, 3]);
    expect(hosts.pids("h4")).toEqual([]);
  });

  it("destroys the lab leaving no process, file or listener on any machine", async () => {
    await lab.stack.destroy({ color: "never" });
    for (const h of hosts.hosts) {
      expect(hosts.pids(h.name), h.name).toEqual([]);
      expect(hosts.files(h.name), h.name).toEqual([]);
    }
  });
});
