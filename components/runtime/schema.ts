// `kraftlab:runtime`: where the nodes run. `process` (default) runs each node as a local JVM;
// `docker` runs each in a container of a Docker engine, on a network of the lab's own.
import { z } from "zod";

const dockerSchema = z.strictObject({
  kind: z.literal("docker"),
  /** The image every node runs; default: kraftlab's own, built locally from the setup's Kafka (no registry). */
  image: z.string().min(1).optional(),
  /** The lab's network; default `kraftlab-<stack>`. */
  network: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "letters, digits, '_', '.' and '-' only")
    .optional(),
  /** The network's subnet (IPv4 CIDR), used only by the lab's containers. */
  subnet: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "an IPv4 subnet such as 172.30.0.0/24")
    .optional(),
  /** The engine: `unix:///path/to/docker.sock`; default DOCKER_HOST, the default socket, or kraftlab's private engine. */
  dockerHost: z
    .string()
    .regex(/^unix:\/\/\/.+/, "a unix socket URL such as unix:///var/run/docker.sock")
    .optional(),
});

export type DockerConfig = z.infer<typeof dockerSchema>;
export type RuntimeConfig = { kind: "process" } | DockerConfig;

export const runtimeSchema = z
  .union([z.enum(["process", "docker"]), z.strictObject({ kind: z.literal("process") }), dockerSchema])
  .default("process")
  .transform((value): RuntimeConfig => (typeof value === "string" ? { kind: value } : value));
