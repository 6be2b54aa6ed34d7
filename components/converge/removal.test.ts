import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NodeRef } from "../runtime/runtime";
import { cleanUp, fresh, inputs, lab, node, SHAPES, up, withNodes } from "./fakeLab";

describe.each(SHAPES)("on the %s runtime's shape", (shape) => {
  beforeEach(() => fresh(shape));
  afterEach(cleanUp);
  const five = (hash: string) => inputs(hash).nodes;

  describe("storage", () => {
    it("formats the first controllers with --initial-controllers and brokers without a flag", async () => {
      const rt = lab.fake;
      const created = await up(rt, undefined, inputs("v1"));
      expect(rt.events.filter((e) => e.startsWith("format")).sort()).toEqual([
        "format 1 --initial-controllers",
        "format 2 --initial-controllers",
        "format 3 --initial-controllers",
        "format 4",
        "format 5",
      ]);
      expect(created.quorumStatus?.voters.map((v) => v.id)).toEqual([1, 2, 3]);
      expect(created.finalized).toEqual({ "kraft.version": "1" });
    });

    it("refuses a wiped controller of a static quorum before starting anything", async () => {
      const rt = lab.fake;
      const staticLab = inputs("v1", { quorum: { mode: "static", initialControllers: "" } });
      await up(rt, undefined, staticLab);
      await rt.stop({ id: 2 } as NodeRef);
      rt.storage.delete(2);
      rt.events.length = 0;
      await expect(up(rt, staticLab, staticLab)).rejects.toThrow(/controller\(s\) 2 lost their storage, and a static quorum cannot take a voter back/);
      expect(rt.events).toEqual([]);
    });
  });

  describe("removal", () => {
    it("refuses to remove a majority of the voters at once, or every controller, touching nothing", async () => {
      const rt = lab.fake;
      await up(rt, undefined, inputs("v1"));
      rt.events.length = 0;
      const brokersAnd1 = withNodes(
        "v1",
        five("v1").filter((n) => n.id !== 2 && n.id !== 3),
      );
      await expect(up(rt, inputs("v1"), brokersAnd1)).rejects.toThrow(/removing controllers 2, 3 at once would leave 1 of 3 voters/);
      expect(rt.events).toEqual([]);
    });

    const six = () => withNodes("v1", [...five("v1"), node(6, ["broker"], "v1")]);
    const withoutFive = (drain: number[]) =>
      withNodes(
        "v1",
        six().nodes.filter((n) => n.id !== 5),
        { drain },
      );

    it("refuses a leaving broker that still holds replicas and is not drained, touching nothing", async () => {
      const rt = lab.fake;
      await up(rt, undefined, six());
      rt.events.length = 0;
      await expect(up(rt, six(), withoutFive([]))).rejects.toThrow(/^broker 5 still holds 1 replica\(s\) \(t-0\); add 5 to kraftlab:drainBrokers/);
      expect(rt.events).toEqual([]);
    });

    it("drains a leaving broker: its replicas move to the remaining brokers, then it stops, is unregistered and recorded as drained", async () => {
      const rt = lab.fake;
      await up(rt, undefined, six());
      rt.events.length = 0;
      const after = await up(rt, six(), withoutFive([5]));
      expect(rt.events).toEqual(["reassign t-0 to 4,6", "stop 5", "unregister 5"]);
      expect(rt.replicas).toEqual([4, 6]);
      expect(fs.readFileSync(path.join(lab.dir, "drained.json"), "utf8")).toBe("[5]\n");
      expect(Object.keys(after.running)).toEqual(["1", "2", "3", "4", "6"]);
    });
  });
});
