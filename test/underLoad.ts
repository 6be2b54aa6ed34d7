// An operation under load, as every e2e file checks it: a producer runs through it, and afterwards every
// acked record must have come back once, in order, with no failed send.
import { expect } from "vitest";
import { type LoadOptions, type LoadReport, LoadRun } from "./load";

/** Runs `action` while a producer writes as `load` says; returns its result and the load report. */
export async function underLoad<T>(load: LoadOptions, action: () => Promise<T>): Promise<{ result: T; report: LoadReport }> {
  const run = await LoadRun.start(load);
  try {
    return { result: await action(), report: await run.stop() };
  } catch (err) {
    await run.stop();
    throw err;
  }
}

/** Records acked, none lost, duplicated, reordered or refused. */
export function expectNothingLost(report: LoadReport): void {
  expect(report.acked).toBeGreaterThan(0);
  expect(report.lost).toEqual([]);
  expect(report.duplicated).toEqual([]);
  expect(report.outOfOrder).toEqual([]);
  expect(report.produceErrors).toEqual([]);
}
