// Files of this machine with an exact mode: what the process and Docker runtimes (whose nodes read
// this machine's files) and the lab's own files are written with.
import * as fsp from "node:fs/promises";
import * as path from "node:path";

/** The file's content, or undefined when there is none. */
export async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Writes `data` with exactly `mode` (writeFile's mode applies only to a new file), making its directory. */
export async function writeWithMode(file: string, data: string | Buffer, mode: number): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await fsp.writeFile(file, data, { mode });
  await fsp.chmod(file, mode);
}

/** writeWithMode, unless the file already holds `data` with that mode. */
export async function putFile(file: string, data: Buffer, mode: number): Promise<void> {
  const held = await readIfExists(file);
  if (held?.equals(data) && ((await fsp.stat(file)).mode & 0o777) === mode) return;
  await writeWithMode(file, data, mode);
}
