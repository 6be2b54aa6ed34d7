import { spawn } from "node:child_process";
import * as net from "node:net";
import { describe, expect, it, vi } from "vitest";
import { quorumAlive, stopDaemon, stopWithDeadline } from "./daemon";

describe("quorumAlive", () => {
  it("is true while a majority of voters listen, false after", async () => {
    const listening = net.createServer();
    await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve));
    const port = (listening.address() as net.AddressInfo).port;
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    try {
      const up = { host: "127.0.0.1", port };
      const down = { host: "127.0.0.1", port: closedPort };
      expect(await quorumAlive([up, up, down])).toBe(true);
      expect(await quorumAlive([up, down, down])).toBe(false);
      expect(await quorumAlive([])).toBe(true);
    } finally {
      listening.close();
    }
  });
});

describe("stopWithDeadline", () => {
  /** A node that stops `stopsAfterMs` after SIGTERM (never if undefined), its quorum alive or not. */
  const node = (stopsAfterMs: number | undefined, quorum: boolean) => {
    let terminatedAt: number | undefined;
    let killed = false;
    const effects = {
      running: async () => !killed && !(terminatedAt !== undefined && stopsAfterMs !== undefined && Date.now() - terminatedAt >= stopsAfterMs),
      terminate: async () => {
        terminatedAt = Date.now();
      },
      kill: async () => {
        killed = true;
      },
      quorumAlive: async () => quorum,
      timeoutMs: 60_000,
    };
    return { effects, killed: () => killed };
  };

  it("waits for a controlled shutdown, and kills only after the deadline", async () => {
    vi.useFakeTimers();
    try {
      const clean = node(3_000, true);
      const stopped = stopWithDeadline(clean.effects);
      await vi.advanceTimersByTimeAsync(4_000);
      expect(await stopped).toBe("stopped");
      const stuck = node(undefined, true);
      const killed = stopWithDeadline(stuck.effects);
      await vi.advanceTimersByTimeAsync(61_000);
      expect(await killed).toBe("killed");
      expect(stuck.killed()).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("kills a node a few seconds after its quorum is gone, without waiting for the deadline", async () => {
    vi.useFakeTimers();
    try {
      const last = node(undefined, false);
      const outcome = stopWithDeadline(last.effects);
      await vi.advanceTimersByTimeAsync(8_000);
      expect(await outcome).toBe("killed");
    } finally {
      vi.useRealTimers();
    }
  });

  it("leaves a node that is not running alone", async () => {
    const gone = node(0, true);
    await gone.effects.terminate();
    expect(await stopWithDeadline(gone.effects)).toBe("not running");
  });
});

describe("stopDaemon", () => {
  it("stops a process on the node's config that no pid file knows (left by an interrupted run)", async () => {
    const configFile = `/tmp/kraftlab-orphan-${process.pid}/server.properties`;
    const orphan = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)", configFile], { stdio: "ignore" });
    await new Promise((resolve) => orphan.once("spawn", resolve));
    const ended = new Promise((resolve) => orphan.once("exit", (_code, signal) => resolve(signal)));
    expect(await stopDaemon(undefined, configFile, 5_000)).toBe("stopped");
    expect(await ended).toBe("SIGTERM");
    expect(await stopDaemon(undefined, configFile, 5_000)).toBe("not running");
  });
});
