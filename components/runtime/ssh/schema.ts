// `kraftlab:machines`: the hosts an SSH lab's nodes run on, each reached over SSH with a strict host
// key check. Named machines, so a node says `machine: <name>`; `kraftlab:host` stays an address.
import { z } from "zod";

/** A public key as a known_hosts line holds it, after the host part: `<type> <base64>`. */
export const HOST_KEY = /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa|rsa-sha2-(256|512)) [A-Za-z0-9+/]+={0,2}$/;

const sshSchema = z.strictObject({
  /** Who logs in. */
  user: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(22),
  /** A private key file of this machine (mode 0600); no key material goes into the config or the state. */
  privateKey: z
    .string()
    .min(1)
    .refine((v) => !v.includes("PRIVATE KEY"), "a path to the key file, not the key itself: kraftlab keeps no key material in the config or in Pulumi state")
    .optional(),
  /** An ssh-agent socket; `true` for SSH_AUTH_SOCK. */
  agent: z.union([z.literal(true), z.string().min(1)]).optional(),
  /** The host's public key, as its known_hosts line holds it (`ssh-ed25519 AAAA…`): a host that offers another key is refused. */
  hostKey: z.string().regex(HOST_KEY, "a public key as known_hosts holds it, such as ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA…").optional(),
});

export const machineSchema = z.strictObject({
  /** Where the machine is reached, and where its nodes listen and advertise: an address or a name. */
  address: z.string().regex(/^[A-Za-z0-9.:-]+$/, "an address or a host name, such as 10.0.0.11"),
  ssh: sshSchema,
  /** The Java the nodes run with; default: `java` on the login PATH. */
  javaHome: z.string().regex(/^\//, "an absolute path").optional(),
  /** Where the lab goes on the machine: `<baseDir>/<stack>` for the nodes, `<baseDir>/kafka` for the release. */
  baseDir: z
    .string()
    .regex(/^\/[^\s'"\\$`]*$/, "an absolute path without spaces or quotes")
    .default("/var/tmp/kraftlab"),
});

export type MachineConfig = z.infer<typeof machineSchema>;

export const machinesSchema = z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "letters, digits, '_', '.' and '-' only"), machineSchema).default({});
