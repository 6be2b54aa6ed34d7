// A Docker engine for the Docker runtime: the user's when one answers (DOCKER_HOST, the default
// socket), else kraftlab's own private dockerd (setup/docker/engine.sh), started on demand.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_DIR } from "../components/host/projectDir";
import { dockerEngines } from "../components/host/tools";
import { reachableEngine } from "../components/runtime/plan";

const ENGINE_SCRIPT = path.join(PROJECT_DIR, "setup", "docker", "engine.sh");

function engineScript(command: "start" | "stop"): string {
  const run = spawnSync("bash", [ENGINE_SCRIPT, command], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 180_000 });
  if (run.status !== 0) throw new Error(`setup/docker/engine.sh ${command} failed (exit ${run.status}); see its message above`);
  return run.stdout.trim();
}

/** The engine to use (`unix:///…`), and whether this call started kraftlab's own for it. */
export async function ensureEngine(): Promise<{ dockerHost: string; started: boolean }> {
  const running = await reachableEngine(dockerEngines());
  if (running) return { dockerHost: running, started: false };
  return { dockerHost: engineScript("start"), started: true };
}

/** Stops kraftlab's own engine (its images stay in its data root, as a cache). */
export const stopPrivateEngine = () => void engineScript("stop");
