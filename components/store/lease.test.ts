import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { processSeen } from "../host/processSeen";
import { holderGone, withLease } from "./lease";

describe("holderGone", () => {
  const holder = { pid: 4242, startedAt: 1_000_000, hostname: "h" };
  it("keeps a holder that runs, and one of another host", () => {
    expect(holderGone(holder, "h", { command: "node", startedAt: 1_000_400 })).toBeUndefined();
    expect(holderGone(holder, "other", undefined)).toBeUndefined();
  });
  it("lets a lease go whose holder is gone, or whose pid runs another process", () => {
    expect(holderGone(holder, "h", undefined)).toBe("pid 4242 no longer runs");
    expect(holderGone(holder, "h", { command: "node", startedAt: 9_000_000 })).toBe("pid 4242 now runs another process");
  });
});

describe("withLease", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-lease-"));
  const file = path.join(dir, "converge.lease");
  afterEach(() => fs.rmSync(file, { force: true }));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("holds the lease while it works, and lets it go after", async () => {
    const seen = await withLease(file, async () => JSON.parse(fs.readFileSync(file, "utf8")).pid);
    expect(seen).toBe(process.pid);
    expect(fs.existsSync(file)).toBe(false);
  });

  it("waits for a live holder, then takes the lease", async () => {
    const holder = spawn("sleep", ["1"]);
    const pid = holder.pid as number;
    fs.writeFileSync(file, JSON.stringify({ pid, startedAt: processSeen(pid)?.startedAt, hostname: os.hostname() }));
    const exited = new Promise((resolve) => holder.on("exit", resolve)).then(() => fs.rmSync(file, { force: true }));
    const began = Date.now();
    let holderRan = true;
    await withLease(file, async () => {
      holderRan = processSeen(pid) !== undefined;
    });
    await exited;
    expect(holderRan).toBe(false);
    expect(Date.now() - began).toBeGreaterThanOrEqual(500);
  });

  it("takes over the lease of a holder that is gone", async () => {
    fs.writeFileSync(file, JSON.stringify({ pid: 2 ** 22 + 1, startedAt: 0, hostname: os.hostname() }));
    expect(await withLease(file, async () => "mine")).toBe("mine");
  });

  it("runs without a lease where the lab directory is gone", async () => {
    expect(await withLease(path.join(dir, "gone", "converge.lease"), async () => "ran")).toBe("ran");
  });

  it("gives up on a holder that outlasts the wait, naming it", async () => {
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, startedAt: processSeen(process.pid)?.startedAt, hostname: "another-host" }));
    await expect(withLease(file, async () => "never", 1_500)).rejects.toThrow(/another converge of this lab \(pid \d+ on another-host\) still runs/);
  });
});
