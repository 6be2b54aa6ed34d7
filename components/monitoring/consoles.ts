// kraftlab's dashboards as Prometheus consoles, for a person with no Grafana: pages that Prometheus
// renders itself under /consoles/, one per dashboard of dashboards.ts with the same queries (a stat
// panel's values rendered by Prometheus, a graph drawn in the browser by prom_console.js), and an
// overview linking them. They use kraftlab's console library, templates/consoles/kraftlab.lib.
import { templateText } from "../host/templates";
import { CONSOLE_LIBRARIES_DIR, CONSOLES_DIR } from "../model/monitoringPlan";
import type { Dashboard, Panel, Unit } from "./dashboards";

const OVERVIEW = "index.html";

/** Where a person starts: the overview console. */
export const consolesUrl = (prometheusUrl: string) => `${prometheusUrl}/${CONSOLES_DIR}/${OVERVIEW}`;

/** A dashboard's console page, under /consoles/: `health.html` for `kraftlab-health`. */
export const consolePage = (board: Pick<Dashboard, "uid">) => `${board.uid.replace(/^kraftlab-/, "")}.html`;

/**
 * How a unit shows: a stat value through Prometheus' template functions; a graph's axis and hover
 * through kraftlabFormat (kraftlab.lib), one of prom_console.js' number formats and a scale.
 */
const FORMATS: Record<Unit, { value: string; suffix: string; axis: string; yUnits: string }> = {
  short: { value: "humanize", suffix: "", axis: 'kraftlabFormat("humanizeNoSmallPrefix")', yUnits: "" },
  bytes: { value: "humanize1024", suffix: "B", axis: 'kraftlabFormat("humanize1024")', yUnits: "B" },
  Bps: { value: "humanize1024", suffix: "B/s", axis: 'kraftlabFormat("humanize1024")', yUnits: "B/s" },
  ms: { value: "humanize", suffix: " ms", axis: 'kraftlabFormat("humanizeNoSmallPrefix")', yUnits: "ms" },
  percentunit: { value: "humanizePercentage", suffix: "", axis: 'kraftlabFormat("humanizeNoSmallPrefix", 100)', yUnits: "%" },
  dtdurations: { value: "humanizeDuration", suffix: "", axis: 'kraftlabFormat("humanizeNoSmallPrefix")', yUnits: "s" },
};

