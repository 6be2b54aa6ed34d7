import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { javaMajor } from "../../host/thisMachine";
import { baseDirProbe, listeningPorts, machineDirProblem, probeAnswer } from "./machines";

// /proc/net/tcp and tcp6 as Linux writes them (header, then one socket a line).
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0B00D50A:2384 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 0100007F:2385 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0
   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0
   3: 0B00D50A:2386 0C00D50A:A1B2 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0 100 0 0 10 0
   4: 0C00D50A:2387 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5 1 0 100 0 0 10 0
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6 1 0 100 0 0 10 0
   1: 0000000000000000FFFF00000B00D50A:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 7 1 0 100 0 0 10 0
`;

describe("listeningPorts", () => {
  it("lists what listens on the machine's address or on every address, not on loopback, another address, or a connection", () => {
    // 10.213.0.11:9092, 8080 on every address (v6), 8081 on 10.213.0.11 (v4-mapped), sshd on 0.0.0.0:22.
    expect([...listeningPorts(TCP, "10.213.0.11")].sort((a, b) => a - b)).toEqual([22, 8080, 8081, 9092]);
    expect([...listeningPorts(TCP, "10.213.0.12")].sort((a, b) => a - b)).toEqual([22, 8080, 9095]);
  });
});

describe("javaMajor", () => {
  it("reads the major version of `java -version`, old style included; 0 when there is none", () => {
    expect(javaMajor('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment')).toBe(17);
    expect(javaMajor('java version "1.8.0_292"')).toBe(8);
    expect(javaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(javaMajor("bash: line 1: java: command not found")).toBe(0);
  });
});

describe("machineDirProblem", () => {
  const m = { name: "h1", address: "10.0.0.11", user: "kafka", port: 22, hostKey: "", baseDir: "/srv/kraftlab" };
  const marker = (stack: string, token: string) => JSON.stringify({ note: "…", stack, token });

  it("takes an absent directory, or the stack's own; refuses another stack's, files of no lab, and a lab its state does not know", () => {
    expect(machineDirProblem(m, "dev", "kraftlab/dev", "absent")).toBeUndefined();
    expect(machineDirProblem(m, "dev", "kraftlab/dev", marker("kraftlab/dev", "t1"))).toBeUndefined();
    expect(machineDirProblem(m, "dev", "kraftlab/dev", marker("kraftlab/dev", "t1"), "t1")).toBeUndefined();
    expect(machineDirProblem(m, "dev", "kraftlab/dev", "foreign")).toBe(
      "kraftlab:machines.h1.baseDir: h1:/srv/kraftlab/dev holds files that are no kraftlab lab's; set kraftlab:machines.h1.baseDir to another directory, or remove /srv/kraftlab/dev there",
    );
    expect(machineDirProblem(m, "dev", "kraftlab/dev", marker("other/dev", "t1"))).toMatch(
      /^kraftlab:machines\.h1\.baseDir: h1:\/srv\/kraftlab\/dev belongs to kraftlab stack other\/dev; /,
    );
    expect(machineDirProblem(m, "dev", "kraftlab/dev", marker("kraftlab/dev", "t1"), "")).toMatch(
      /a lab of stack kraftlab\/dev that this stack's state does not know/,
    );
  });
});

describe("baseDirProbe", () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-probe-test-"));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** The probe run for real by sh on this machine, as machineFacts reads it. */
  const probe = (baseDir: string) => probeAnswer(execFileSync("sh", ["-c", baseDirProbe(baseDir)], { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } }));
  /** Every entry under `dir` with its content (files) or `dir/` (directories). */
  const tree = (dir: string) =>
    fs
      .readdirSync(dir, { recursive: true, encoding: "utf8" })
      .sort()
      .map((entry) => {
        const file = path.join(dir, entry);
        return fs.statSync(file).isDirectory() ? `${entry}/` : `${entry}: ${fs.readFileSync(file, "utf8")}`;
      });

  it("creates baseDir and a file in a directory of its own, and removes only its own file, with rm, and directories, with rmdir", () => {
    const text = baseDirProbe("/srv/kraftlab");
    expect(text).toMatch(/^b='\/srv\/kraftlab'; p="\$b\/\.kraftlab-probe-\$\$"; /);
    expect(text).toContain('mkdir -p "$b"');
    expect(text).toContain('touch "$p/probe"');
    expect(text.match(/\brm(dir)? [^;]*/g)).toEqual(['rm -f "$p/probe"', 'rmdir "$p"', 'rmdir "$d" 2>/dev/null && [ "$d" != "$n" ]']);
  });

  it("says yes to a new baseDir under a writable directory, and leaves nothing of it, nor of its new parents", () => {
    expect(probe(path.join(tmp, "a", "b", "kraftlab"))).toEqual({ writable: true, writeFailure: "", baseExists: false });
    expect(tree(tmp)).toEqual([]);
  });

  it("says yes to an existing baseDir, and leaves what it holds as it was", () => {
    const base = path.join(tmp, "kraftlab");
    fs.mkdirSync(path.join(base, "dev"), { recursive: true });
    fs.mkdirSync(path.join(base, "kafka"));
    fs.writeFileSync(path.join(base, "dev", ".kraftlab-lab"), "marker");
    const before = tree(tmp);
    expect(probe(base)).toEqual({ writable: true, writeFailure: "", baseExists: true });
    expect(tree(tmp)).toEqual(before);
  });

  it("says no, with the step that failed, to a baseDir that cannot be made, and leaves nothing", () => {
    expect(probe("/proc/kraftlab-test")).toEqual({
      writable: false,
      writeFailure: expect.stringMatching(/^creating \/proc\/kraftlab-test: \w/),
      baseExists: false,
    });
    expect(fs.existsSync("/proc/kraftlab-test")).toBe(false);
    fs.writeFileSync(path.join(tmp, "file"), "x");
    expect(probe(path.join(tmp, "file", "kraftlab"))).toEqual({
      writable: false,
      writeFailure: `creating ${tmp}/file/kraftlab: Not a directory`,
      baseExists: false,
    });
    expect(tree(tmp)).toEqual(["file: x"]);
  });

  it("reads an answer without a reason as a refusal that says so", () => {
    expect(probeAnswer("no base\n")).toEqual({ writable: false, writeFailure: "the probe did not say why", baseExists: true });
    expect(probeAnswer("no new\ncreating a file in /srv/kraftlab: \n")).toEqual({
      writable: false,
      writeFailure: "creating a file in /srv/kraftlab",
      baseExists: false,
    });
  });
});
