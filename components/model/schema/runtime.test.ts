import { describe, expect, it } from "vitest";
import { type ConfigError, parseLabConfig } from "../config";
import { validateLab } from "../validate";

const nodes = [{ id: 1, roles: ["broker", "controller"] }];
/** What parsing a Docker runtime with `keys` refuses, if anything. */
const dockerError = (keys: Record<string, string>) => {
  try {
    parseLabConfig({ nodes, runtime: { kind: "docker", ...keys } });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
};
const subnetError = (subnet: string) => dockerError({ subnet });
const imageError = (image: string) => dockerError({ image });

describe("kraftlab:runtime.subnet", () => {
  it("takes a private IPv4 network with room for a lab", () => {
    expect(subnetError("172.30.0.0/24")).toBeUndefined();
    expect(subnetError("10.8.0.0/28")).toBeUndefined();
  });

  it("refuses what Docker or the machine's network would take badly, naming the key and the fix", () => {
    expect(subnetError("172.30.0.0/33")).toMatch(/^kraftlab:runtime\.subnet: .*an IPv4 subnet in CIDR notation, such as 172\.30\.0\.0\/24/);
    expect(subnetError("8.8.8.0/24")).toBe(
      "kraftlab:runtime.subnet: 8.8.8.0/24 is not a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16); pick one inside them, such as 172.30.0.0/24",
    );
    expect(subnetError("172.30.0.5/24")).toBe("kraftlab:runtime.subnet: 172.30.0.5/24 has host bits set; write the network address, 172.30.0.0/24");
    expect(subnetError("192.168.7.0/30")).toBe(
      "kraftlab:runtime.subnet: 192.168.7.0/30 holds at most 1 containers; use a /28 or larger, such as 192.168.7.0/24",
    );
    expect(subnetError("172.32.0.0/16")).toMatch(/is not a private range/);
  });

  it("needs room for every node", () => {
    const many = Array.from({ length: 14 }, (_, i) => ({ id: i + 1, roles: ["broker"] }));
    const cfg = parseLabConfig({ nodes: [...nodes, ...many], runtime: { kind: "docker", subnet: "10.8.0.0/28" } });
    expect(validateLab(cfg).errors).toContain(
      "kraftlab:runtime.subnet: 10.8.0.0/28 holds 13 containers and the lab has 15 nodes; use a larger subnet, such as a /24",
    );
  });
});

describe("kraftlab:runtime.image", () => {
  it("takes what Docker takes as an image reference", () => {
    for (const image of ["apache/kafka:4.3.1", "kafka", "localhost:5000/team/kafka:4.3.1-rc1", `kafka@sha256:${"a".repeat(64)}`]) {
      expect(imageError(image)).toBeUndefined();
    }
  });

  it("refuses one Docker would refuse, before anything is touched", () => {
    expect(imageError("Apache/Kafka:4.3.1")).toBe(
      'kraftlab:runtime.image: "Apache/Kafka:4.3.1": a Docker image reference, its name in lower case, such as apache/kafka:4.3.1',
    );
    expect(imageError("apache/kafka:4.3.1 ")).toMatch(/^kraftlab:runtime\.image: /);
  });
});

describe("kraftlab:runtime", () => {
  /** What parsing `runtime` refuses, one message a problem. */
  const problems = (runtime: unknown): string[] => {
    try {
      parseLabConfig({ nodes, runtime });
      return [];
    } catch (err) {
      return (err as ConfigError).problems;
    }
  };

  it("ends every refusal with a valid value", () => {
    expect(problems({ kind: "docker", network: "kraftlab-dev" })).toEqual([]);
    expect(problems({ kind: "docker", network: "my lab" })).toEqual([
      `kraftlab:runtime.network: "my lab": letters, digits, '_', '.' and '-' only; e.g. kraftlab-dev`,
    ]);
    expect(problems({ kind: "docker", dockerHost: "tcp://10.0.0.1:2375" })).toEqual([
      'kraftlab:runtime.dockerHost: "tcp://10.0.0.1:2375": a unix socket URL such as unix:///var/run/docker.sock',
    ]);
    for (const runtime of ["vm", { kind: "vm" }]) {
      expect(problems(runtime)).toEqual([
        `kraftlab:runtime: ${JSON.stringify(runtime)} is not process, docker or ssh, or a map whose kind is one of them; e.g. ssh, or { kind: docker, subnet: 172.30.7.0/24 }`,
      ]);
    }
    expect(problems({ kind: "ssh", network: "x" })).toEqual([
      'kraftlab:runtime.network: unknown key; remove it (known keys are listed in README.md, "Configuration")',
    ]);
  });
});