/** Text in HTML (Prometheus parses the page as a template: `{{` would open an action). */
function html(text: string): string {
  if (text.includes("{{")) throw new Error(`console text may not contain "{{": ${text}`);
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A string in a template action, raw (PromQL keeps its quotes and backslashes). */
function actionString(text: string): string {
  if (text.includes("`")) throw new Error(`a console query may not contain a backtick: ${text}`);
  return `\`${text}\``;
}

/** A string in a script: JSON, with `<` and `{{` escaped so that it can neither close the script nor open an action. */
const jsString = (text: string) => JSON.stringify(text).replace(/</g, "\\u003c").replace(/\{\{/g, "{\\u007b");

/** A Grafana legend (`node {{node}} {{state}}`) as literal text and label names. */
function legendParts(legend: string): ({ text: string } | { label: string })[] {
  return legend
    .split(/(\{\{\s*\w+\s*\}\})/)
    .filter((part) => part !== "")
    .map((part) => {
      const label = /^\{\{\s*(\w+)\s*\}\}$/.exec(part)?.[1];
      return label ? { label } : { text: part };
    });
}

/** One value per series, rendered by Prometheus when the page is served, each linked to the expression browser. */
function statCard(panel: Panel): string {
  const format = FORMATS[panel.unit];
  const values = panel.queries.map(({ expr, legend }) => {
    const parts = legend ? legendParts(legend) : [];
    const firstLabel = parts.find((p) => "label" in p);
    const sorted = firstLabel && "label" in firstLabel ? ` | sortByLabel "${firstLabel.label}"` : "";
    const label = parts.map((p) => ("label" in p ? `{{ .Labels.${p.label} }}` : html(p.text))).join("");
    return (
      `{{ range query ${actionString(expr)}${sorted} }}` +
      `<div class="kraftlab-value${label ? " kraftlab-series" : ""}">` +
      (label ? `<span class="kraftlab-label">${label}</span>` : "") +
      `<a href="{{ pathPrefix }}{{ graphLink ${actionString(expr)} }}">{{ .Value | ${format.value} }}${html(format.suffix)}</a></div>` +
      `{{ else }}<div class="kraftlab-value kraftlab-nodata">no data</div>{{ end }}`
    );
  });
  return [
    `<div class="col-sm-6 col-lg-3 mb-3"><div class="card kraftlab-stat h-100">`,
    `<div class="card-header py-1" title="${html(panel.description)}">${html(panel.title)}</div>`,
    `<div class="card-body">${values.join("")}</div>`,
    `</div></div>`,
  ].join("\n");
}

/** A graph that prom_console.js draws from the range queries it sends from the browser. */
function graphCard(panel: Panel, id: string): string {
  const format = FORMATS[panel.unit];
  const { queries } = panel;
  const names = queries.every((q) => q.legend)
    ? `[${queries
        .map((q) =>
          jsString(
            legendParts(q.legend as string)
              .map((p) => ("label" in p ? `[[${p.label}]]` : p.text))
              .join(""),
          ),
        )
        .join(", ")}]`
    : "null";
  return [
    `<div class="col-xl-6 mb-3"><div class="card kraftlab-graph h-100">`,
    `<div class="card-header py-1">${html(panel.title)} <small class="text-muted">${html(panel.description)}</small></div>`,
    `<div class="card-body p-2"><div id="${id}"></div></div>`,
    `<script>`,
    `new PromConsole.Graph({`,
    `  node: document.getElementById(${jsString(id)}),`,
    `  expr: [${queries.map((q) => jsString(q.expr)).join(", ")}],`,
    `  name: ${names},`,
    `  min: 0,`,
    `  yUnits: ${jsString(format.yUnits)},`,
    `  yAxisFormatter: ${format.axis},`,
    `  yHoverFormatter: ${format.axis},`,
    `});`,
    `</script>`,
    `</div></div>`,
  ].join("\n");
}

/** The bar on top of every page: the consoles, then Prometheus' own pages. */
function navbar(boards: Dashboard[], lab: string, current: string): string {
  const item = (href: string, title: string) =>
    `<li class="nav-item${href === current ? " active" : ""}"><a class="nav-link" href="${href}">${html(title)}</a></li>`;
  return [
    `<nav class="navbar navbar-expand navbar-dark bg-dark fixed-top">`,
    `<a class="navbar-brand" href="${OVERVIEW}">kraftlab <small>${html(lab)}</small></a>`,
    `<ul class="navbar-nav mr-auto">`,
    ...boards.map((b) => item(consolePage(b), b.title)),
    `</ul>`,
    `<ul class="navbar-nav">`,
    `<li class="nav-item"><a class="nav-link" href="{{ pathPrefix }}/classic/graph">Expression browser</a></li>`,
    `<li class="nav-item"><a class="nav-link" href="{{ pathPrefix }}/classic/alerts">Alerts</a></li>`,
    `<li class="nav-item"><a class="nav-link" href="{{ pathPrefix }}/classic/targets">Targets</a></li>`,
    `</ul>`,
    `</nav>`,
  ].join("\n");
}

const page = (title: string, lab: string, nav: string, body: string[]) =>
  [
    `{{ template "kraftlab_head" ${actionString(`${title} · kraftlab ${lab}`)} }}`,
    nav,
    `<main class="container-fluid">`,
    ...body,
    `</main>`,
    `{{ template "kraftlab_tail" }}`,
    "",
  ].join("\n");

/** A dashboard's console: its stat panels in a row of cards, then its graphs two by two, with a time control. */
export function renderConsole(board: Dashboard, boards: Dashboard[], lab: string): string {
  const stats = board.panels.filter((p) => p.kind === "stat");
  const graphs = board.panels.filter((p) => p.kind === "timeseries");
  return page(board.title, lab, navbar(boards, lab, consolePage(board)), [
    `<div class="d-flex flex-wrap align-items-center justify-content-between mb-2">`,
    `<h1 class="h3 mb-2">${html(board.title)}</h1>`,
    graphs.length > 0 ? `{{ template "kraftlab_timecontrol" }}` : "",
    `</div>`,
    `<div class="row">`,
    ...stats.map(statCard),
    `</div>`,
    `<div class="row">`,
    ...graphs.map((panel, i) => graphCard(panel, `graph-${i + 1}`)),
    `</div>`,
  ]);
}

/** The overview: every console, with its stat panels' values. */
export function renderOverview(boards: Dashboard[], lab: string): string {
  const section = (board: Dashboard) => {
    const stats = board.panels.filter((p) => p.kind === "stat");
    const graphs = board.panels.filter((p) => p.kind === "timeseries");
    return [
      `<h2 class="h5 mt-3"><a href="${consolePage(board)}">${html(board.title)}</a></h2>`,
      stats.length > 0 ? [`<div class="row">`, ...stats.map(statCard), `</div>`].join("\n") : "",
      graphs.length > 0 ? `<p class="text-muted">Graphs: ${graphs.map((g) => html(g.title)).join(", ")}</p>` : "",
    ].join("\n");
  };
  return page("Overview", lab, navbar(boards, lab, OVERVIEW), [`<h1 class="h3 mb-2">Lab ${html(lab)}</h1>`, ...boards.map(section)]);
}

/** Every file of the consoles, by path under Prometheus' directory. */
export function consoleFiles(boards: Dashboard[], lab: string): Record<string, string> {
  return {
    [`${CONSOLE_LIBRARIES_DIR}/kraftlab.lib`]: templateText("consoles/kraftlab.lib"),
    [`${CONSOLES_DIR}/${OVERVIEW}`]: renderOverview(boards, lab),
    ...Object.fromEntries(boards.map((b) => [`${CONSOLES_DIR}/${consolePage(b)}`, renderConsole(b, boards, lab)])),
  };
}
