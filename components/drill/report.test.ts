import { describe, expect, it } from "vitest";
import { KAFKA_DEFAULTS } from "./expected";
import type { Measures } from "./measure";
import { type DrillReport, drillFailed, duration, reportMarkdown, reportRows, reportText, TABLE_WIDTH, wrap } from "./report";
import { expectedFor } from "./scenarios";

const measures = (over: Partial<Measures> = {}): Measures => ({
  leaderlessMs: 2_210,
  victimLeadsMs: 11_030,
  fullyReplicatedMs: 25_440,
  longestAckGapMs: 10_980,
  longestPartitionGap: { ms: 11_250, partition: 4 },
  latency: {
    before: { count: 900, p50: 10, p99: 357, max: 404 },
    during: { count: 5_000, p50: 104, p99: 10_870, max: 11_180 },
    after: { count: 900, p50: 4, p99: 364, max: 401 },
  },
  sent: 7_862,
  acked: 7_862,
  consumed: 7_862,
  lost: [],
  duplicated: [],
  errors: [],
  complete: true,
  ...over,
});

const report = (runs: Measures[]): DrillReport => ({
  scenario: "kill-controller",
  lab: "dev",
  runtime: "processes",
  settings: KAFKA_DEFAULTS,
  notes: [],
  runs: runs.map((m) => ({
    measures: m,
    expected: { leaderless: { range: [2_000, 4_000], because: "the fetch timeout" }, victimLeads: { range: [9_000, 14_500], because: "fenced" } },
    up: ["node 2: not running: started again", "1 updated"],
    chart: "kill-controller-run1.svg",
    struck: [{ id: 2, roles: ["broker", "controller"] }],
  })),
});

describe("duration", () => {
  it("ms below a second, seconds above", () => {
    expect([duration(840), duration(2_310), duration(undefined)]).toEqual(["840 ms", "2.31 s", "—"]);
  });
});

describe("reportRows", () => {
  it("puts each figure beside what the settings lead to expect", () => {
    const rows = reportRows(report([measures()]));
    expect(rows[0]).toEqual({
      figure: "quorum without a leader",
      measured: "2.21 s",
      expected: "2.00 s – 4.00 s",
      because: "the fetch timeout",
      verdict: "ok",
    });
    expect(rows[1]).toMatchObject({ figure: "node 2 still leads partitions", measured: "11.03 s", verdict: "ok" });
    expect(rows.find((r) => r.figure.startsWith("lost"))).toMatchObject({ measured: "0 · 0 · 0", verdict: "ok" });
    expect(rows.at(-1)?.measured).toBe("`up`: node 2: not running: started again; 1 updated");
  });

  it("a recovery by `up` in steps, kraftlab's apart from Kafka's, each against its expectation", () => {
    const r = report([measures({ back: { upToRunsMs: 14_200, runsToReadyMs: 12_400, readyToReplicatedMs: 800 } })]);
    r.runs[0].expected = expectedFor("kill-broker", ["broker", "controller"], KAFKA_DEFAULTS, { holdMs: 0, leader: false });
    const rows = reportRows(r);
    const at = rows.findIndex((row) => row.figure === "· `up` until node 2 runs again (kraftlab)");
    expect(rows[at - 1].figure).toBe("until every partition is fully replicated");
    expect(rows.slice(at, at + 3).map((row) => [row.measured, row.verdict])).toEqual([
      ["14.20 s", ""],
      ["12.40 s", "ok"],
      ["800 ms", "ok"],
    ]);
    expect(rows[at + 1]).toMatchObject({ expected: "0 ms – 16.00 s", because: expect.stringMatching(/^the JVM's and Kafka's start/) });
    expect(reportRows(report([measures()])).some((row) => row.figure.includes("`up` until"))).toBe(false);
  });

  it("says outside when a run fell outside, and the spread of several runs", () => {
    const rows = reportRows(report([measures(), measures({ leaderlessMs: 5_000 }), measures({ leaderlessMs: 3_000 })]));
    expect(rows[0]).toMatchObject({ measured: "2.21 s / 3.00 s / 5.00 s", verdict: "outside" });
  });

  it("names the node struck in each run when they differ", () => {
    const moved = report([measures(), measures()]);
    moved.runs[1].struck = [{ id: 3, roles: ["broker", "controller"] }];
    expect(reportRows(moved)[1].figure).toBe("the struck node still leads partitions");
    expect(reportText(moved)).toContain("node 2 (broker + controller), then node 3 (broker + controller)");
  });

  it("fails a drill that lost or duplicated a record", () => {
    const failed = report([measures({ lost: [17] })]);
    expect(drillFailed(failed)).toBe(true);
    expect(reportRows(failed).find((r) => r.figure.startsWith("lost"))).toMatchObject({ measured: "1 · 0 · 0", verdict: "FAILED" });
  });
});

