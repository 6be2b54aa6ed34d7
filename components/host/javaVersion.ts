// The major version of the Java this machine runs Kafka with, asked of `java -version` once per binary:
// the answer is kept in the cache, keyed by the binary's real path, size and time, so a JDK installed or
// upgraded in its place is asked again, and a no-op `up` starts no JVM to learn what it knew.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { javaMajor } from "./thisMachine";
import { cacheDir } from "./tools";

/** The java command: $JAVA_HOME/bin/java, else `java` on PATH. */
export const javaCommand = () => (process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, "bin", "java") : "java");

/** The binary `command` runs: its real path, found on PATH when it names no directory; undefined when there is none. */
function binaryOf(command: string): string | undefined {
  const candidates = command.includes("/") ? [command] : (process.env.PATH ?? "").split(path.delimiter).map((dir) => path.join(dir, command));
  for (const candidate of candidates) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return fs.realpathSync(candidate);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The major version of `command` (0 when its output names none), or undefined when it does not run. */
export function javaMajorOf(command = javaCommand()): number | undefined {
  const binary = binaryOf(command);
  if (!binary) return undefined;
  const { size, mtimeMs } = fs.statSync(binary);
  const key = `${binary}:${size}:${mtimeMs}`;
  const file = path.join(cacheDir(), "java-versions.json");
  let known: Record<string, number> = {};
  try {
    known = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    // first ask on this machine
  }
  if (known[key] === undefined) {
    const out = spawnSync(binary, ["-version"], { encoding: "utf8" });
    if (out.error) return undefined;
    known = { ...known, [key]: javaMajor(`${out.stderr}${out.stdout}`) };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(known));
    fs.renameSync(`${file}.tmp`, file);
  }
  return known[key];
}
