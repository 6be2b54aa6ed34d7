// A drill's report: each figure beside the value the lab's settings lead to expect, over one run or
// the spread of several (min, median, max), as a terminal table and as Markdown. Pure.
import type { Expectation, Expected, FailoverSettings } from "./expected";
import { SETTING_KEYS } from "./expected";
import type { Latency, Measures } from "./measure";
import { DRILLS, type Scenario } from "./scenarios";

/** One run of a drill: what it measured, what was expected, and what recovering took. */
export interface DrillRun {
  measures: Measures;
  expected: Expected;
  /** The `up` that brought the struck node back, when one was needed: what it said it did. */
  up?: string[];
  /** The recording's chart, a file name beside the report. */
  chart?: string;
  /** The nodes it struck (each run picks afresh: the leader may have moved). */
  struck: { id: number; roles: string[] }[];
}

export interface DrillReport {
  scenario: Scenario;
  lab: string;
  runtime: string;
  settings: FailoverSettings;
  /** What the reader should know of how it was measured. */
  notes: string[];
  runs: DrillRun[];
}

/** A duration for people: `840 ms`, `2.31 s`; `—` when not measured. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return "—";
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(2)} s`;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** One value, or the spread `min / median / max` of several; `—` for a run that did not measure it. */
function spread(values: (number | undefined)[], show: (v: number) => string): string {
  if (values.length === 1 || values.some((v) => v === undefined)) return values.map((v) => (v === undefined ? "—" : show(v))).join(", ");
  const known = values as number[];
  return `${show(Math.min(...known))} / ${show(median(known))} / ${show(Math.max(...known))}`;
}

export interface Row {
  figure: string;
  measured: string;
  expected: string;
  /** Why that is expected: the settings it follows from, in words. */
  because?: string;
  /** `ok`, `outside` (a run fell outside the expected range), or "" when nothing is expected. */
  verdict: string;
}

function timed(figure: string, values: (number | undefined)[], expectation: Expectation | undefined): Row {
  if (!expectation) return { figure, measured: spread(values, duration), expected: "", verdict: "" };
  const [low, high] = expectation.range;
  const outside = values.some((v) => v === undefined || v < low || v > high);
  const range = low === high ? duration(low) : `${duration(low)} – ${duration(high)}`;
  return { figure, measured: spread(values, duration), expected: range, because: expectation.because, verdict: outside ? "outside" : "ok" };
}

const latencyText = (l: Latency[]) =>
  `${spread(
    l.map((x) => x.p50),
    duration,
  )} · ${spread(
    l.map((x) => x.p99),
    duration,
  )} · ${spread(
    l.map((x) => x.max),
    duration,
  )}`;

/** Where a recovery by `up` spent its time, step by step: kraftlab's own, then Kafka's; none without an `up`. */
function backRows(report: DrillReport, struckRun: string): Row[] {
  const back = report.runs.map((r) => r.measures.back);
  if (back.every((b) => b === undefined)) return [];
  const { ready, caughtUp } = report.runs[0].expected;
  return [
    timed(
      `· \`up\` until ${struckRun} again (kraftlab)`,
      back.map((b) => b?.upToRunsMs),
      undefined,
    ),
    timed(
      "· then until ready (Kafka's start)",
      back.map((b) => b?.runsToReadyMs),
      ready,
    ),
    timed(
      "· then until fully replicated",
      back.map((b) => b?.readyToReplicatedMs),
      caughtUp,
    ),
  ];
}

