import { describe, expect, it } from "vitest";
import { runVerdict } from "./bail";

describe("runVerdict", () => {
  it("fails a run whose program did not return, even when the SDK saw no error", () => {
    expect(runVerdict({ sdkFailed: false, programReturned: false, errorsReported: false })).toBe("error");
    expect(runVerdict({ sdkFailed: false, programReturned: true, errorsReported: false })).toBe("success");
  });

  it("fails a run of kraftlab's program that returned having registered no lab: the engine would delete the lab", () => {
    expect(runVerdict({ sdkFailed: false, programReturned: true, errorsReported: false, noLab: true })).toBe("error");
    expect(runVerdict({ sdkFailed: false, programReturned: true, errorsReported: false, noLab: false })).toBe("success");
  });

  it("bails on an error already reported, and passes the SDK's other errors on", () => {
    expect(runVerdict({ sdkFailed: true, programReturned: false, errorsReported: true })).toBe("bail");
    expect(runVerdict({ sdkFailed: true, programReturned: false, errorsReported: false })).toBe("error");
    // A program that returned while the SDK failed the run (an uncaught error elsewhere) stays failed.
    expect(runVerdict({ sdkFailed: true, programReturned: true, errorsReported: false })).toBe("error");
  });
});
