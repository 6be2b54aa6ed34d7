// The KRaft quorum and Kafka versions as code, under a continuous idempotent producer: a dynamic
// quorum grown and shrunk by `up`, a refused removal, a wiped controller repaired; a static lab on
// 4.2.2 migrated to a dynamic quorum and rolled onto 4.3.1 in one roll, its features finalized, and the
// downgrade refused after it. Nothing may be lost. (Asks Maven Central for 4.2.2 the first time.)
import * as fs from "node:fs";
import * as path from "node:path";
import { getProperties } from "properties-file";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTopic, kafkaTool, type LabOutputs, TestLab } from "./lab";
import { expectNothingLost, underLoad } from "./underLoad";

const TOPIC = "orders";
const combined = [1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] }));
const controller = (id: number) => ({ id, roles: ["controller"] });
const pids = (o: LabOutputs) => Object.fromEntries(o.nodes.map((n) => [n.id, n.pid]));
const voterIds = (o: LabOutputs) => (o.quorum?.voters ?? []).map((v) => v.id).sort();
const directoryId = (lab: TestLab, id: number) =>
  getProperties(fs.readFileSync(path.join(lab.labDir, `node-${id}`, "data", "meta.properties"), "utf8"))["directory.id"];
/** The voters as Kafka itself says them (describe --status), id → directory id. */
async function voters(bootstrap: string): Promise<Record<number, string>> {
  const out = await kafkaTool("kafka-metadata-quorum", ["--bootstrap-server", bootstrap, "describe", "--status"]);
  const list = JSON.parse(/^CurrentVoters:\s+(\[.*\])/m.exec(out)?.[1] ?? "[]") as { id: number; directoryId?: string }[];
  return Object.fromEntries(list.map((v) => [v.id, v.directoryId ?? ""]));
}
const finalized = async (bootstrap: string) => kafkaTool("kafka-features", ["--bootstrap-server", bootstrap, "describe"]);

