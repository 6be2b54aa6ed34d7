import { describe, expect, it } from "vitest";
import { javaMajor } from "../../host/thisMachine";
import { listeningPorts, machineDirProblem } from "./machines";

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
