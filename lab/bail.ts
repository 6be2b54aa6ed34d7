// How a run of the program is answered to the engine, for both the Automation API and kraftlab's
// language host (both serve the SDK's own LanguageServer, patched here):
// - A refused `up` prints one error. The program throws a RunError, which the SDK reports as an error
//   diagnostic without a stack trace and then returns as the run's error, which the engine would
//   print a second time; Pulumi's own Node.js language host answers "bail" instead (the error is
//   already reported), and so does this.
// - What the program did decides, not log state: the SDK judges a run from its log and swallows any
//   error it takes for gRPC's (a `code` of 1 or 14), and an engine told that a program succeeded
//   deletes every resource it did not register. A program that did not return fails its run, and so
//   does a run of kraftlab's program that registered no lab (`destroy` runs no program: it still works).
import { AsyncLocalStorage } from "node:async_hooks";
import type * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import * as langproto from "@pulumi/pulumi/proto/language_pb";
import { labsRegistered } from "../components/kafkaCluster/kafkaCluster";
import kraftlab from "../index";

type Program = () => Promise<unknown>;

// Internal SDK module (no published types); the Automation API builds its inline programs on it.
const { LanguageServer } = require("@pulumi/pulumi/automation/server") as {
  LanguageServer: {
    prototype: { program: Program; run(call: unknown, callback: grpc.sendUnaryData<langproto.RunResponse>): Promise<void> };
  };
};

/** How a run is answered: the SDK's error, "bail" (an error already reported), or the SDK's success. */
export function runVerdict(run: { sdkFailed: boolean; programReturned: boolean; errorsReported: boolean; noLab?: boolean }): "error" | "bail" | "success" {
  if (run.sdkFailed) return run.errorsReported ? "bail" : "error";
  return run.programReturned && !run.noLab ? "success" : "error";
}

/** Whether the program of the run under way returned, and whether it is kraftlab's that registered no lab. */
const outcomes = new AsyncLocalStorage<{ returned: boolean; noLab: boolean }>();
const guarded = new WeakSet<object>();

const run = LanguageServer.prototype.run;
LanguageServer.prototype.run = function (call, callback) {
  if (!guarded.has(this)) {
    const program = this.program;
    this.program = async () => {
      const before = labsRegistered.count;
      const result = await program();
      const outcome = outcomes.getStore();
      if (outcome) {
        outcome.returned = true;
        outcome.noLab = program === kraftlab && labsRegistered.count === before;
      }
      return result;
    };
    guarded.add(this);
  }
  const outcome = { returned: false, noLab: false };
  let answered = false;
  return outcomes.run(outcome, () =>
    run.call(this, call, (err, response) => {
      // The SDK answers a failed run twice (error, then an empty response): gRPC takes one answer.
      if (answered) return;
      answered = true;
      // Called inside the run's own log context: hasErrors() counts what this run reported.
      const verdict = runVerdict({
        sdkFailed: err !== null && err !== undefined,
        programReturned: outcome.returned,
        errorsReported: pulumi.log.hasErrors(),
        noLab: outcome.noLab,
      });
      if (verdict === "bail") {
        const bail = new langproto.RunResponse();
        bail.setBail(true);
        return callback(null, bail);
      }
      if (verdict === "error" && !err) {
        const failed = new langproto.RunResponse();
        failed.setError(
          outcome.noLab
            ? "kraftlab: the program registered no lab, so the run fails and nothing is deleted (`npm run down` removes a lab)"
            : "kraftlab: the program did not run to its end, so the run fails and nothing is deleted; see the errors above",
        );
        return callback(new Error(failed.getError()), failed);
      }
      return callback(err, response);
    }),
  );
};
