// Monitoring on real nodes: every node's exporter answers, the stack's Prometheus scrapes them all
// (a 4th broker too, on the same `up`), every dashboard panel and alert measure has live data while
// clients run, and a browser shows them (the expression browser, the consoles), alerts fire when a
// node stops and clear when `up` brings it back, and destroy leaves nothing of Prometheus.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import pWaitFor from "p-wait-for";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAlive } from "../components/host/daemon";
import { PROJECT_DIR } from "../components/host/projectDir";
import { defaultGrafana, defaultKafkaHome } from "../components/host/tools";
import { alertExpr, alertRules } from "../components/monitoring/alerts";
import { consolePage, consolesUrl } from "../components/monitoring/consoles";
import { dashboards } from "../components/monitoring/dashboards";
import { Browser, findChromium } from "./browser";
import { createTopic, type LabOutputs, TestLab } from "./lab";
import { LoadRun } from "./load";

const PORT = 12092;
const PROMETHEUS = 12090;
const GRAFANA_PORT = 12030;
/** A Grafana server to run (KRAFTLAB_TEST_GRAFANA, or one on PATH); without one, its test is skipped. */
const GRAFANA = process.env.KRAFTLAB_TEST_GRAFANA ?? defaultGrafana();
const ALERT_FOR_SECONDS = 10;
const SCRAPE_SECONDS = 2;
const combined = [1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] }));
const broker4 = { id: 4, roles: ["broker"] };
const TOPIC = "metrics";
/** Screenshots of what the browser showed (git-ignored), kept for a person to look at. */
const SCREENSHOTS = path.join(PROJECT_DIR, "test-artifacts", "monitoring");

interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

