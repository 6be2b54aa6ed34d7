import { describe, expect, it } from "vitest";
import { pendingLines, staleLock } from "./interrupted";

describe("staleLock", () => {
  const lock = { pid: 4242, hostname: "lab-host", timestamp: "2026-12-06T04:00:00Z" };
  const taken = Date.parse(lock.timestamp);

  it("keeps a lock whose Pulumi CLI still runs, and any lock of another host", () => {
    expect(staleLock(lock, "lab-host", { command: "pulumi", startedAt: taken - 500 })).toBeUndefined();
    expect(staleLock(lock, "other-host", undefined)).toBeUndefined();
  });

  it("clears a lock whose CLI is gone, or whose pid now runs something else", () => {
    expect(staleLock(lock, "lab-host", undefined)).toBe("pid 4242, locked at 2026-12-06T04:00:00.000Z: no longer runs");
    expect(staleLock(lock, "lab-host", { command: "bash", startedAt: taken + 60_000 })).toBe(
      "pid 4242, locked at 2026-12-06T04:00:00.000Z: the pid is now bash's",
    );
    expect(staleLock(lock, "lab-host", { command: "pulumi", startedAt: taken + 60_000 })).toBe(
      "pid 4242, locked at 2026-12-06T04:00:00.000Z: the pid is now another pulumi's",
    );
  });
});

describe("pendingLines", () => {
  it("says what was being done to which resource", () => {
    const urn = "urn:pulumi:dev::kraftlab::kraftlab:index:KafkaCluster$pulumi-nodejs:dynamic/kraftlab:NodeProcesses::kafka-nodes";
    expect(pendingLines([{ type: "updating", resource: { urn } }])).toEqual([
      "kraftlab: NodeProcesses kafka-nodes was being updated when the run stopped; this run takes it from where it is",
    ]);
  });
});
