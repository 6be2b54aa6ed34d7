// A refused `up` prints one error. The program throws a RunError, which the SDK's language server
// reports as an error diagnostic without a stack trace, and then returns to the engine as the run's
// error, which the engine prints a second time. Pulumi's own Node.js language host answers "bail"
// instead (the error is already reported); this teaches the SDK's server, which both the Automation
// API and kraftlab's language host use, to do the same.
import type * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import * as langproto from "@pulumi/pulumi/proto/language_pb";

// Internal SDK module (no published types); the Automation API builds its inline programs on it.
const { LanguageServer } = require("@pulumi/pulumi/automation/server") as {
  LanguageServer: { prototype: { run(call: unknown, callback: grpc.sendUnaryData<langproto.RunResponse>): Promise<void> } };
};

const run = LanguageServer.prototype.run;
LanguageServer.prototype.run = function (call, callback) {
  let answered = false;
  return run.call(this, call, (err, response) => {
    // The SDK answers a failed run twice (error, then an empty response): gRPC takes one answer.
    if (answered) return;
    answered = true;
    // Called inside the run's own log context: hasErrors() counts what this run reported.
    if (err && pulumi.log.hasErrors()) {
      const bail = new langproto.RunResponse();
      bail.setBail(true);
      return callback(null, bail);
    }
    return callback(err, response);
  });
};
