import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NodeRef } from "../runtime/runtime";
import { cleanUp, fresh, inputs, lab, SHAPES, up } from "./fakeLab";
import { readRunning, refOf, runningOf } from "./running";

describe.each(SHAPES)("on the %s runtime's shape", (shape) => {
  beforeEach(() => fresh(shape));
  afterEach(cleanUp);

  it("keeps what each node runs with beside it, where it runs", async () => {
    await up(lab.fake, undefined, inputs("v1"));
    const local = fs.readdirSync(lab.dir);
    if (shape === "ssh") {
      expect(local).toEqual([]);
      expect([...lab.fake.remote.keys()].filter((k) => k.endsWith("running.json")).sort()).toEqual(
        [1, 2, 3, 4, 5].map((id) => `m${id}:${path.join(lab.dir, `node-${id}`, "running.json")}`),
      );
    } else expect(local.sort()).toEqual(["node-1", "node-2", "node-3", "node-4", "node-5"]);
  });

  it("reads a node whose process is gone as not running: no ref, no release", async () => {
    const lab5 = inputs("v1");
    const created = await up(lab.fake, undefined, lab5);
    const [, , , four] = lab5.nodes;
    expect(await readRunning(lab.fake, four)).toMatchObject({ ref: created.running["4"], configHash: "v1", version: "4.3.1", alive: true });
    await lab.fake.stop({ id: 4 } as NodeRef);
    expect(await readRunning(lab.fake, four)).toMatchObject({ ref: created.running["4"], alive: false });
    expect(await refOf(lab.fake, four)).toBe("");
    const now = await runningOf(lab.fake, lab5.nodes);
    expect(now.running).toEqual({ ...created.running, 4: "" });
    expect(now.versions).toEqual({ 1: "4.3.1", 2: "4.3.1", 3: "4.3.1", 4: "", 5: "4.3.1" });
  });
});
