// Converging as a whole, on a fake lab (fakeLab.ts): the steps in their order. Each step's own tests
// sit beside its module (lifecycle, roll, tls, removal, versions, voters).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanUp, fresh, inputs, lab, node, SHAPES, up, withNodes } from "./fakeLab";

describe.each(SHAPES)("on the %s runtime's shape", (shape) => {
  beforeEach(() => fresh(shape));
  afterEach(cleanUp);

  it("starts the new nodes, rolls the changed ones, then lets the leaving ones go", async () => {
    const rt = lab.fake;
    const six = withNodes("v1", [...inputs("v1").nodes, node(6, ["broker"], "v1")]);
    await up(rt, undefined, six);
    rt.events.length = 0;
    const next = withNodes("v2", [...inputs("v2").nodes.filter((n) => n.id !== 5), node(6, ["broker"], "v2"), node(7, ["broker"], "v2")], { drain: [5] });
    const outputs = await up(rt, six, next);
    expect(rt.events).toEqual([
      "format 7",
      "start 7",
      "stop 4",
      "start 4",
      "stop 6",
      "start 6",
      "stop 1",
      "start 1",
      "stop 3",
      "start 3",
      "stop 2",
      "start 2",
      "elect preferred leaders",
      "reassign t-0 to 4,6",
      "stop 5",
      "unregister 5",
    ]);
    expect(Object.keys(outputs.running)).toEqual(["1", "2", "3", "4", "6", "7"]);
    expect(Object.values(outputs.versions ?? {}).every((v) => v === "4.3.1")).toBe(true);
  });
});
