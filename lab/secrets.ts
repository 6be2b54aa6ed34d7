// Where the key of a stack's secrets comes from. Pulumi encrypts every secret in state (passwords,
// private keys) with a passphrase: kraftlab generates one per machine, in a file of mode 0600 beside
// the state rather than in it, so the state alone opens nothing. A passphrase or secrets provider the
// user sets wins; a stack an earlier release made with the empty passphrase keeps working until moved (README).
import { createDecipheriv, pbkdf2Sync, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { readCheckpoint } from "./checkpoint";

/** The generated passphrase's file (made on first use, mode 0600). */
export function passphraseFile(cacheDir: string): string {
  const file = path.join(cacheDir, "passphrase");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  }
  fs.chmodSync(file, 0o600);
  return file;
}

/**
 * Whether `salt` (a stack's `encryptionsalt`, "v1:<salt>:v1:<nonce>:<sealed>") was made with the empty
 * passphrase: Pulumi seals the word "pulumi" with AES-256-GCM under PBKDF2-SHA256(passphrase, salt, 1e6).
 */
export function madeWithEmptyPassphrase(salt: string): boolean {
  const [version, saltB64, , nonceB64, sealedB64] = salt.split(":");
  if (version !== "v1" || !saltB64 || !nonceB64 || !sealedB64) return false;
  const key = pbkdf2Sync("", Buffer.from(saltB64, "base64"), 1_000_000, 32, "sha256");
  const sealed = Buffer.from(sealedB64, "base64");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonceB64, "base64"));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString() === "pulumi";
  } catch {
    return false;
  }
}

/** The stack's salt: in its Pulumi.<stack>.yaml, else in its state (a local file backend). */
function stackSalt(opts: { projectDir: string; backendDir?: string; stack: string }): string | undefined {
  let config: { encryptionsalt?: string } | null = null;
  try {
    config = parse(fs.readFileSync(path.join(opts.projectDir, `Pulumi.${opts.stack}.yaml`), "utf8"));
  } catch {
    // no stack file, or not YAML: the state says
  }
  return config?.encryptionsalt || stateSalt(opts);
}

/** The salt a passphrase stack's state holds (a local file backend), which Pulumi reads when the stack's file has none. */
export function stateSalt(opts: { backendDir?: string; stack: string }): string | undefined {
  const state = opts.backendDir ? readCheckpoint(opts.backendDir, opts.stack) : undefined;
  const provider = typeof state === "object" ? state.checkpoint?.latest?.secrets_providers : undefined;
  return provider?.type === "passphrase" ? provider.state?.salt : undefined;
}

/**
 * A stack file without its `encryptionsalt: <salt>` line, when that is the salt the state holds: Pulumi
 * writes the line on runs it makes (plain `pulumi`, a killed `npm run up`), but needs it only in the
 * state. Kept out of the file, it is never committed: a salt ties the file to one machine's passphrase.
 */
export function withoutStateSalt(text: string, salt: string | undefined): string {
  // Config secrets in the file are sealed with that salt's key: the file keeps it beside them.
  if (!salt || /^\s+secure:/m.test(text)) return text;
  return text
    .split("\n")
    .filter((line) => line.trimEnd() !== `encryptionsalt: ${salt}`)
    .join("\n");
}

/** madeWithEmptyPassphrase, remembered per salt (a check takes half a second). */
function legacyStack(cacheDir: string, salt: string): boolean {
  const file = path.join(cacheDir, "checked-salts.json");
  let known: Record<string, boolean> = {};
  try {
    known = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    // first check on this machine
  }
  if (!(salt in known)) {
    known[salt] = madeWithEmptyPassphrase(salt);
    fs.writeFileSync(file, JSON.stringify(known), { mode: 0o600 });
  }
  return known[salt];
}

/** The environment that gives the Pulumi CLI the key of `stack`'s secrets. */
export function secretsEnv(opts: {
  cacheDir: string;
  projectDir: string;
  backendDir?: string;
  stack?: string;
  /** The environment as given (the user's, and a caller's overrides): a passphrase there wins. */
  given: Record<string, string | undefined>;
}): Record<string, string> {
  if (opts.given.PULUMI_CONFIG_PASSPHRASE !== undefined || opts.given.PULUMI_CONFIG_PASSPHRASE_FILE !== undefined) return {};
  const salt = opts.stack ? stackSalt({ ...opts, stack: opts.stack }) : undefined;
  if (salt && legacyStack(opts.cacheDir, salt)) return { PULUMI_CONFIG_PASSPHRASE: "" };
  return { PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile(opts.cacheDir) };
}