describe("reportText and reportMarkdown", () => {
  it("a table with the scenario, the node struck, and the settings", () => {
    const text = reportText(report([measures()]));
    expect(text).toMatch(/^drill kill-controller on lab dev \(processes\): SIGKILL of the active controller: node 2 \(broker \+ controller\)\n/);
    expect(text).toContain("node 2 is a combined node: the fault strikes a voter and a broker at once");
    expect(text).toContain("broker.session.timeout.ms=9000");
    expect(text).toMatch(/\n {2}quorum without a leader +2\.21 s +ok +2\.00 s – 4\.00 s \[1\]\n/);
    expect(text).toMatch(/\n {2}\[1\] the fetch timeout\n {2}\[2\] fenced\n$/);
  });

  it("Markdown: the same rows, and the run's chart", () => {
    const md = reportMarkdown(report([measures()]));
    expect(md).toContain("| quorum without a leader | 2.21 s | 2.00 s – 4.00 s (the fetch timeout) | ok |");
    expect(md).toContain("![run 1: acks per second and ack latency](kill-controller-run1.svg)");
  });
});

describe("reportText's width", () => {
  /** A drill as it runs: the settings' reasons in full, and what a long `up` said. */
  const real = (runs: Measures[]): DrillReport => {
    const r = report(runs);
    for (const run of r.runs) {
      run.expected = expectedFor("kill-controller", ["broker", "controller"], KAFKA_DEFAULTS, { holdMs: 0, leader: true });
      run.up = Array.from({ length: 12 }, (_, i) => `node ${i + 1}: server.properties changed: restarted, its replicas in sync again`);
    }
    return r;
  };
  /** The lines after the heading: the table, and the rows written under it. */
  const table = (text: string) => text.split("\n\n").slice(1).join("\n").split("\n");

  it("keeps every line of the table within TABLE_WIDTH, the rows that would be wider written whole under it", () => {
    for (const runs of [[measures()], [measures(), measures({ leaderlessMs: undefined }), measures({ lost: [3] })]]) {
      const lines = table(reportText(real(runs)));
      expect(lines.length).toBeGreaterThan(11);
      for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(TABLE_WIDTH);
    }
    const text = reportText(real([measures()]));
    expect(text).toMatch(/\n {2}quorum without a leader +2\.21 s +ok +2\.00 s – 5\.50 s \[1\]\n/);
    expect(text).toMatch(/\n {2}\[1\] controller\.quorum\.fetch\.timeout\.ms 2000, then an election/);
    expect(text).toMatch(/\n {2}recovery +`up`: node 1: server\.properties changed/);
    expect(text).toMatch(/\n {2}lost · duplicated · failed sends +0 · 0 · 0 +ok +0 · 0 · 0\n/);
    expect(text).toMatch(/\n {2}records sent · acked · consumed +7862 · 7862 · 7862\n/);
  });

  it("aligns the table's columns on the cells that stay in it", () => {
    const lines = table(reportText(real([measures()])));
    const starts = lines.filter((l) => /^ {2}(until|longest|records|lost)/.test(l)).map((l) => l.search(/\d/));
    expect(new Set(starts).size).toBe(1);
  });
});

describe("wrap", () => {
  it("breaks at spaces, indents what follows, keeps double spaces and cuts a word longer than a line", () => {
    expect(wrap("ab  cd ef gh", 9, "  ", "    ")).toEqual(["  ab  cd", "    ef gh"]);
    expect(wrap("abcdefghijkl", 8, "- ", "  ")).toEqual(["- abcdef", "  ghijkl"]);
  });
});
