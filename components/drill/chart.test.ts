import { describe, expect, it } from "vitest";
import { renderSvg, timelineData, timelineSpec } from "./chart";

const acks = [
  { seq: 0, partition: 0, sentAt: 1_000, latencyMs: 4 },
  { seq: 1, partition: 1, sentAt: 1_100, latencyMs: 6 },
  { seq: 2, partition: 0, sentAt: 3_500, latencyMs: 2_000 },
];

describe("timelineData", () => {
  it("acks per second (0 in a second without any) and latency per quarter second", () => {
    const { rate, latency } = timelineData(acks, 1_000);
    expect(rate).toEqual([
      { t: 0, acked: 2 },
      { t: 1, acked: 0 },
      { t: 2, acked: 0 },
      { t: 3, acked: 0 },
      { t: 4, acked: 1 },
    ]);
    expect(latency).toContainEqual({ t: 0, ms: 6, series: "max" });
    expect(latency).toContainEqual({ t: 2.5, ms: 2_000, series: "median" });
  });
});

describe("timelineSpec and renderSvg", () => {
  it("renders the timeline with its marks as SVG", async () => {
    const spec = timelineSpec("kill-broker", acks, 1_000, 6_000, [{ at: 2_000, label: "node 3 killed" }]);
    const svg = await renderSvg(spec);
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain("node 3 killed");
    expect(svg).toContain("acked records / s");
  });
});