describe("a dynamic quorum, grown, shrunk and repaired by up, under load", () => {
  const PORT = 23092;
  let lab: TestLab;
  let outputs: LabOutputs;
  const underTheLoad = <T>(action: () => Promise<T>) => underLoad({ bootstrap: outputs.bootstrapServers, topic: TOPIC }, action);

  beforeAll(async () => {
    lab = await TestLab.create("quorum", { nodes: combined, ports: { external: PORT, internal: PORT + 1, controller: PORT + 2 } });
    ({ outputs } = await lab.up());
    await createTopic(outputs, TOPIC, 6, ["min.insync.replicas=2"]);
  });
  afterAll(async () => lab?.cleanup());

  it("is formatted dynamic: kraft.version 1, three voters with the directory ids of their storage, nodes on bootstrap servers", async () => {
    expect(outputs.quorum?.mode).toBe("dynamic");
    expect(outputs.features?.["kraft.version"]).toBe("1");
    expect(await finalized(outputs.bootstrapServers)).toMatch(
      /Feature: kraft\.version\s+SupportedMinVersion: 0\s+SupportedMaxVersion: 1\s+FinalizedVersionLevel: 1/,
    );
    expect(voterIds(outputs)).toEqual([1, 2, 3]);
    const live = await voters(outputs.bootstrapServers);
    for (const id of [1, 2, 3]) {
      expect(live[id]).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(live[id]).toBe(directoryId(lab, id));
      expect(outputs.quorum?.voters.find((v) => v.id === id)?.directoryId).toBe(live[id]);
    }
    const props = getProperties(fs.readFileSync(path.join(lab.labDir, "node-1", "server.properties"), "utf8"));
    expect(props["controller.quorum.bootstrap.servers"]).toBe(`127.0.0.1:${PORT + 2},127.0.0.1:${PORT + 102},127.0.0.1:${PORT + 202}`);
    expect(props["controller.quorum.voters"]).toBeUndefined();
    // min.insync.replicas is the cluster's default, not a per-broker setting.
    expect(props["min.insync.replicas"]).toBeUndefined();
    const defaults = await kafkaTool("kafka-configs", [
      "--bootstrap-server",
      outputs.bootstrapServers,
      "--describe",
      "--entity-type",
      "brokers",
      "--entity-default",
    ]);
    expect(defaults).toMatch(/min\.insync\.replicas=2 .*DYNAMIC_DEFAULT_BROKER_CONFIG/);
  });

  it("adds two controllers through an `npm run up` killed as it adds the first: five voters, no other node restarted", async () => {
    await lab.configure({ nodes: [...combined, controller(4), controller(5)] });
    const { result, report } = await underTheLoad(() => lab.upInterruptedAt(/adding controller 4 to the quorum/));
    expectNothingLost(report);
    const after = result.outputs;
    for (const id of [1, 2, 3]) expect(pids(after)[id]).toBe(pids(outputs)[id]);
    expect(voterIds(after)).toEqual([1, 2, 3, 4, 5]);
    const live = await voters(after.bootstrapServers);
    expect(Object.keys(live).map(Number).sort()).toEqual([1, 2, 3, 4, 5]);
    for (const id of [4, 5]) expect(live[id]).toBe(directoryId(lab, id));
    outputs = after;
  });

  it("refuses to remove a majority of the voters at once, touching nothing", async () => {
    await lab.configure({ nodes: [combined[0], combined[1]], drainBrokers: [3] });
    await expect(lab.up()).rejects.toThrow(/removing controllers 3, 4, 5 at once would leave 2 of 5 voters, fewer than a majority \(3\)/);
    await lab.configure({ nodes: [...combined, controller(4), controller(5)], drainBrokers: [] });
    const { outputs: same } = await lab.up();
    expect(pids(same)).toEqual(pids(outputs));
    expect(Object.keys(await voters(same.bootstrapServers))).toHaveLength(5);
  });

  it("removes a controller: it leaves the quorum before it stops, and its directory goes", async () => {
    await lab.configure({ nodes: [...combined, controller(4)] });
    const { result, report } = await underTheLoad(() => lab.up());
    expectNothingLost(report);
    const after = result.outputs;
    for (const id of [1, 2, 3, 4]) expect(pids(after)[id]).toBe(pids(outputs)[id]);
    expect(voterIds(after)).toEqual([1, 2, 3, 4]);
    expect(
      Object.keys(await voters(after.bootstrapServers))
        .map(Number)
        .sort(),
    ).toEqual([1, 2, 3, 4]);
    expect(fs.existsSync(path.join(lab.labDir, "node-5"))).toBe(false);
    outputs = after;
  });

  it("repairs a controller whose storage was wiped: formatted anew, its old directory replaced in the voters", async () => {
    const wiped = directoryId(lab, 4);
    process.kill(outputs.nodes[3].pid as number, "SIGKILL");
    fs.rmSync(path.join(lab.labDir, "node-4", "data"), { recursive: true, force: true });
    const { result, report } = await underTheLoad(() => lab.up());
    expectNothingLost(report);
    const after = result.outputs;
    for (const id of [1, 2, 3]) expect(pids(after)[id]).toBe(pids(outputs)[id]);
    const fresh = directoryId(lab, 4);
    expect(fresh).not.toBe(wiped);
    const live = await voters(after.bootstrapServers);
    expect(live[4]).toBe(fresh);
    expect(Object.values(live)).not.toContain(wiped);
  });
});

