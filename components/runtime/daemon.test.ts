import * as net from "node:net";
import { describe, expect, it } from "vitest";
import { quorumAlive, readyMarkers } from "./daemon";

describe("readyMarkers", () => {
  const matching = (roles: string[], line: string) =>
    readyMarkers(roles)
      .filter((m) => m.pattern.test(line))
      .map((m) => m.what);

  it("waits for start, quorum leader and unfencing on a combined node", () => {
    expect(readyMarkers(["broker", "controller"]).map((m) => m.what)).toEqual([
      "the server to start",
      "the quorum to have a leader",
      "the broker to be registered and unfenced",
    ]);
  });

  it("recognises Kafka 4.3's own log lines", () => {
    expect(matching(["controller"], "INFO [KafkaRaftServer nodeId=1] Kafka Server started (kafka.server.KafkaRaftServer)")).toEqual(["the server to start"]);
    expect(matching(["controller"], "[RaftManager id=2] Completed transition to Leader(localReplicaKey=ReplicaKey(id=2)")).toEqual([
      "the quorum to have a leader",
    ]);
    expect(matching(["controller"], "[RaftManager id=1] Completed transition to FollowerState(fetchTimeoutMs=2000, epoch=1, leader=3")).toEqual([
      "the quorum to have a leader",
    ]);
    expect(matching(["controller"], "[RaftManager id=1] Completed transition to ProspectiveState(epoch=0")).toEqual([]);
    expect(matching(["broker"], "[BrokerLifecycleManager id=1] The broker has been unfenced. Transitioning from RECOVERY to RUNNING.")).toEqual([
      "the broker to be registered and unfenced",
    ]);
  });

  it("does not wait for a quorum leader on a broker-only node", () => {
    expect(readyMarkers(["broker"]).map((m) => m.what)).not.toContain("the quorum to have a leader");
  });
});

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
