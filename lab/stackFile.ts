// A stack's own files, outside the CLI: its settings file (Pulumi.<stack>.yaml) kept as the user wrote
// it, and what a command needs of it without starting the CLI.
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parse } from "yaml";
import { PROJECT_DIR } from "../components/host/projectDir";
import { kraftlabKeys } from "../components/model/config";
import { stateSalt, withoutStateSalt } from "./secrets";
import { backendDirOf, backendUrl } from "./toolchain";

const settingsFile = (stackName: string) => path.join(PROJECT_DIR, `Pulumi.${stackName}.yaml`);

/**
 * Runs `work` and then puts Pulumi.<stack>.yaml back as the user wrote it when Pulumi changed only its
 * form: a passphrase stack's salt is written there (and reformatted) on every run that lacks it, but
 * Pulumi keeps it in the state too. So a committed Pulumi.dev.yaml stays as committed. A file whose
 * config changed (or that holds secrets, and so a salt already) is left to Pulumi. A salt line that
 * another run left there (plain `pulumi`, a killed command) goes first, when the state holds it.
 */
export async function keepingStackSettings<T>(stackName: string, work: () => Promise<T>): Promise<T> {
  const file = settingsFile(stackName);
  const found = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  const written = found && withoutStateSalt(found, stateSalt({ backendDir: backendDirOf(backendUrl()), stack: stackName }));
  if (written !== found) fs.writeFileSync(file, written as string);
  try {
    return await work();
  } finally {
    const now = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    if (written !== undefined && now !== undefined && now !== written && isDeepStrictEqual(parse(written)?.config, parse(now)?.config)) {
      fs.writeFileSync(file, written);
    }
  }
}

/**
 * The `kraftlab:` keys of the stack's settings file as written (prefix stripped), a value set as JSON text
 * decoded as the CLI's does; {} when it has none or does not parse.
 */
export function settingsOf(stackName: string): Record<string, unknown> {
  try {
    return kraftlabKeys((parse(fs.readFileSync(settingsFile(stackName), "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {});
  } catch {
    return {};
  }
}
