// kraftlab's Node.js language host, so that plain `pulumi up` runs index.ts. The official
// pulumi-language-nodejs cannot be built from the module proxy here; this one serves the SDK's own
// LanguageServer (the one the Automation API uses for inline programs) over kraftlab's program.
// The CLI starts it in the project directory and reads the port it prints.
import * as grpc from "@grpc/grpc-js";
import * as langrpc from "@pulumi/pulumi/proto/language_grpc_pb";
import type { RunRequest } from "@pulumi/pulumi/proto/language_pb";
import kraftlab from "../index";
import "./bail";
import { exitWithParent } from "./orphan";

// Internal SDK modules (no published types); the Automation API itself is built on them.
const { LanguageServer } = require("@pulumi/pulumi/automation/server") as {
  LanguageServer: new (program: typeof kraftlab) => grpc.UntypedServiceImplementation & { run: grpc.handleUnaryCall<RunRequest, unknown> };
};
const { grpcChannelOptions } = require("@pulumi/pulumi/runtime/settings") as { grpcChannelOptions: grpc.ChannelOptions };

// The CLI names its engine as the last argument; the SDK's server reads it from the run request's
// arguments (as the Automation API sends them), and without it pulumi.log would go to stderr.
const engineAddress = process.argv
  .slice(2)
  .filter((arg) => !arg.startsWith("-"))
  .at(-1);
const languageServer = new LanguageServer(kraftlab);
const run = languageServer.run.bind(languageServer);
languageServer.run = (call: grpc.ServerUnaryCall<RunRequest, unknown>, callback: grpc.sendUnaryData<unknown>) => {
  if (engineAddress && call.request.getArgsList().length === 0) call.request.setArgsList([engineAddress]);
  return run(call, callback);
};

exitWithParent();
const server = new grpc.Server(grpcChannelOptions);
server.addService(langrpc.LanguageRuntimeService, languageServer);
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    console.error(`kraftlab language host: ${err.message}`);
    process.exit(1);
  }
  process.stdout.write(`${port}\n`);
});
