// A monitoring server (Prometheus, Grafana) as a managed daemon, like the nodes: its files written,
// started in its own session, ready when its HTTP endpoint says so; new files are reloaded in place
// where the server can (Prometheus keeps its samples), otherwise it restarts. Without a command only
// the files are written (Grafana provisioning for a Grafana run elsewhere). Delete stops it and
// removes its directory, data included. Runs in the dynamic provider process.
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import pWaitFor from "p-wait-for";
import { isAlive, logTail, recordedPid, runsWith, spawnDaemon, stopDaemon } from "../host/daemon";
import { type Handler, same } from "../provider/handler";

export interface ServerInputs {
  /** What it is, for messages. */
  title: string;
  /** The server's binary; absent, only `files` are written. */
  command?: string;
  /** Its whole command line; names `configFile`, by which its process is told from a recycled pid. */
  args: string[];
  /** Environment on top of the provider's (may hold secrets: the resource keeps it secret). */
  env: Record<string, string>;
  /** Everything of this server, data included; removed on delete. */
  dir: string;
  configFile: string;
  /** Path under `dir` → content, written before it starts or reloads. */
  files: Record<string, string>;
  /** Answers 200 once the server is ready. */
  readyUrl: string;
  /** POSTed when only files changed (Prometheus' /-/reload); without one, new files restart the server. */
  reloadUrl?: string;
  readyTimeoutMs: number;
}
export interface ServerOutputs extends ServerInputs {
  /** 0 when not running. */
  pid: number;
}

/** Where a server's pid is recorded, in its directory. */
export const serverPidFile = (dir: string) => path.join(dir, "server.pid");
const pidFile = (inputs: ServerInputs) => serverPidFile(inputs.dir);
const logFile = (inputs: ServerInputs) => path.join(inputs.dir, "server.log");
const pidOf = (inputs: ServerInputs) => {
  const pid = recordedPid(pidFile(inputs));
  return runsWith(pid, inputs.configFile) ? pid : 0;
};

/** Whether every file on disk holds what `inputs` says. */
const filesInPlace = (inputs: ServerInputs) =>
  Object.entries(inputs.files).every(([file, content]) => {
    const full = path.join(inputs.dir, file);
    return fs.existsSync(full) && fs.readFileSync(full, "utf8") === content;
  });

/** Files `olds` wrote that `inputs` no longer has. */
const staleFiles = (olds: ServerInputs | undefined, inputs: ServerInputs) => Object.keys(olds?.files ?? {}).filter((f) => !(f in inputs.files));

/** Writes the files of `inputs`, and removes `stale` ones. */
async function writeFiles(inputs: ServerInputs, stale: string[]): Promise<void> {
  for (const file of stale) await fsp.rm(path.join(inputs.dir, file), { force: true });
  for (const [file, content] of Object.entries(inputs.files)) {
    const full = path.join(inputs.dir, file);
    await fsp.mkdir(path.dirname(full), { recursive: true });
    await fsp.writeFile(full, content);
  }
}

async function httpStatus(url: string, method = "GET"): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { method, signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.text() };
}

async function start(inputs: ServerInputs & { command: string }): Promise<number> {
  await stopDaemon(recordedPid(pidFile(inputs)), inputs.configFile, 10_000); // one left by a failed attempt
  const { pid } = await spawnDaemon(inputs.command, inputs.args, {
    logFile: logFile(inputs),
    pidFile: pidFile(inputs),
    cwd: inputs.dir,
    env: { ...process.env, ...inputs.env },
  });
  try {
    const ready = async () => {
      if (!isAlive(pid)) throw new Error(`${inputs.title} exited while starting`);
      return (await httpStatus(inputs.readyUrl).catch(() => undefined))?.status === 200;
    };
    const notReady = () => {
      throw new Error(
        `${inputs.title} was not ready at ${inputs.readyUrl} after ${Math.round(inputs.readyTimeoutMs / 1000)} s; raise kraftlab:readyTimeoutSeconds if the machine is slow`,
      );
    };
    await pWaitFor(ready, { interval: 500, timeout: { milliseconds: inputs.readyTimeoutMs, fallback: notReady } });
  } catch (err) {
    await stopDaemon(pid, inputs.configFile, 10_000);
    throw new Error(`${(err as Error).message}; the end of ${logFile(inputs)}:\n${logTail(logFile(inputs))}`);
  }
  return pid;
}

async function converge(olds: ServerOutputs | undefined, inputs: ServerInputs): Promise<ServerOutputs> {
  await fsp.mkdir(inputs.dir, { recursive: true });
  const running = olds ? pidOf(olds) : 0;
  const relaunch = !olds || !same([olds.command, olds.args, olds.env, olds.dir], [inputs.command, inputs.args, inputs.env, inputs.dir]);
  const stale = staleFiles(olds, inputs);
  const filesChanged = !filesInPlace(inputs) || stale.length > 0;
  if (running && !relaunch && !filesChanged) return { ...inputs, pid: running };
  if (running && relaunch) await stopDaemon(running, (olds as ServerOutputs).configFile, 30_000);
  await writeFiles(inputs, stale);
  if (!inputs.command) return { ...inputs, pid: 0 };
  if (running && !relaunch && inputs.reloadUrl) {
    const { status, body } = await httpStatus(inputs.reloadUrl, "POST");
    if (status !== 200) throw new Error(`${inputs.title} refused its new configuration (HTTP ${status}): ${body.trim()}`);
    return { ...inputs, pid: running };
  }
  if (running && !relaunch) await stopDaemon(running, inputs.configFile, 30_000);
  return { ...inputs, pid: await start({ ...inputs, command: inputs.command }) };
}

export const monitoringServer: Handler = {
  async create(inputs: ServerInputs) {
    return { id: inputs.title.toLowerCase(), outs: await converge(undefined, inputs) };
  },
  async diff(_id, olds: ServerOutputs, news: ServerInputs) {
    const changed = (Object.keys(news) as (keyof ServerInputs)[]).some((k) => k !== ("__provider" as never) && !same(olds[k], news[k]));
    // Drift: a server that died, or a file edited by hand, is put back by the next `up`.
    const died = news.command !== undefined && (olds.pid === 0 || pidOf(olds) !== olds.pid);
    return { changes: changed || died || !filesInPlace(news) };
  },
  async update(_id, olds: ServerOutputs, news: ServerInputs) {
    return { outs: await converge(olds, news) };
  },
  async delete(_id, olds: ServerOutputs) {
    await stopDaemon(pidOf(olds), olds.configFile, 30_000);
    await fsp.rm(olds.dir, { recursive: true, force: true });
  },
  async read(id, olds: ServerOutputs) {
    // A dead server reads back with pid 0, so the next `up` starts it again.
    return { id, props: { ...olds, pid: pidOf(olds) } };
  },
};
