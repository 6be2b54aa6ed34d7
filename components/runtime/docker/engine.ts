// A Docker engine as kraftlab talks to it: a client of its Engine API (dockerode, no docker CLI), and
// the reading of an answer that may name no such object. Everything that reaches an engine starts here.
import type Docker from "dockerode";

/**
 * A client of the engine at `dockerHost` (`unix:///…`); `timeoutMs` bounds each request. dockerode is
 * loaded on the first call: a command that talks to no engine never pays for it.
 */
export const engine = (dockerHost: string, timeoutMs?: number): Docker => {
  const Dockerode = require("dockerode") as typeof Docker;
  return new Dockerode({ socketPath: dockerHost.replace(/^unix:\/\//, ""), timeout: timeoutMs });
};

/** A signal to a container that stopped (or went) meanwhile: there is nothing left to signal (409 or 404). */
export async function signalIfRunning(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (err) {
    const { statusCode, message } = err as { statusCode?: number; message?: string };
    if (statusCode === 404 || (statusCode === 409 && /is not running/.test(message ?? ""))) return;
    throw err;
  }
}

/** What `request` answers, or undefined when the engine has no such object (404); any other failure stands. */
export async function unlessMissing<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}
