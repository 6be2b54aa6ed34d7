// `kraftlab:machines`: the hosts an SSH lab's nodes run on, each reached over SSH with a strict host
// key check. Named machines, so a node says `machine: <name>`; `kraftlab:host` stays an address.
import { z } from "zod";

/** A public key as a known_hosts line holds it, after the host part: `<type> <base64>`. */
export const HOST_KEY = /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa|rsa-sha2-(256|512)) [A-Za-z0-9+/]+={0,2}$/;

/** How a machine is logged in to, e.g. `{ user: kafka, privateKey: ~/.ssh/id_ed25519, hostKey: "ssh-ed25519 AAAA…" }`. */
const sshSchema = z.strictObject({
  /** Required: who logs in, e.g. `kafka`. */
  user: z.string().min(1),
  /** The machine's SSH port; default 22. */
  port: z.number().int().min(1).max(65535).default(22),
  /** A private key file of this machine (mode 0600), e.g. `~/.ssh/id_ed25519`; no key material goes into the config or the state. */
  privateKey: z
    .string()
    .min(1)
    .refine((v) => !v.includes("PRIVATE KEY"), {
      message: "a path to the key file, not the key itself: kraftlab keeps no key material in the config or in Pulumi state",
      // configIssues ends the message with the change: set the key to this, and its example.
      params: { setTo: "the key file's path" },
    })
    .optional(),
  /** An ssh-agent socket's path, or `true` for SSH_AUTH_SOCK; a key with a passphrase goes through the agent. */
  agent: z.union([z.literal(true), z.string().min(1)]).optional(),
  /**
   * The host's public key, as its known_hosts line holds it (`ssh-ed25519 AAAA…`, what `ssh-keyscan -t
   * ed25519 <address>` prints after the address): a host that offers another key, or a machine without one, is refused.
   */
  hostKey: z.string().regex(HOST_KEY, "a public key as known_hosts holds it, such as ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA…").optional(),
});

/** Where the lab goes on a machine that sets no baseDir. */
export const DEFAULT_BASE_DIR = "/var/tmp/kraftlab";

/** One machine of `kraftlab:machines`, e.g. `{ address: 10.0.0.11, ssh: { user: kafka, agent: true, hostKey: "ssh-ed25519 AAAA…" } }`. */
export const machineSchema = z.strictObject({
  /** Required: where the machine is reached, and where its nodes listen and advertise: an address or a name, e.g. `10.0.0.11`. */
  address: z.string().regex(/^[A-Za-z0-9.:-]+$/, "an address or a host name, such as 10.0.0.11"),
  /** Required: how it is logged in to (see sshSchema). */
  ssh: sshSchema,
  /** The Java (17 or later) the nodes run with, an absolute path such as `/usr/lib/jvm/java-17-openjdk-amd64`; default `java` on the login PATH. */
  javaHome: z.string().regex(/^\//, "an absolute path").optional(),
  /** Where the lab goes on the machine: `<baseDir>/<stack>` for the nodes, `<baseDir>/kafka` for the release; default `/var/tmp/kraftlab`. */
  baseDir: z
    .string()
    .regex(/^\/[^\s'"\\$`]*$/, "an absolute path without spaces or quotes")
    .default(DEFAULT_BASE_DIR),
});

export type MachineConfig = z.infer<typeof machineSchema>;

/** `kraftlab:machines`: the machines by name (letters, digits, '_', '.', '-'), which nodes name in `machine`; default none. */
export const machinesSchema = z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "letters, digits, '_', '.' and '-' only"), machineSchema).default({});
