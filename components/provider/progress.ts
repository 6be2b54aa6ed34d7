// What kraftlab says while it works: short lines, each under the resource it concerns and with the
// time since that resource's operation began. Inside the provider host the lines go to the engine's
// Log service with the resource's URN (the host runs each request in `withinResource`); anywhere else
// (a unit test, the program, `npm run status`) they go to stderr.
import { AsyncLocalStorage } from "node:async_hooks";
import * as grpc from "@grpc/grpc-js";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";

const operation = new AsyncLocalStorage<{ urn: string; started: number }>();
let engine: engrpc.EngineClient | undefined;

/** Sends the lines to the engine at `address` (the provider host's first argument). */
export function connectEngine(address: string): void {
  engine = new engrpc.EngineClient(address, grpc.credentials.createInsecure());
}

/** Runs one request of the engine's for the resource `urn`: the lines said meanwhile go under it. */
export const withinResource = <T>(urn: string, run: () => T): T => operation.run({ urn, started: Date.now() }, run);

function say(line: string): void {
  const current = operation.getStore();
  if (!engine || !current) return void console.error(line);
  const request = new engproto.LogRequest();
  request.setSeverity(engproto.LogSeverity.INFO);
  request.setMessage(line);
  request.setUrn(current.urn);
  // A line that cannot be delivered is not worth failing the operation for.
  engine.log(request, () => undefined);
}

const elapsed = () => {
  const current = operation.getStore();
  return current ? ` (${Math.round((Date.now() - current.started) / 1000)} s)` : "";
};

/** A step of the operation under way, with its elapsed time: `kraftlab: restarting node 2 (2 of 3) (14 s)`. */
export const progress = (what: string): void => say(`kraftlab: ${what}${elapsed()}`);

/** What an operation will do, as a preview says it (no time: nothing has started). */
export const plan = (what: string): void => say(`kraftlab: ${what}`);
