// `kraftlab:runtime`: where the nodes run. `process` (default) runs each node as a local JVM;
// `docker` runs each in a container of a Docker engine, on a network of the lab's own; `ssh` runs each
// as a JVM on one of `kraftlab:machines`.
import { z } from "zod";

const PRIVATE_RANGES = [
  { base: "10.0.0.0", prefix: 8 },
  { base: "172.16.0.0", prefix: 12 },
  { base: "192.168.0.0", prefix: 16 },
];

const toNumber = (ip: string) => ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
const maskOf = (prefix: number) => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/**
 * Why a subnet (valid CIDR) cannot be the lab's network: outside the private ranges (the lab's traffic
 * must not look like anybody else's), host bits set (Docker refuses it), or too small for a lab.
 */
export function subnetProblem(cidr: string): string | undefined {
  if (!z.cidrv4().safeParse(cidr).success) return undefined; // the format's own message says it
  const [ip, bits] = cidr.split("/");
  const prefix = Number(bits);
  const address = toNumber(ip);
  const network = (address & maskOf(prefix)) >>> 0;
  if (!PRIVATE_RANGES.some((r) => prefix >= r.prefix && (address & maskOf(r.prefix)) >>> 0 === toNumber(r.base))) {
    return `${cidr} is not a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16); pick one inside them, such as 172.30.0.0/24`;
  }
  if (network !== address) {
    const start = [24, 16, 8, 0].map((shift) => (network >>> shift) & 255).join(".");
    return `${cidr} has host bits set; write the network address, ${start}/${prefix}`;
  }
  if (prefix > 28) return `${cidr} holds at most ${2 ** (32 - prefix) - 3} containers; use a /28 or larger, such as ${ip}/24`;
  return undefined;
}

/** `kraftlab:runtime` as an object, for Docker: e.g. `{ kind: docker, subnet: 172.30.7.0/24 }`. */
const dockerSchema = z.strictObject({
  /** `docker`. */
  kind: z.literal("docker"),
  /** The image every node runs, loaded on the engine (never pulled), e.g. `apache/kafka:4.3.1`; default kraftlab's own, built locally from the setup's Kafka. */
  image: z
    .string()
    .regex(
      // Docker's reference grammar: [registry[:port]/]path[:tag][@digest], the path in lower case.
      /^([a-zA-Z0-9.-]+(:\d+)?\/)?[a-z0-9]+([._-]+[a-z0-9]+)*(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:\w[\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
      "a Docker image reference, its name in lower case, such as apache/kafka:4.3.1",
    )
    .optional(),
  /** The lab's network; default `kraftlab-<stack>`. */
  network: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "letters, digits, '_', '.' and '-' only")
    .optional(),
  /** The network's subnet (IPv4 CIDR, private, used only by the lab's containers), e.g. `172.30.7.0/24`; default one of 172.30.0.0/24 … 172.30.255.0/24 by the stack's name. */
  subnet: z
    .cidrv4("an IPv4 subnet in CIDR notation, such as 172.30.0.0/24")
    .superRefine((cidr, ctx) => {
      const problem = subnetProblem(cidr);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
  /** The engine: `unix:///path/to/docker.sock`; default DOCKER_HOST, the default socket, or kraftlab's private engine. */
  dockerHost: z
    .string()
    .regex(/^unix:\/\/\/.+/, "a unix socket URL such as unix:///var/run/docker.sock")
    .optional(),
});

export type DockerConfig = z.infer<typeof dockerSchema>;
export type RuntimeConfig = { kind: "process" } | DockerConfig | { kind: "ssh" };

/**
 * `kraftlab:runtime`: `process` (the default), `docker`, `ssh`, or an object `{ kind, … }` (Docker's
 * with the keys above). Parsed to `{ kind, … }` either way.
 */
export const runtimeSchema = z
  .union([z.enum(["process", "docker", "ssh"]), z.strictObject({ kind: z.enum(["process", "ssh"]) }), dockerSchema])
  .default("process")
  .transform((value): RuntimeConfig => (typeof value === "string" ? { kind: value } : value));
