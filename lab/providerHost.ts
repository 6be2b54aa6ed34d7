// kraftlab's dynamic provider host: the SDK's own, with two changes. The errors kraftlab's handlers
// raise are printed once, by the engine, without a JavaScript stack (components/provider/quiet.ts);
// and each request runs within its resource, so that the progress lines said meanwhile show under it
// (components/provider/progress.ts).
import * as grpc from "@grpc/grpc-js";
import { connectEngine, withinResource } from "../components/provider/progress";
import { isQuietCopy } from "../components/provider/quiet";
import { exitWithParent } from "./orphan";

const print = console.error;
console.error = (...args: unknown[]) => {
  if (!isQuietCopy(args[0])) print(...args);
};

// The engine's address is the host's first argument, as the SDK's host reads it.
const [engineAddress] = process.argv.slice(2);
if (engineAddress) connectEngine(engineAddress);

type Call = { request?: { getUrn?: () => string } };
const addService = grpc.Server.prototype.addService;
grpc.Server.prototype.addService = function (service, implementation) {
  const methods = implementation as Record<string, (call: Call, callback: unknown) => unknown>;
  const within = Object.fromEntries(
    Object.keys(service).map((name) => [
      name,
      (call: Call, callback: unknown) => {
        const urn = call.request?.getUrn?.();
        const handle = () => methods[name].call(implementation, call, callback);
        return urn ? withinResource(urn, handle) : handle();
      },
    ]),
  );
  return addService.call(this, service, within);
};

exitWithParent();
require("@pulumi/pulumi/cmd/dynamic-provider");
