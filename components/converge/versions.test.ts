import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanUp, fresh, inputs, lab, node, ROLL, SHAPES, up, withNodes } from "./fakeLab";

describe.each(SHAPES)("on the %s runtime's shape", (shape) => {
  beforeEach(() => fresh(shape));
  afterEach(cleanUp);

  it("migrates a static quorum: kraft.version 1 by name, then the nodes roll onto their new config", async () => {
    const rt = lab.fake;
    const staticLab = inputs("v1", { quorum: { mode: "static", initialControllers: "" } });
    await up(rt, undefined, staticLab);
    for (const id of [1, 2, 3]) rt.voters.set(id, rt.storage.get(id) as string);
    rt.kraftVersion = 0;
    rt.events.length = 0;
    await up(rt, staticLab, inputs("v2"));
    expect(rt.events[0]).toBe("upgrade kraft.version=1");
    expect(rt.events.slice(1)).toEqual(ROLL);
  });

  it("refuses a release that could not read what the cluster finalized, before any node rolls onto it", async () => {
    const rt = lab.fake;
    await up(rt, undefined, inputs("v1", { kafkaVersion: "4.4.0" }));
    rt.finalized["metadata.version"] = "4.4-IV0";
    rt.events.length = 0;
    await expect(up(rt, inputs("v1", { kafkaVersion: "4.4.0" }), inputs("v2"))).rejects.toThrow(
      /^kraftlab:kafkaVersion: 4\.3\.1 cannot run this cluster: its metadata\.version is finalized at 4\.4-IV0/,
    );
    expect(rt.events).toEqual([]);
  });

  it("finalizes the features asked, by name, once every node runs the release", async () => {
    const rt = lab.fake;
    const created = await up(rt, undefined, inputs("v1", { features: { "group.version": 1 } }));
    expect(rt.events.filter((e) => e.startsWith("upgrade"))).toEqual(["upgrade group.version=1"]);
    expect(created.finalized).toEqual({ "kraft.version": "1", "group.version": "1" });
    expect(created.versions).toEqual({ 1: "4.3.1", 2: "4.3.1", 3: "4.3.1", 4: "4.3.1", 5: "4.3.1" });
  });

  it("finalizes nothing while a node runs another release", async () => {
    const rt = lab.fake;
    const nodes = inputs("v1").nodes.map((n) => (n.id === 5 ? { ...node(5, ["broker"], "v1"), version: "4.2.0" } : n));
    await expect(up(rt, undefined, withNodes("v1", nodes, { features: { "group.version": 1 } }))).rejects.toThrow(
      "kraftlab:features: not finalized while node(s) 5 (4.2.0) run another release than 4.3.1",
    );
    expect(rt.events.filter((e) => e.startsWith("upgrade"))).toEqual([]);
  });
});
