import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanUp, fresh, inputs, lab, SHAPES, up } from "./fakeLab";

describe.each(SHAPES)("on the %s runtime's shape", (shape) => {
  beforeEach(() => fresh(shape));
  afterEach(cleanUp);

  it("starts a new cluster's nodes at once, then keeps them on an up with nothing new", async () => {
    const rt = lab.fake;
    const created = await up(rt, undefined, inputs("v1"));
    expect(rt.events.filter((e) => e.startsWith("start")).sort()).toEqual(["start 1", "start 2", "start 3", "start 4", "start 5"]);
    expect(Object.values(created.running).every((ref) => ref !== "")).toBe(true);
    rt.events.length = 0;
    const again = await up(rt, inputs("v1"), inputs("v1"));
    expect(rt.events).toEqual([]);
    expect(again.running).toEqual(created.running);
  });

  it("leaves nothing running after a create whose node does not start", async () => {
    const rt = lab.fake;
    rt.failing.add(5);
    await expect(up(rt, undefined, inputs("v1"))).rejects.toThrow(/^node 5 exited while starting: Exiting Kafka due to fatal exception/);
    for (const node of inputs("v1").nodes) expect(await rt.running(node)).toBeUndefined();
    expect(rt.events.filter((e) => e.startsWith("stop")).sort()).toEqual(["stop 1", "stop 2", "stop 3", "stop 4"]);
  });

  it("restarts every node at once, with no roll, when a listener changes protocol", async () => {
    const rt = lab.fake;
    await up(rt, undefined, inputs("v1"));
    rt.events.length = 0;
    await up(rt, inputs("v1"), inputs("v1", { protocols: { external: "SSL", internal: "PLAINTEXT", controller: "PLAINTEXT" } }));
    expect(rt.events.slice(0, 5)).toEqual(["stop 1", "stop 2", "stop 3", "stop 4", "stop 5"]);
    expect(rt.events.slice(5).sort()).toEqual(["start 1", "start 2", "start 3", "start 4", "start 5"]);
  });
});
