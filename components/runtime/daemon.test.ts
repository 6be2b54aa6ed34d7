import * as net from "node:net";
import { describe, expect, it } from "vitest";
import { quorumAlive } from "./daemon";

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
