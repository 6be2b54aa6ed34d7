import { describe, expect, it } from "vitest";
import { CERTIFICATE_EXPIRY } from "./alerts";
import { consoleFiles, consolePage, consolesUrl, renderConsole, renderOverview } from "./consoles";
import { type Dashboard, dashboards } from "./dashboards";

const boards = dashboards({ certificates: true });
const files = consoleFiles(boards, "dev");
const board = (title: string) => boards.find((b) => b.title === title) as Dashboard;
const page = (title: string) => files[`consoles/${consolePage(board(title))}`];

/** Prometheus' template actions that open a block, and the `{{ end }}`s that close them. */
const blocks = (text: string) => ({
  opened: (text.match(/\{\{-? (range|if|with|define)\b/g) ?? []).length,
  closed: (text.match(/\{\{-? end -?\}\}/g) ?? []).length,
});

describe("Prometheus consoles", () => {
  it("are one page per dashboard, an overview and kraftlab's library, where Prometheus is told to look", () => {
    expect(Object.keys(files)).toEqual([
      "console_libraries/kraftlab.lib",
      "consoles/index.html",
      "consoles/health.html",
      "consoles/throughput.html",
      "consoles/latency.html",
      "consoles/quorum.html",
      "consoles/jvm.html",
      "consoles/certificates.html",
    ]);
    expect(consolesUrl("http://127.0.0.1:9090")).toBe("http://127.0.0.1:9090/consoles/index.html");
    expect(Object.keys(consoleFiles(dashboards({ certificates: false }), "dev"))).not.toContain("consoles/certificates.html");
  });

  it("ask every query of their dashboard: stat panels when Prometheus serves the page, graphs from the browser", () => {
    for (const b of boards) {
      const text = page(b.title);
      for (const panel of b.panels) {
        for (const { expr } of panel.queries) {
          if (panel.kind === "stat") expect(text, `${b.title} / ${panel.title}`).toContain(`{{ range query \`${expr}\``);
          else expect(text, `${b.title} / ${panel.title}`).toContain(JSON.stringify(expr).replace(/</g, "\\u003c"));
        }
      }
      expect((text.match(/new PromConsole\.Graph\(/g) ?? []).length).toBe(b.panels.filter((p) => p.kind === "timeseries").length);
    }
  });

  it("show each stat value formatted for its unit, linked to the expression browser, and say when there is none", () => {
    expect(page("Cluster health")).toContain(
      '<div class="card-header py-1" title="Nodes whose exporter answers">Nodes up</div>\n' +
        '<div class="card-body">{{ range query `sum(up{job="kafka"})` }}<div class="kraftlab-value">' +
        '<a href="{{ pathPrefix }}{{ graphLink `sum(up{job="kafka"})` }}">{{ .Value | humanize }}</a></div>' +
        '{{ else }}<div class="kraftlab-value kraftlab-nodata">no data</div>{{ end }}</div>',
    );
    // One value per certificate, by name, as a duration.
    expect(page("Certificates")).toContain(
      `{{ range query \`${CERTIFICATE_EXPIRY} - time()\` | sortByLabel "certificate" }}<div class="kraftlab-value kraftlab-series">` +
        '<span class="kraftlab-label">{{ .Labels.certificate }}</span>' +
        `<a href="{{ pathPrefix }}{{ graphLink \`${CERTIFICATE_EXPIRY} - time()\` }}">{{ .Value | humanizeDuration }}</a></div>`,
    );
  });

  it("draw graphs with the dashboards' legends, axes in the panel's unit, from zero", () => {
    const throughput = page("Throughput");
    expect(throughput).toContain(
      [
        "new PromConsole.Graph({",
        '  node: document.getElementById("graph-1"),',
        '  expr: ["sum by (node) (rate(kafka_server_all_topics_bytes_in_total[1m]))"],',
        '  name: ["node [[node]]"],',
        "  min: 0,",
        '  yUnits: "B/s",',
        '  yAxisFormatter: kraftlabFormat("humanize1024"),',
        '  yHoverFormatter: kraftlabFormat("humanize1024"),',
        "});",
      ].join("\n"),
    );
    expect(page("KRaft quorum")).toContain('name: ["node [[node]] [[state]]"]');
    // A fraction shows as a percentage, a count without milli prefixes.
    expect(page("Request latency")).toContain('yUnits: "%",\n  yAxisFormatter: kraftlabFormat("humanizeNoSmallPrefix", 100),');
    expect(page("Cluster health")).toContain('yAxisFormatter: kraftlabFormat("humanizeNoSmallPrefix"),');
  });

  it("share kraftlab's head, a bar linking every console and Prometheus' own pages, and a time control where there are graphs", () => {
    for (const [file, text] of Object.entries(files).filter(([f]) => f.startsWith("consoles/"))) {
      expect(text.startsWith('{{ template "kraftlab_head" `'), file).toBe(true);
      expect(text.trimEnd().endsWith('{{ template "kraftlab_tail" }}'), file).toBe(true);
      for (const b of boards) expect(text, file).toContain(`<a class="nav-link" href="${consolePage(b)}">${b.title}</a>`);
      expect(text, file).toContain('href="{{ pathPrefix }}/classic/graph">Expression browser</a>');
      expect(text.match(/<li class="nav-item active">/g) ?? [], file).toHaveLength(file === "consoles/index.html" ? 0 : 1);
      expect(blocks(text).opened, file).toBe(blocks(text).closed);
    }
    expect(page("Cluster health")).toContain('{{ template "kraftlab_head" `Cluster health · kraftlab dev` }}');
    expect(page("Throughput")).toContain('{{ template "kraftlab_timecontrol" }}');
    expect(page("Certificates")).not.toContain("kraftlab_timecontrol");
    const library = files["console_libraries/kraftlab.lib"];
    for (const name of ["kraftlab_head", "kraftlab_timecontrol", "kraftlab_tail"]) expect(library).toContain(`{{ define "${name}" }}`);
    expect(library).toContain("function kraftlabFormat(format, scale)");
    expect(blocks(library).opened).toBe(blocks(library).closed);
  });

  it("give an overview with every dashboard's stat values and the names of its graphs", () => {
    const overview = files["consoles/index.html"];
    for (const b of boards) expect(overview).toContain(`<h2 class="h5 mt-3"><a href="${consolePage(b)}">${b.title}</a></h2>`);
    expect(overview).toContain("{{ range query `max(kafka_raft_current_leader)` }}");
    expect(overview).toContain('<p class="text-muted">Graphs: Heap used, Heap max, GC time, GC runs per second, Resident memory</p>');
    expect(overview).not.toContain("PromConsole.Graph");
    expect(renderOverview(boards, "dev")).toBe(overview);
  });

  it("escape what would end a script or open a template action, and refuse what cannot be escaped", () => {
    const odd = (title: string, expr: string, legend?: string): Dashboard => ({
      uid: "kraftlab-odd",
      title,
      panels: [{ title: "p", kind: "timeseries", unit: "short", description: "a < b & c", queries: [{ expr, legend }] }],
    });
    const text = renderConsole(odd("Odd", 'x{a="</script>{{"}', "{{a}} & b"), boards, "dev");
    expect(text).toContain('expr: ["x{a=\\"\\u003c/script>{\\u007b\\"}"]');
    expect(text).toContain('name: ["[[a]] & b"]');
    expect(text).toContain("a &lt; b &amp; c");
    expect(() => renderConsole(odd("{{ evil }}", "up"), boards, "dev")).toThrow(/may not contain "\{\{"/);
    const stat = odd("Odd", "up`", undefined);
    stat.panels[0].kind = "stat";
    expect(() => renderConsole(stat, boards, "dev")).toThrow(/backtick/);
  });
});
