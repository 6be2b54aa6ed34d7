import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ClusterClient } from "../client/cluster";
import { cleanUp, fresh, inputs, lab, ROLL, SHAPES, up } from "./fakeLab";
import { readOnlyKeys } from "./roll";
import { readRunning } from "./running";

describe.each(SHAPES)("on the %s runtime's shape", (shape) => {
  beforeEach(() => fresh(shape));
  afterEach(cleanUp);

  describe("the rolling restart", () => {
    it("restarts one node at a time, brokers first, the active controller last", async () => {
      const rt = lab.fake;
      await up(rt, undefined, inputs("v1"));
      rt.events.length = 0;
      await up(rt, inputs("v1"), inputs("v2"));
      expect(rt.events).toEqual(ROLL);
    });

    it("changes a broker's dynamic tunable in place, restarting no node; controllers roll", async () => {
      const rt = lab.fake;
      await up(rt, undefined, inputs("v1"));
      rt.events.length = 0;
      await up(rt, inputs("v1"), inputs("v1+8"));
      expect(rt.events).toEqual(['alter broker 4 {"num.io.threads":"8"} ', 'alter broker 5 {"num.io.threads":"8"} ', ...ROLL.slice(4)]);
    });

    it("restarts a broker whose changed tunable Kafka holds read-only", async () => {
      const rt = lab.fake;
      await up(rt, undefined, inputs("v1"));
      rt.events.length = 0;
      rt.readOnly.add("num.io.threads");
      await up(rt, inputs("v1"), inputs("v1+8"));
      expect(rt.events).toEqual(ROLL);
    });

    it("stops nothing while a gate never passes, and says what it waited for", async () => {
      const rt = lab.fake;
      await up(rt, undefined, inputs("v1"));
      rt.events.length = 0;
      rt.underReplicated = 1;
      await expect(up(rt, inputs("v1"), inputs("v2"))).rejects.toThrow(
        "before restarting node 4: still waiting after 2 s for 1 partition(s) that would fall below min.insync.replicas without broker 4 (t-0)",
      );
      expect(rt.events).toEqual([]);
    });

    it("stops at a node that does not start, leaving the rest on their old launch; the next up resumes from there", async () => {
      const rt = lab.fake;
      await up(rt, undefined, inputs("v1"));
      rt.events.length = 0;
      rt.failing.add(5);
      await expect(up(rt, inputs("v1"), inputs("v2"))).rejects.toThrow(
        /^node 5 exited while starting: Exiting Kafka due to fatal exception: java\.lang\.OutOfMemoryError: Java heap space; its log: /,
      );
      expect(rt.events).toEqual(["stop 4", "start 4", "stop 5", "start 5"]);

      rt.failing.clear();
      rt.events.length = 0;
      await up(rt, inputs("v1"), inputs("v2"));
      // Node 4 already runs v2; node 5 (down) starts with the new nodes, then the controllers roll.
      expect(rt.events).toEqual(["start 5", "stop 1", "start 1", "stop 3", "start 3", "stop 2", "start 2", "elect preferred leaders"]);
    });
  });

  describe("what the preview says of a reconfiguration", () => {
    it("names the changed keys Kafka holds read-only, by broker; undefined when the cluster cannot be asked", async () => {
      const rt = lab.fake;
      await up(rt, undefined, inputs("v1"));
      const news = inputs("v1+8");
      const records = await Promise.all(news.nodes.map((n) => readRunning(rt, n)));
      expect(await readOnlyKeys(() => rt.client, news, records)).toEqual({ 4: [], 5: [] });
      rt.readOnly.add("num.io.threads");
      expect(await readOnlyKeys(() => rt.client, news, records)).toEqual({ 4: ["num.io.threads"], 5: ["num.io.threads"] });
      const unreachable = (): ClusterClient => {
        throw new Error("no distribution");
      };
      expect(await readOnlyKeys(unreachable, news, records)).toBeUndefined();
      expect(await readOnlyKeys(unreachable, inputs("v1"), records)).toEqual({});
    });
  });
});
