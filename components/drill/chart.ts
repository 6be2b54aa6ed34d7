// A drill's timeline as a chart: acknowledged records per second and ack latency (median and max per
// quarter second), with the fault and the recovery marked. The Vega-Lite spec is pure; Vega renders it
// to SVG in Node.
import type { Ack } from "./measure";

/** A moment to mark on the timeline (ms since the epoch). */
export interface Mark {
  at: number;
  label: string;
}

const BIN_MS = 250;

/** The points of the chart, in seconds since `startedAt`. */
export function timelineData(acks: Ack[], startedAt: number) {
  const perSecond = new Map<number, number>();
  const latencies = new Map<number, number[]>();
  for (const a of acks) {
    const second = Math.floor((a.sentAt + a.latencyMs - startedAt) / 1_000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    const bin = Math.floor((a.sentAt - startedAt) / BIN_MS);
    const list = latencies.get(bin) ?? [];
    list.push(a.latencyMs);
    latencies.set(bin, list);
  }
  const last = Math.max(0, ...perSecond.keys());
  // Seconds with no ack at all are part of the story: 0, not a gap in the line.
  const rate = Array.from({ length: last + 1 }, (_, s) => ({ t: s, acked: perSecond.get(s) ?? 0 }));
  const latency = [...latencies]
    .sort(([a], [b]) => a - b)
    .flatMap(([bin, values]) => {
      const sorted = values.sort((x, y) => x - y);
      const t = (bin * BIN_MS) / 1_000;
      // Floored at 0.1 ms: the scale is logarithmic.
      return [
        { t, ms: Math.max(0.1, sorted[Math.floor(sorted.length / 2)]), series: "median" },
        { t, ms: Math.max(0.1, sorted[sorted.length - 1]), series: "max" },
      ];
    });
  return { rate, latency };
}

/** The Vega-Lite spec of a drill's timeline. */
export function timelineSpec(title: string, acks: Ack[], startedAt: number, endAt: number, marks: Mark[]): Record<string, unknown> {
  const { rate, latency } = timelineData(acks, startedAt);
  // Labels on three rows, so that marks close in time stay readable.
  const rules = [...marks].sort((a, b) => a.at - b.at).map((m, i) => ({ t: (m.at - startedAt) / 1_000, label: m.label, row: (i % 3) * 12 }));
  const x = {
    field: "t",
    type: "quantitative",
    title: "seconds since the load started",
    scale: { domain: [0, Math.ceil((endAt - startedAt) / 1_000)], nice: false },
  };
  const marked = [
    { data: { values: rules }, mark: { type: "rule", color: "#c0392b", strokeDash: [4, 3] }, encoding: { x } },
    {
      data: { values: rules },
      mark: { type: "text", align: "left", baseline: "top", dx: 3, dy: 2, angle: 0, color: "#c0392b", fontSize: 10 },
      encoding: { x, y: { field: "row", type: "quantitative", scale: null }, text: { field: "label" } },
    },
  ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    background: "white",
    resolve: { scale: { x: "shared" } },
    vconcat: [
      {
        width: 720,
        height: 150,
        layer: [
          {
            data: { values: rate },
            mark: { type: "area", interpolate: "step-after", color: "#2e86c1", opacity: 0.8 },
            encoding: { x, y: { field: "acked", type: "quantitative", title: "acked records / s" } },
          },
          ...marked,
        ],
      },
      {
        width: 720,
        height: 150,
        layer: [
          {
            data: { values: latency },
            mark: { type: "line", strokeWidth: 1.2 },
            encoding: {
              x,
              y: { field: "ms", type: "quantitative", title: "ack latency (ms)", scale: { type: "log" } },
              color: { field: "series", type: "nominal", title: "per 250 ms", scale: { range: ["#239b56", "#884ea0"] } },
            },
          },
          ...marked,
        ],
      },
    ],
  };
}

/** The SVG of a Vega-Lite spec (Vega is an ES module with top-level await: imported, not required). */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
