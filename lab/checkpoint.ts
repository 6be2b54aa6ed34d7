// A stack's state as a local file backend holds it, read without the CLI for what needs no key: the
// salt of its secrets, and its outputs (what `pulumi stack output` prints, secrets left out). Pulumi
// writes it to <backend>/.pulumi/stacks/<project>/<stack>.json, gzipped when
// PULUMI_SELF_MANAGED_STATE_GZIP is set; an update in progress holds a lock file beside it.
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";

const PROJECT = "kraftlab";
/** The deployment schema this reader knows, Pulumi's current one: another is left to the CLI. */
const SCHEMA_VERSION = 3;
/** How Pulumi marks a secret value in state (its ciphertext beside). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

interface Resource {
  urn: string;
  type: string;
  outputs?: Record<string, unknown>;
}

export interface Checkpoint {
  version?: number;
  checkpoint?: {
    latest?: {
      secrets_providers?: { type?: string; state?: { salt?: string } };
      resources?: Resource[];
    };
  };
}

/** The stack's state file in the file backend at `backendDir` (`.gz` beside it when gzipped). */
export const stateFileOf = (backendDir: string, stack: string) => path.join(backendDir, ".pulumi", "stacks", PROJECT, `${stack}.json`);
/** Where that backend keeps the locks of the stack's updates in progress. */
export const lockDirOf = (backendDir: string, stack: string) => path.join(backendDir, ".pulumi", "locks", "organization", PROJECT, stack);

/** The stack's checkpoint, or why it cannot be read here (no such file, not JSON). */
export function readCheckpoint(backendDir: string, stack: string): Checkpoint | string {
  const base = stateFileOf(backendDir, stack);
  try {
    const text = fs.existsSync(base) ? fs.readFileSync(base, "utf8") : gunzipSync(fs.readFileSync(`${base}.gz`)).toString("utf8");
    return JSON.parse(text) as Checkpoint;
  } catch (err) {
    return `the state of stack ${stack} cannot be read in ${backendDir}: ${(err as Error).message}`;
  }
}

/** The lock files of updates holding the stack now. */
function locksOf(backendDir: string, stack: string): string[] {
  try {
    return fs.readdirSync(lockDirOf(backendDir, stack)).filter((name) => name.endsWith(".json"));
  } catch {
    return [];
  }
}

/** `value` with every secret left out (an object or array that held one keeps the rest). */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => !isSecret(v)).map(withoutSecrets);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => !isSecret(v))
      .map(([k, v]) => [k, withoutSecrets(v)]),
  );
}
const isSecret = (value: unknown) => typeof value === "object" && value !== null && SECRET_SIG in value;

/**
 * The stack's outputs, secrets left out, read from its state as the CLI would; or why they cannot be
 * read so (locked by an update, another schema, no state), when the caller asks the CLI instead.
 */
export function stateOutputs(backendDir: string, stack: string): { outputs: Record<string, unknown> } | { unavailable: string } {
  const locks = locksOf(backendDir, stack);
  if (locks.length > 0) return { unavailable: `an update holds stack ${stack}'s lock (${locks.join(", ")})` };
  const checkpoint = readCheckpoint(backendDir, stack);
  if (typeof checkpoint === "string") return { unavailable: checkpoint };
  if (checkpoint.version !== SCHEMA_VERSION) return { unavailable: `the state of stack ${stack} has schema version ${checkpoint.version}` };
  const root = checkpoint.checkpoint?.latest?.resources?.find((r) => r.type === "pulumi:pulumi:Stack");
  return { outputs: withoutSecrets(root?.outputs ?? {}) as Record<string, unknown> };
}
