// Runs a tool of the Kafka distribution (bin/<tool>.sh), with its output in the error when it fails.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function kafkaTool(kafkaHome: string, tool: string, args: string[], timeoutMs = 120_000): Promise<string> {
  try {
    const { stdout } = await run("bash", [path.join(kafkaHome, "bin", `${tool}.sh`), ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${tool} ${args[0] ?? ""} failed: ${(e.stderr || e.stdout || e.message).trim()}`);
  }
}
