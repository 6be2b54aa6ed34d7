import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { utils } from "ssh2";
import { describe, expect, it } from "vitest";
import { dialProblem, fingerprintOf, hostKeyLine, shq } from "./connection";

const machine = { name: "h1", address: "10.0.0.11", port: 22, user: "kafka", privateKey: "/home/me/.ssh/id_ed25519" };
const { public: publicKey } = utils.generateKeyPairSync("ed25519");
const blob = Buffer.from(publicKey.split(" ")[1], "base64");
const other = Buffer.from(utils.generateKeyPairSync("ed25519").public.split(" ")[1], "base64");

describe("host keys", () => {
  it("prints a key's fingerprint as ssh-keygen does, and its known_hosts form", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-key-"));
    try {
      fs.writeFileSync(path.join(dir, "key.pub"), `${publicKey}\n`);
      const keygen = execFileSync("ssh-keygen", ["-lf", path.join(dir, "key.pub")], { encoding: "utf8" });
      expect(keygen.split(" ")[1]).toBe(fingerprintOf(blob));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(hostKeyLine(blob)).toBe(publicKey.split(" ").slice(0, 2).join(" "));
  });
});

describe("dialProblem", () => {
  const failure = (message: string, extra: Record<string, string> = {}) => Object.assign(new Error(message), extra);

  it("says what an unknown machine offered and the line to add", () => {
    expect(dialProblem(machine, failure("Host denied (verification failed)"), blob, 1)).toBe(
      `kraftlab:machines.h1.ssh.hostKey: not set, and kraftlab trusts no host key it was not given; 10.0.0.11 offered ${fingerprintOf(blob)}. ` +
        `If that is the machine's own key (on it: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), set kraftlab:machines.h1.ssh.hostKey to "${hostKeyLine(blob)}"`,
    );
  });

  it("refuses a key other than the configured one, naming both fingerprints", () => {
    expect(dialProblem({ ...machine, hostKey: hostKeyLine(other) }, failure("Host denied (verification failed)"), blob, 1)).toBe(
      `kraftlab:machines.h1.ssh.hostKey: 10.0.0.11 offered ${fingerprintOf(blob)}, not the configured key ${fingerprintOf(other)}; refused ` +
        `(another machine at that address, or someone in between). If the machine was reinstalled, check its key there and set kraftlab:machines.h1.ssh.hostKey to "${hostKeyLine(blob)}"`,
    );
  });

  it("names the key refused and where the public key goes", () => {
    expect(dialProblem(machine, failure("All configured authentication methods failed", { level: "client-authentication" }), undefined, 1)).toBe(
      "kraftlab:machines.h1.ssh: kafka@10.0.0.11 refused every key offered (key /home/me/.ssh/id_ed25519); add its public key to ~kafka/.ssh/authorized_keys on the machine, or fix kraftlab:machines.h1.ssh.user / kraftlab:machines.h1.ssh.privateKey",
    );
  });

  it("says a machine that does not answer, after how many tries", () => {
    expect(dialProblem(machine, failure("connect EHOSTUNREACH", { code: "EHOSTUNREACH" }), undefined, 3)).toBe(
      "kraftlab:machines.h1: 10.0.0.11:22 does not answer (EHOSTUNREACH, 3 tries); check that the machine is up and reachable from here, or fix kraftlab:machines.h1.address / kraftlab:machines.h1.ssh.port",
    );
    expect(dialProblem(machine, failure("Timed out while waiting for handshake"), undefined, 3)).toMatch(/does not answer \(no SSH handshake, 3 tries\)/);
  });
});

describe("shq", () => {
  it("quotes any value as one word of a shell line", () => {
    for (const value of ["plain", "with space", "it's", '$HOME `id` "q" \\ ;|&', ""]) {
      expect(execFileSync("sh", ["-c", `printf %s ${shq(value)}`], { encoding: "utf8" })).toBe(value);
    }
  });
});