async function prometheus<T>(api: string, params: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${PROMETHEUS}/api/v1/${api}?${new URLSearchParams(params)}`);
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== "success") throw new Error(`${api} ${JSON.stringify(params)}: ${body.error}`);
  return body.data;
}
/** What a console shows, read from the page once every graph has drawn or failed. */
const CONSOLE_SHOWN = `(() => {
  const graphs = [...document.querySelectorAll(".kraftlab-graph")];
  if (document.readyState !== "complete" || graphs.some((g) => g.querySelector(".prom_graph_loading"))) return false;
  const header = (card) => card.querySelector(".card-header").firstChild.textContent.trim();
  return {
    title: document.title,
    stats: [...document.querySelectorAll(".kraftlab-stat")].map((s) => [header(s), [...s.querySelectorAll(".kraftlab-value")].map((v) => v.textContent.trim())]),
    graphs: [...graphs].map((g) => [header(g), g.querySelectorAll(".rickshaw_legend li").length, g.querySelector(".prom_graph_error")?.textContent ?? "drawn"]),
  };
})()`;

const query = async (expr: string) => (await prometheus<{ result: Series[] }>("query", { query: expr })).result;
const values = (series: Series[]) => series.map((s) => Number(s.value[1]));

/** Polls `check` every second until it returns true; fails with `what` after `timeoutMs`. */
async function eventually(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  const late = new Error(`still waiting after ${timeoutMs / 1000} s for ${what}`);
  await pWaitFor(() => check().catch(() => false), { interval: 1_000, timeout: { milliseconds: timeoutMs, message: late } });
  return Date.now() - started;
}

const targetsUp = async () => {
  const { activeTargets } = await prometheus<{ activeTargets: { labels: Record<string, string>; health: string }[] }>("targets");
  return activeTargets
    .filter((t) => t.health === "up")
    .map((t) => Number(t.labels.node))
    .sort();
};
const firing = async () => {
  const { alerts } = await prometheus<{ alerts: { labels: Record<string, string>; state: string }[] }>("alerts");
  return alerts.filter((a) => a.state === "firing").map((a) => a.labels.alertname);
};

describe("monitoring", () => {
  let lab: TestLab;
  let outputs: LabOutputs;

  beforeAll(async () => {
    lab = await TestLab.create("monitoring", {
      nodes: combined,
      ports: { external: PORT, internal: PORT + 1, controller: PORT + 2, metrics: PORT + 3 },
      security: { users: { admin: {} } },
      monitoring: {
        prometheusPort: PROMETHEUS,
        scrapeIntervalSeconds: SCRAPE_SECONDS,
        alertForSeconds: ALERT_FOR_SECONDS,
        ...(GRAFANA && { grafana: GRAFANA, grafanaPort: GRAFANA_PORT }),
      },
    });
    ({ outputs } = await lab.up());
    await createTopic(outputs, TOPIC, 3, ["min.insync.replicas=2"]);
  });
  afterAll(async () => lab?.cleanup());

  it("serves every node's metrics on its own port, and Prometheus scrapes them all", async () => {
    expect(outputs.prometheusUrl).toBe(`http://127.0.0.1:${PROMETHEUS}`);
    expect(outputs.prometheusConsoles).toBe(`http://127.0.0.1:${PROMETHEUS}/consoles/index.html`);
    if (GRAFANA) expect(outputs.grafanaUrl).toBe(`http://127.0.0.1:${GRAFANA_PORT}`);
    else expect(outputs.grafana).toMatch(/GF_PATHS_PROVISIONING=.*grafana\/provisioning grafana server/);
    for (const node of outputs.nodes) {
      expect(node.ports.metrics).toBe(PORT + 3 + (node.id - 1) * 100);
      const text = await (await fetch(`http://127.0.0.1:${node.ports.metrics}/metrics`)).text();
      expect(text).toMatch(/^kafka_raft_current_state\{state="(leader|follower)"} 1\.0$/m);
      expect(text).toMatch(/^kafka_server_replica_manager_under_replicated_partitions 0\.0$/m);
    }
    await eventually("3 targets up", 60_000, async () => (await targetsUp()).join() === "1,2,3");
  });

  it("answers every dashboard panel and alert measure with live data while clients run", async () => {
    const load = await LoadRun.start({ bootstrap: outputs.bootstrapServers, topic: TOPIC, clientConfig: outputs.clientProperties });
    // A consumer reading all along: the fetch panels need a counter that moves between scrapes.
    const consumer = spawn(
      path.join(defaultKafkaHome(), "bin", "kafka-console-consumer.sh"),
      ["--bootstrap-server", outputs.bootstrapServers, "--topic", TOPIC, "--command-config", outputs.clientProperties, "--from-beginning"],
      { stdio: "ignore" },
    );
    try {
      // Rates need two scrapes of a counter that moved.
      await eventually("bytes in", 60_000, async () => values(await query("sum(rate(kafka_server_topic_bytes_in_total[1m]))"))[0] > 0);
      await eventually("bytes out", 60_000, async () => values(await query("sum(rate(kafka_server_topic_bytes_out_total[1m]))"))[0] > 0);

      const empty: string[] = [];
      for (const board of dashboards({ certificates: true })) {
        for (const panel of board.panels) {
          for (const { expr } of panel.queries) {
            const found = values(await query(expr)).filter((v) => Number.isFinite(v));
            if (found.length === 0) empty.push(`${board.title} / ${panel.title}: ${expr}`);
          }
        }
      }
      expect(empty).toEqual([]);
      expect(values(await query('sum(up{job="kafka"})'))).toEqual([3]);
      expect(values(await query("max(kafka_controller_active_broker_count)"))).toEqual([3]);
      expect(values(await query("sum(kafka_controller_active_controller_count)"))).toEqual([1]);
      expect(values(await query("max(kafka_raft_current_leader)"))[0]).toBeGreaterThanOrEqual(1);
      expect(values(await query('max(jvm_memory_max_bytes{area="heap"})'))).toEqual([512 * 1024 * 1024]);
      const days = values(await query("kraftlab_certificate_expiry_timestamp_seconds - time()")).map((s) => s / 86_400);
      expect(days).toHaveLength(4); // the CA and 3 node certificates
      for (const d of days) expect(d).toBeGreaterThan(300);

      const rules = alertRules({ alertForSeconds: ALERT_FOR_SECONDS }, { certificates: true, renewBeforeDays: 30 });
      for (const rule of rules) {
        expect(await query(rule.measure), rule.measure).not.toEqual([]);
        expect(await query(alertExpr(rule)), alertExpr(rule)).toEqual([]);
      }
      const { groups } = await prometheus<{ groups: { rules: { name: string; health: string }[] }[] }>("rules");
      const loaded = groups.flatMap((g) => g.rules).filter((r) => rules.some((a) => a.alert === r.name));
      expect(loaded.map((r) => [r.name, r.health])).toEqual(rules.map((r) => [r.alert, "ok"]));
    } finally {
      consumer.kill("SIGKILL");
      const report = await load.stop();
      expect(report.lost).toEqual([]);
    }
  });

  it("shows the expression browser with a graph of a kraftlab metric, and every console with its data, in a browser", async (ctx) => {
    const chromium = findChromium();
    if ("problem" in chromium) ctx.skip(chromium.problem);
    fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
    const browser = await Browser.launch((chromium as { path: string }).path);
    const prometheusUrl = outputs.prometheusUrl as string;
    const offMachine = (requests: string[]) => requests.filter((url) => !url.startsWith(`${prometheusUrl}/`) && !url.startsWith("data:"));
    try {
      // The lab's URL, as `npm run status` prints it, opens the expression browser, whose menu links the consoles.
      const landing = await browser.visit(prometheusUrl, {
        ready: `document.querySelector(".expression_input") && {
          path: location.pathname,
          consoles: [...document.querySelectorAll("a.nav-link")].find((a) => a.textContent === "Consoles")?.href,
        }`,
        screenshot: path.join(SCREENSHOTS, "prometheus.png"),
      });
      expect(landing.value).toEqual({ path: "/classic/graph", consoles: consolesUrl(prometheusUrl) });
      expect(landing.errors).toEqual([]);

      const expr = "sum by (node) (rate(kafka_server_all_topics_bytes_in_total[1m]))";
      const graph = await browser.visit(`${prometheusUrl}/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=0&g0.range_input=15m`, {
        ready: `document.querySelectorAll(".graph_area svg path").length > 0 && {
          legend: [...document.querySelectorAll(".legend .label")].map((l) => l.textContent).sort(),
          errors: [...document.querySelectorAll(".error, .warning")].map((e) => e.textContent.trim()).filter(Boolean),
        }`,
        screenshot: path.join(SCREENSHOTS, "graph.png"),
      });
      expect(graph.value).toEqual({ legend: ['{node="1"}', '{node="2"}', '{node="3"}'], errors: [] });
      expect(graph.errors).toEqual([]);
      expect(offMachine(graph.requests)).toEqual([]);

      const boards = dashboards({ certificates: true });
      const overview = await browser.visit(consolesUrl(prometheusUrl), { ready: CONSOLE_SHOWN, screenshot: path.join(SCREENSHOTS, "consoles-index.png") });
      expect(overview.errors).toEqual([]);
      expect(overview.value.stats.filter(([, values]: [string, string[]]) => values.includes("no data"))).toEqual([]);
      // Graphs over the last 5 minutes (the link sets prom_console.js' time control): the lab is that young.
      const lastMinutes = `#pctc${encodeURIComponent(JSON.stringify({ duration: 300, endTime: 0 }))}`;
      for (const board of boards) {
        const page = consolePage(board);
        const shown = await browser.visit(`${prometheusUrl}/consoles/${page}${lastMinutes}`, {
          ready: CONSOLE_SHOWN,
          screenshot: path.join(SCREENSHOTS, `consoles-${page.replace(/\.html$/, ".png")}`),
        });
        expect(shown.errors, page).toEqual([]);
        expect(offMachine(shown.requests), page).toEqual([]);
        expect(shown.value.title).toBe(`${board.title} · kraftlab ${lab.stack.name}`);
        const stats = new Map<string, string[]>(shown.value.stats);
        expect([...stats.keys()], page).toEqual(board.panels.filter((p) => p.kind === "stat").map((p) => p.title));
        for (const [title, values] of stats)
          expect(
            values.filter((v) => v === "no data"),
            `${page} ${title}: ${values}`,
          ).toEqual([]);
        // Every graph drew at least one series.
        expect(
          shown.value.graphs.filter(([, series, state]: [string, number, string]) => series === 0 || state !== "drawn"),
          page,
        ).toEqual([]);
        expect(
          shown.value.graphs.map(([title]: [string]) => title),
          page,
        ).toEqual(board.panels.filter((p) => p.kind === "timeseries").map((p) => p.title));
        if (board.uid === "kraftlab-health") {
          expect(stats.get("Nodes up")).toEqual(["3"]);
          expect(stats.get("Brokers online")).toEqual(["3"]);
          expect(stats.get("Active controllers")).toEqual(["1"]);
          expect(stats.get("Offline partitions")).toEqual(["0"]);
        }
        if (board.uid === "kraftlab-certificates") {
          // The CA (10 years) and the 3 node certificates (1 year), as durations.
          expect(stats.get("Time to expiry")?.sort()).toEqual([
            expect.stringMatching(/^ca36\d\dd /),
            ...[1, 2, 3].map((id) => expect.stringMatching(new RegExp(`^node-${id}36\\dd `))),
          ]);
        }
      }
    } finally {
      await browser.close();
    }
  });

  it.skipIf(!GRAFANA)("serves the provisioned datasource and dashboards from Grafana, which queries the lab's Prometheus", async () => {
    const password = (await lab.stack.outputs()).grafanaAdminPassword;
    expect(password.secret).toBe(true);
    const auth = { authorization: `Basic ${Buffer.from(`admin:${password.value}`).toString("base64")}` };
    const grafana = async <T>(api: string, init: RequestInit = {}): Promise<T> => {
      const response = await fetch(`http://127.0.0.1:${GRAFANA_PORT}/api/${api}`, { ...init, headers: { ...auth, "content-type": "application/json" } });
      expect(response.status, api).toBe(200);
      return (await response.json()) as T;
    };
    const [datasource] = await grafana<Record<string, unknown>[]>("datasources");
    expect(datasource).toMatchObject({ uid: "kraftlab-prometheus", url: `http://127.0.0.1:${PROMETHEUS}`, readOnly: true });
    const boards = dashboards({ certificates: true });
    await eventually("every dashboard provisioned", 60_000, async () => (await grafana<unknown[]>("search?type=dash-db")).length === boards.length);
    const result = await grafana<{ results: Record<string, { frames: { data: { values: number[][] } }[] }> }>("ds/query", {
      method: "POST",
      body: JSON.stringify({
        from: "now-5m",
        to: "now",
        queries: [{ refId: "A", datasource: { uid: "kraftlab-prometheus" }, expr: "sum(kafka_controller_active_controller_count)", instant: true }],
      }),
    });
    expect(result.results.A.frames[0].data.values[1]).toEqual([1]);
  });

  it("scrapes a 4th broker from the same up that adds it", async () => {
    await lab.configure({ nodes: [...combined, broker4] });
    ({ outputs } = await lab.up());
    await eventually("4 targets up", 60_000, async () => (await targetsUp()).join() === "1,2,3,4");
    await eventually("4 brokers online", 60_000, async () => values(await query("max(kafka_controller_active_broker_count)"))[0] === 4);
  });

  it("fires node-down and under-replicated alerts when a node stops, and clears them once up starts it again", async () => {
    const node2 = outputs.nodes.find((n) => n.id === 2);
    process.kill(node2?.pid as number, "SIGTERM");
    // Pending after a scrape and an evaluation, firing `for` later.
    const window = (ALERT_FOR_SECONDS + 4 * SCRAPE_SECONDS) * 1000 + 15_000;
    const waited = await eventually("KafkaNodeDown and KafkaUnderReplicatedPartitions firing", window, async () => {
      const names = await firing();
      return names.includes("KafkaNodeDown") && names.includes("KafkaUnderReplicatedPartitions");
    });
    expect(waited).toBeGreaterThanOrEqual(ALERT_FOR_SECONDS * 1000);
    ({ outputs } = await lab.up());
    await eventually("no alert firing", 120_000, async () => (await firing()).length === 0);
  });

  const prometheusPid = () => Number(fs.readFileSync(path.join(lab.labDir, "monitoring", "prometheus", "server.pid"), "utf8"));

  it("starts a Prometheus that died again on the next up, with the samples it had", async () => {
    const before = values(await query('count_over_time(up{node="1"}[1h])'))[0];
    process.kill(prometheusPid(), "SIGKILL");
    const { changes } = await lab.up();
    expect(changes.update).toBe(1);
    expect(isAlive(prometheusPid())).toBe(true);
    expect(values(await query('count_over_time(up{node="1"}[1h])'))[0]).toBeGreaterThanOrEqual(before);
  });

  it("stops Prometheus and removes its data on destroy", async () => {
    const pid = prometheusPid();
    expect(isAlive(pid)).toBe(true);
    await lab.stack.destroy({ color: "never" });
    expect(isAlive(pid)).toBe(false);
    expect(fs.existsSync(lab.labDir)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${PROMETHEUS}/-/ready`)).rejects.toThrow();
    if (GRAFANA) await expect(fetch(`http://127.0.0.1:${GRAFANA_PORT}/api/health`)).rejects.toThrow();
  });
});