describe("a static lab on Kafka 4.2.2 migrated to a dynamic quorum and rolled onto 4.3.1, under load", () => {
  const PORT = 17092;
  let lab: TestLab;
  let outputs: LabOutputs;
  const underTheLoad = <T>(action: () => Promise<T>) => underLoad({ bootstrap: outputs.bootstrapServers, topic: TOPIC }, action);

  beforeAll(async () => {
    lab = await TestLab.create("versions", {
      nodes: combined,
      quorum: "static",
      kafkaVersion: "4.2.2",
      ports: { external: PORT, internal: PORT + 1, controller: PORT + 2 },
    });
    ({ outputs } = await lab.up());
    await createTopic(outputs, TOPIC, 6, ["min.insync.replicas=2"]);
  });
  afterAll(async () => lab?.cleanup());

  it("runs 4.2.2 with static voters: kraft.version 0", async () => {
    expect(outputs.nodes.map((n) => n.version)).toEqual(["4.2.2", "4.2.2", "4.2.2"]);
    expect(outputs.quorum?.mode).toBe("static");
    expect(outputs.features?.["kraft.version"]).toBe("0");
    expect(getProperties(fs.readFileSync(path.join(lab.labDir, "node-2", "server.properties"), "utf8"))["controller.quorum.voters"]).toBe(
      `1@127.0.0.1:${PORT + 2},2@127.0.0.1:${PORT + 102},3@127.0.0.1:${PORT + 202}`,
    );
  });

  // One maintenance window, as an administrator would plan it: one roll takes the nodes both onto
  // bootstrap servers and onto the new release.
  it("migrates to a dynamic quorum (kraft.version 1 by name, voters keep their ids) and rolls onto 4.3.1 in one roll, then finalizes 4.3's features by name", async () => {
    expect(await finalized(outputs.bootstrapServers)).toMatch(
      /metadata\.version\s+SupportedMinVersion: \S+\s+SupportedMaxVersion: 4\.2-IV1\s+FinalizedVersionLevel: 4\.2-IV1/,
    );
    await lab.configure({ quorum: "dynamic", kafkaVersion: "4.3.1", features: "auto" });
    const { result, report } = await underTheLoad(() => lab.up());
    expectNothingLost(report);
    const after = result.outputs;
    expect(after.quorum?.mode).toBe("dynamic");
    expect(after.features?.["kraft.version"]).toBe("1");
    const live = await voters(after.bootstrapServers);
    expect(Object.keys(live).map(Number).sort()).toEqual([1, 2, 3]);
    for (const id of [1, 2, 3]) expect(live[id]).toBe(directoryId(lab, id));
    const props = getProperties(fs.readFileSync(path.join(lab.labDir, "node-2", "server.properties"), "utf8"));
    expect(props["controller.quorum.voters"]).toBeUndefined();
    expect(props["controller.quorum.bootstrap.servers"]).toBeDefined();
    expect(after.nodes.map((n) => n.version)).toEqual(["4.3.1", "4.3.1", "4.3.1"]);
    for (const id of [1, 2, 3]) expect(pids(after)[id]).not.toBe(pids(outputs)[id]);
    expect(after.features?.["metadata.version"]).toBe("4.3-IV0");
    expect(await finalized(after.bootstrapServers)).toMatch(
      /metadata\.version\s+SupportedMinVersion: \S+\s+SupportedMaxVersion: 4\.3-IV0\s+FinalizedVersionLevel: 4\.3-IV0/,
    );
    outputs = after;
  });

  it("refuses to go back to a static quorum, saying why", async () => {
    await lab.configure({ quorum: "static" });
    await expect(lab.up()).rejects.toThrow(/kraftlab:quorum: this lab's quorum is dynamic \(kraft\.version 1\) and cannot become static/);
    await lab.configure({ quorum: "dynamic" });
  });

  it("refuses the downgrade once 4.3 is finalized, a release Maven Central does not serve, and features the release lacks, before any node is touched", async () => {
    await lab.configure({ kafkaVersion: "4.2.2" });
    await expect(lab.up()).rejects.toThrow(/kraftlab:kafkaVersion: 4\.2\.2 cannot run this cluster: its metadata\.version is finalized at 4\.3-IV0/);
    await lab.configure({ kafkaVersion: "4.9.9" });
    await expect(lab.up()).rejects.toThrow(
      /kraftlab:kafkaVersion: Kafka 4\.9\.9 is not on Maven Central complete .*Versions verified with kraftlab .*4\.2\.2 4\.3\.1/,
    );
    await lab.configure({ kafkaVersion: "4.3.1", features: { "share.versoin": 1, "streams.version": 2 } });
    await expect(lab.up()).rejects.toThrow(
      /kraftlab:features\.share\.versoin: Kafka 4\.3\.1 has no feature share\.versoin; its features are metadata\.version, .*\n.*kraftlab:features\.streams\.version: Kafka 4\.3\.1 finalizes streams\.version at level 1 at most; use 0 to 1/,
    );
    await lab.configure({ features: "auto" });
    const { outputs: same } = await lab.up();
    expect(pids(same)).toEqual(pids(outputs));
  });
});
