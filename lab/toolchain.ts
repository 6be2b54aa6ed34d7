// The environment the Pulumi CLI runs in: offline-safe (local file backend, no update check, no
// plugin download), with the CLI `npm run setup` built and the stack's secrets key.
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "../components/host/projectDir";
import { cacheDir } from "../components/host/tools";
import { secretsEnv } from "./secrets";
/** Directory holding bin/pulumi, at the version of the @pulumi/pulumi SDK. */
export function pulumiRoot(): string {
  const version = JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")).version;
  return path.join(cacheDir(), "pulumi", `v${version}`);
}

/** Makes `dir` (created if missing) and everything in it private: directories 0700, files 0600. */
function privateTree(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    fs.chmodSync(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o700 : 0o600);
  }
}

/** The state backend: the caller's, the user's, else a local file backend in kraftlab's cache. */
export const backendUrl = (overrides: Record<string, string> = {}) =>
  overrides.PULUMI_BACKEND_URL ?? process.env.PULUMI_BACKEND_URL ?? `file://${path.join(cacheDir(), "state")}`;

/** The directory of a local file backend; undefined for any other. */
export const backendDirOf = (backend: string) => (backend.startsWith("file://") ? backend.slice("file://".length) : undefined);

/**
 * Environment for every Pulumi CLI run; `overrides` (e.g. a test's own backend) win. The state
 * directory is private (0700), and secrets are sealed with a key kept outside it (see secrets.ts).
 */
export function pulumiEnv(overrides: Record<string, string> = {}, stack?: string): Record<string, string> {
  const backend = backendUrl(overrides);
  const backendDir = backendDirOf(backend);
  if (backendDir) privateTree(backendDir);
  return {
    PATH: `${path.join(pulumiRoot(), "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_BACKEND_URL: backend,
    ...secretsEnv({ cacheDir: cacheDir(), projectDir: PROJECT_DIR, backendDir, stack, given: { ...process.env, ...overrides } }),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
    ...overrides,
  };
}
