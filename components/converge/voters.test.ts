import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NodeRef } from "../runtime/runtime";
import { cleanUp, fresh, inputs, lab, node, SHAPES, up, withNodes } from "./fakeLab";

describe.each(SHAPES)("on the %s runtime's shape", (shape) => {
  beforeEach(() => fresh(shape));
  afterEach(cleanUp);
  const five = (hash: string) => inputs(hash).nodes;

  describe("the dynamic quorum's voters", () => {
    it("adds a new controller after it started as an observer, restarting no other node; removes one before it stops", async () => {
      const rt = lab.fake;
      await up(rt, undefined, inputs("v1"));
      rt.events.length = 0;
      const grown = withNodes("v1", [...five("v1"), node(6, ["controller"], "v1")]);
      await up(rt, inputs("v1"), grown);
      expect(rt.events).toEqual(["format 6 --no-initial-controllers", "start 6", "add-controller 6"]);
      expect([...rt.voters.keys()].sort()).toEqual([1, 2, 3, 6]);

      rt.events.length = 0;
      await up(rt, grown, inputs("v1"));
      expect(rt.events).toEqual([`remove-controller 6 ${rt.storage.get(6)}`, "stop 6"]);
      expect([...rt.voters.keys()].sort()).toEqual([1, 2, 3]);
    });

    it("tries a voter change again when Kafka could not route it yet", async () => {
      const rt = lab.fake;
      await up(rt, undefined, inputs("v1"));
      rt.events.length = 0;
      rt.unroutable = 2;
      await up(rt, inputs("v1"), withNodes("v1", [...five("v1"), node(6, ["controller"], "v1")]));
      expect(rt.events).toEqual(["format 6 --no-initial-controllers", "start 6", "add-controller 6"]);
    });

    it("replaces the voter of a controller whose storage was wiped: formatted anew, old directory removed, new one added", async () => {
      const rt = lab.fake;
      await up(rt, undefined, inputs("v1"));
      const old = rt.storage.get(2);
      await rt.stop({ id: 2 } as NodeRef);
      rt.storage.delete(2);
      rt.events.length = 0;
      await up(rt, inputs("v1"), inputs("v1"));
      expect(rt.events).toEqual(["format 2 --no-initial-controllers", "start 2", `remove-controller 2 ${old}`, "add-controller 2"]);
      expect(rt.voters.get(2)).toBe(rt.storage.get(2));
    });

    it("leaves the voters of a static quorum alone", async () => {
      const rt = lab.fake;
      const staticLab = inputs("v1", { quorum: { mode: "static", initialControllers: "" } });
      await up(rt, undefined, staticLab);
      rt.events.length = 0;
      await up(rt, staticLab, withNodes("v1", [...five("v1"), node(6, ["broker"], "v1")], { quorum: staticLab.quorum }));
      expect(rt.events).toEqual(["format 6", "start 6"]);
    });
  });
});
