import { describe, expect, it } from "vitest";
import { type ConfigError, parseLabConfig } from "../config";

const nodes = [{ id: 1, roles: ["broker", "controller"], machine: "h1" }];
const ssh = { user: "kafka", privateKey: "/k" };

/** What parsing an SSH lab with these machines (and nodes) refuses, one message a problem. */
const problems = (machines: unknown, labNodes: unknown = nodes): string[] => {
  try {
    parseLabConfig({ runtime: "ssh", nodes: labNodes, machines });
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
};
/** The problems of machine h1 given as `machine`. */
const h1 = (machine: Record<string, unknown>) => problems({ h1: { address: "10.0.0.11", ssh, ...machine } });

describe("kraftlab:machines", () => {
  it("takes a machine with an address and a key", () => {
    expect(h1({})).toEqual([]);
    expect(h1({ ssh: { user: "kafka", agent: true }, baseDir: "/srv/kraftlab", javaHome: "/usr/lib/jvm/java-17-openjdk-amd64" })).toEqual([]);
  });

  it("ends every refusal of a machine's keys with a valid value or the change to make", () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { ssh: { ...ssh, privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn…" } },
        "kraftlab:machines.h1.ssh.privateKey: a path to the key file, not the key itself: kraftlab keeps no key material in the config or in Pulumi state; " +
          "set kraftlab:machines.h1.ssh.privateKey to the key file's path, e.g. ~/.ssh/id_ed25519",
      ],
      [{ ssh: { ...ssh, privateKey: "" } }, "kraftlab:machines.h1.ssh.privateKey: is empty; e.g. ~/.ssh/id_ed25519"],
      [{ ssh: { ...ssh, user: "" } }, "kraftlab:machines.h1.ssh.user: is empty; e.g. kafka"],
      [
        { ssh: { privateKey: "/k" } },
        "kraftlab:machines.h1.ssh.user: required; set it with `npm run pulumi -- config set --path 'kraftlab:machines.h1.ssh.user' <value>`, e.g. kafka",
      ],
      [{ ssh: { ...ssh, port: 0 } }, "kraftlab:machines.h1.ssh.port: 0 is too small; a port is a number from 1 to 65535, e.g. 22"],
      [{ ssh: { ...ssh, port: "22" } }, 'kraftlab:machines.h1.ssh.port: "22" is a string, but it must be a number; e.g. 22'],
      [
        { ssh: { ...ssh, agent: false } },
        "kraftlab:machines.h1.ssh.agent: false is not true (for your SSH_AUTH_SOCK) or an ssh-agent socket's path; e.g. true",
      ],
      [
        { ssh: { ...ssh, hostKey: "10.0.0.11 ssh-ed25519 AAAA" } },
        'kraftlab:machines.h1.ssh.hostKey: "10.0.0.11 ssh-ed25519 AAAA": a public key as known_hosts holds it, such as ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA…',
      ],
      [{ address: "10 0 0 11" }, 'kraftlab:machines.h1.address: "10 0 0 11": an address or a host name, such as 10.0.0.11'],
      [
        { ssh: "kafka" },
        'kraftlab:machines.h1.ssh: "kafka" is a string, but it must be a map of keys to values; e.g. { user: kafka, privateKey: ~/.ssh/id_ed25519, hostKey: "ssh-ed25519 AAAA…" }',
      ],
      [{ javaHome: "jvm/17" }, 'kraftlab:machines.h1.javaHome: "jvm/17": an absolute path; e.g. /usr/lib/jvm/java-17-openjdk-amd64'],
      [{ baseDir: "srv/kraftlab" }, 'kraftlab:machines.h1.baseDir: "srv/kraftlab": an absolute path without spaces or quotes; e.g. /srv/kraftlab'],
      [{ baseDir: "/srv/my lab" }, 'kraftlab:machines.h1.baseDir: "/srv/my lab": an absolute path without spaces or quotes; e.g. /srv/kraftlab'],
    ];
    for (const [machine, message] of cases) expect(h1(machine), JSON.stringify(machine)).toEqual([message]);
  });

  it("ends a refused machine, machine name or map with an example", () => {
    expect(problems({ h1: { ssh } })).toEqual([
      "kraftlab:machines.h1.address: required; set it with `npm run pulumi -- config set --path 'kraftlab:machines.h1.address' <value>`, e.g. 10.0.0.11",
    ]);
    expect(problems({ h1: "10.0.0.11" })).toEqual([
      'kraftlab:machines.h1: "10.0.0.11" is a string, but it must be a map of keys to values; e.g. { address: 10.0.0.11, ssh: { user: kafka, privateKey: ~/.ssh/id_ed25519, hostKey: "ssh-ed25519 AAAA…" } }',
    ]);
    expect(problems(["h1"])).toEqual([
      'kraftlab:machines: ["h1"] is a list, but it must be a map of keys to values; e.g. { h1: { address: 10.0.0.11, ssh: { user: kafka, privateKey: ~/.ssh/id_ed25519, hostKey: "ssh-ed25519 AAAA…" } } }',
    ]);
    expect(problems({ h1: { address: "10.0.0.11", ssh } }, [{ ...nodes[0], machine: "" }])).toEqual(["kraftlab:nodes[0].machine: is empty; e.g. h1"]);
    expect(problems({ "my host": { address: "10.0.0.11", ssh } })).toEqual([
      `kraftlab:machines.my host: "my host" is not a valid name: letters, digits, '_', '.' and '-' only; rename it, e.g. h1`,
    ]);
  });
});