export function reportRows(report: DrillReport): Row[] {
  const m = report.runs.map((r) => r.measures);
  const count = (pick: (x: Measures) => number) => spread(m.map(pick), String);
  const ids = new Set(report.runs.map((r) => r.struck.map((n) => n.id).join(",")));
  const single = report.runs.every((r) => r.struck.length === 1);
  const [who, leads, runs] = !single ? ["the struck nodes", "lead", "run"] : [ids.size === 1 ? `node ${[...ids][0]}` : "the struck node", "leads", "runs"];
  const lost = m.some((x) => x.lost.length > 0 || x.duplicated.length > 0 || x.errors.length > 0);
  return [
    timed(
      "quorum without a leader",
      m.map((x) => x.leaderlessMs),
      report.runs[0].expected.leaderless,
    ),
    timed(
      `${who} still ${leads} partitions`,
      m.map((x) => x.victimLeadsMs),
      report.runs[0].expected.victimLeads,
    ),
    timed(
      "until every partition is fully replicated",
      m.map((x) => x.fullyReplicatedMs),
      undefined,
    ),
    ...backRows(report, `${who} ${runs}`),
    timed(
      "longest gap between acks (all partitions)",
      m.map((x) => x.longestAckGapMs),
      undefined,
    ),
    {
      figure: "longest gap between acks (one partition)",
      measured: spread(
        m.map((x) => x.longestPartitionGap.ms),
        duration,
      ),
      expected: "",
      verdict: "",
    },
    { figure: "ack latency p50 · p99 · max, before", measured: latencyText(m.map((x) => x.latency.before)), expected: "", verdict: "" },
    { figure: "… during (fault to whole again)", measured: latencyText(m.map((x) => x.latency.during)), expected: "", verdict: "" },
    { figure: "… after", measured: latencyText(m.map((x) => x.latency.after)), expected: "", verdict: "" },
    {
      figure: "records sent · acked · consumed",
      measured: `${count((x) => x.sent)} · ${count((x) => x.acked)} · ${count((x) => x.consumed)}`,
      expected: "",
      verdict: "",
    },
    {
      figure: "lost · duplicated · failed sends",
      measured: `${count((x) => x.lost.length)} · ${count((x) => x.duplicated.length)} · ${count((x) => x.errors.length)}`,
      expected: "0 · 0 · 0",
      verdict: lost ? "FAILED" : "ok",
    },
    {
      figure: "recovery",
      measured: report.runs.some((r) => r.up)
        ? `\`up\`${report.runs.length > 1 ? " after each run (run 1's)" : ""}: ${report.runs.find((r) => r.up)?.up?.join("; ") || "nothing to do"}`
        : "by itself, no `up`",
      expected: "",
      verdict: "",
    },
  ];
}

/** Whether the drill failed: a record lost or duplicated, or a send given up. */
export const drillFailed = (report: DrillReport) =>
  report.runs.some((r) => r.measures.lost.length > 0 || r.measures.duplicated.length > 0 || r.measures.errors.length > 0);

function headingOf(report: DrillReport): string[] {
  const named = (struck: DrillRun["struck"]) => struck.map((v) => `node ${v.id} (${v.roles.join(" + ")})`).join(", ");
  const each = [...new Set(report.runs.map((r) => named(r.struck)))];
  const victims = each.join(", then ");
  const combined = report.scenario !== "restart-all" ? report.runs.flatMap((r) => r.struck).find((v) => v.roles.length > 1) : undefined;
  const runs = report.runs.length > 1 ? `, ${report.runs.length} runs (min / median / max)` : "";
  return [
    `drill ${report.scenario} on lab ${report.lab} (${report.runtime}${runs}): ${DRILLS[report.scenario].text}: ${victims}`,
    ...(combined ? [`node ${combined.id} is a combined node: the fault strikes a voter and a broker at once`] : []),
    ...report.notes,
    `settings: ${Object.entries(SETTING_KEYS)
      .map(([field, key]) => `${key}=${report.settings[field as keyof FailoverSettings]}`)
      .join(", ")}`,
  ];
}

/** The widest line of the terminal table. */
export const TABLE_WIDTH = 120;

