import { describe, expect, it } from "vitest";
import { waitUntil } from "./wait";

describe("waitUntil", () => {
  it("polls until nothing is left, with no warning however many times it asks", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    try {
      let asked = 0;
      await waitUntil("in a test", 10_000, async () => (++asked < 14 ? ["more"] : []));
      await new Promise((resolve) => setImmediate(resolve));
      expect(asked).toBe(14);
      expect(warnings).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  }, 15_000);

  it("says what it still waited for when time is up", async () => {
    await expect(waitUntil("before restarting node 2", 300, async () => ["1 under-replicated partition(s) (orders-0)"])).rejects.toThrow(
      "before restarting node 2: still waiting after 0 s for 1 under-replicated partition(s) (orders-0)",
    );
  });
});
