import { describe, expect, it } from "vitest";
import { nodeRun } from "../testing";
import { type PreviewInput, previewLines } from "./preview";
import type { RunningRecord } from "./rollout";

const combined = [1, 2, 3].map((id) => nodeRun(id, ["broker", "controller"]));
/** A record of a node that runs what nodeRun describes, with these changes. */
const record = (changes: Partial<RunningRecord> = {}): RunningRecord => ({
  ref: "42",
  configHash: "c2",
  version: "4.3.1",
  staticHash: "s2",
  tunables: { "log.retention.ms": "1000" },
  keystoreHash: "",
  trustHash: "",
  alive: true,
  ...changes,
});
const input = (over: Partial<PreviewInput> = {}): PreviewInput => ({
  olds: { nodes: combined, kafkaVersion: "4.3.1", protocolsChanged: false },
  nodes: combined,
  kafkaVersion: "4.3.1",
  quorumMode: "dynamic",
  records: combined.map(() => record()),
  tlsPending: false,
  ...over,
});

describe("previewLines", () => {
  it("says nothing when nothing changes", () => {
    expect(previewLines(input())).toEqual([]);
  });

  it("tells a change made in place from one that restarts, with the keys and the reason", () => {
    const records = [
      record({ configHash: "c1", tunables: { "log.retention.ms": "500", "log.cleaner.threads": "2" } }),
      record({ configHash: "c1", staticHash: "s1" }),
      record({ configHash: "c1", staticHash: "s1" }),
    ];
    expect(previewLines(input({ records }))).toEqual([
      "node 1: log.cleaner.threads, log.retention.ms changed in place, no restart (a key Kafka holds read-only restarts it)",
      "node 2: restarts in the roll: its static config, heap or JVM options changed",
      "node 3: restarts in the roll: its static config, heap or JVM options changed",
      "the roll: 2 nodes, one at a time, the quorum leader last, each once Kafka says it can stop",
    ]);
  });

  it("says which changed keys Kafka holds read-only, once asked: those restart the broker", () => {
    const records = [record({ configHash: "c1", tunables: { "log.retention.ms": "500", "queued.max.requests": "500" } }), record(), record()];
    const nodes = [{ ...combined[0], tunables: { "log.retention.ms": "1000", "queued.max.requests": "600" } }, combined[1], combined[2]];
    expect(previewLines(input({ nodes, records, readOnly: { 1: ["queued.max.requests"] } }))).toEqual([
      "node 1: log.retention.ms changed in place, then restarts in the roll: queued.max.requests read-only in Kafka",
    ]);
    expect(previewLines(input({ nodes, records, readOnly: { 1: [] } }))).toEqual([
      "node 1: log.retention.ms, queued.max.requests changed in place, no restart",
    ]);
  });

  it("restarts a controller for a tunable, since it takes none at run time", () => {
    const controller = nodeRun(4, ["controller"]);
    const lines = previewLines(
      input({
        olds: { nodes: [controller], kafkaVersion: "4.3.1", protocolsChanged: false },
        nodes: [controller],
        records: [record({ configHash: "c1", tunables: { "log.retention.ms": "9" } })],
      }),
    );
    expect(lines).toEqual(["node 4: restarts in the roll: log.retention.ms changed (a controller takes no config at run time)"]);
  });

  it("names a release change, nodes that come and go, and a certificate rotation", () => {
    const upgraded = combined.map((n) => ({ ...n, version: "4.4.0", configHash: "c3" }));
    const broker = nodeRun(4, ["broker"]);
    const controller = nodeRun(5, ["controller"]);
    const lines = previewLines(
      input({
        olds: { nodes: [...combined, broker], kafkaVersion: "4.3.1", protocolsChanged: false },
        nodes: [...upgraded, controller],
        kafkaVersion: "4.4.0",
        records: [...combined.map(() => record()), undefined],
        tlsPending: true,
      }),
    );
    expect(lines).toEqual([
      "Kafka 4.3.1 → 4.4.0: the nodes roll onto it",
      "node 1: restarts in the roll: Kafka 4.3.1 → 4.4.0",
      "node 2: restarts in the roll: Kafka 4.3.1 → 4.4.0",
      "node 3: restarts in the roll: Kafka 4.3.1 → 4.4.0",
      "node 5 (controller): new: formatted and started, then joins the quorum as a voter",
      "certificates or trusted CAs change: brokers reload them in place; nodes that cannot (TLS to controllers) restart one at a time",
      "node 4: leaves the cluster: its replicas move to the other brokers, stops, is unregistered; its data is removed",
      "the roll: 3 nodes, one at a time, the quorum leader last, each once Kafka says it can stop",
    ]);
  });

  it("starts a known node that died, and restarts everything at once for a protocol change", () => {
    const records = [record({ alive: false }), record(), record()];
    expect(previewLines(input({ records, olds: { nodes: combined, kafkaVersion: "4.3.1", protocolsChanged: true } }))).toEqual([
      "a listener changes protocol: every node restarts at once (nodes on both sides of it could not talk)",
      "node 1: not running: started again",
    ]);
  });
});