/** `text` in lines of at most `width`, broken at spaces (a longer word is cut): the first begins with `first`, the others with `rest`. */
export function wrap(text: string, width: number, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let fresh = true;
  for (let word of text.split(" ")) {
    if (!fresh && line.length + 1 + word.length > width) {
      lines.push(line.trimEnd());
      [line, fresh] = [rest, true];
    }
    if (fresh && word === "") continue;
    for (let room = Math.max(1, width - line.length); fresh && word.length > room; room = Math.max(1, width - line.length)) {
      lines.push(line + word.slice(0, room));
      [line, word] = [rest, word.slice(room)];
    }
    line += fresh ? word : ` ${word}`;
    fresh = false;
  }
  return [...lines, line.trimEnd()];
}

/** A row of the table: its expectation's reasons stand under it as a note, `[n]` here. */
type TextRow = Row & { note?: number };

/** A row as a line of the table, its columns `widths` wide (the measured one only where a verdict or an expectation follows). */
function tableLine(r: TextRow, widths: { figure: number; measured: number }): string {
  const measured = r.verdict || r.expected ? r.measured.padEnd(widths.measured) : r.measured;
  const expected = r.note ? `${r.expected} [${r.note}]` : r.expected;
  return `  ${r.figure.padEnd(widths.figure)}  ${measured}  ${r.verdict ? `${r.verdict.padEnd(7)} ` : ""}${expected}`.trimEnd();
}

const widthsOf = (rows: Row[]) => ({
  figure: Math.max(0, ...rows.map((r) => r.figure.length)),
  measured: Math.max(0, ...rows.filter((r) => r.verdict || r.expected).map((r) => r.measured.length)),
});

/**
 * The report as a terminal table, no line wider than TABLE_WIDTH: each expectation's reasons are a note
 * under the table, and a row still wider (a long recovery) is left out of the table, widest first, and
 * written whole under it, wrapped.
 */
export function reportText(report: DrillReport): string {
  let notes = 0;
  const rows: TextRow[] = reportRows(report).map((r) => (r.because ? { ...r, note: ++notes } : r));
  let table = rows;
  for (let w = widthsOf(table); table.some((r) => tableLine(r, w).length > TABLE_WIDTH); w = widthsOf(table)) {
    const width = (r: TextRow) => tableLine(r, w).length;
    const widest = table.reduce((a, b) => (width(b) > width(a) ? b : a));
    table = table.filter((r) => r !== widest);
  }
  const below = rows
    .filter((r) => !table.includes(r))
    .flatMap((r) => wrap([r.figure, r.measured, r.verdict, r.expected].filter(Boolean).join("  "), TABLE_WIDTH, "  ", "      "));
  const reasons = rows.flatMap((r) => (r.note ? wrap(r.because ?? "", TABLE_WIDTH, `  [${r.note}] `, "      ") : []));
  const widths = widthsOf(table);
  // The title stays whole, to be found with the nodes it names; the settings wrap.
  const [title, ...heading] = headingOf(report);
  return `${[
    title,
    ...heading.flatMap((line) => wrap(line, TABLE_WIDTH, "", "  ")),
    "",
    ...table.map((r) => tableLine(r, widths)),
    ...(below.length > 0 ? ["", ...below] : []),
    ...(reasons.length > 0 ? ["", ...reasons] : []),
  ].join("\n")}\n`;
}

/** The report as Markdown: the same table, then each run's chart. */
export function reportMarkdown(report: DrillReport): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const expected = (r: Row) => (r.because ? `${r.expected} (${r.because})` : r.expected);
  const rows = reportRows(report).map((r) => `| ${cell(r.figure)} | ${cell(r.measured)} | ${cell(expected(r))} | ${r.verdict} |`);
  const charts = report.runs.flatMap((r, i) => (r.chart ? [`![run ${i + 1}: acks per second and ack latency](${r.chart})`] : []));
  const [title, ...notes] = headingOf(report);
  return `${[`# ${title}`, "", ...notes.map((n) => `${n}  `), "", "| figure | measured | expected | |", "|---|---|---|---|", ...rows, "", ...charts].join("\n")}\n`;
}
