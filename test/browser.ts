// Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: no port
// opened, no WebSocket client needed), to look at kraftlab's web pages as a person would: open a page,
// wait until it shows what it must, keep a screenshot, and report what went wrong that the page itself
// may not show (uncaught exceptions, console errors, requests that failed or answered 4xx/5xx).
// Chromium reaches nothing but 127.0.0.1: no name resolves, and any other request is refused and reported.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Readable, Writable } from "node:stream";
import { PROJECT_DIR } from "../components/host/projectDir";

/** Chromium from setup/browser/chromium.sh (which installs Debian's as root when there is none), or why there is none. */
export function findChromium(): { path: string } | { problem: string } {
  const out = spawnSync("bash", [path.join(PROJECT_DIR, "setup", "browser", "chromium.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  process.stderr.write(out.stderr); // an install says what it did, and how long it took
  return out.status === 0 ? { path: out.stdout.trim() } : { problem: out.stderr.trim() };
}

const FLAGS = [
  "--headless",
  "--remote-debugging-pipe",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-gpu",
  "--hide-scrollbars",
  "--mute-audio",
  // Loopback only: no proxy, no name resolution, none of Chromium's own services.
  "--no-proxy-server",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-domain-reliability",
  "--disable-sync",
  "--disable-breakpad",
  "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
  // Root cannot run Chromium's sandbox; the pages are the lab's own.
  ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
];

/** How long a page may take to show what it must. */
const READY_TIMEOUT_MS = 30_000;

// biome-ignore lint/suspicious/noExplicitAny: DevTools protocol payloads, read field by field
type Payload = any;
interface Message {
  id?: number;
  method?: string;
  sessionId?: string;
  params?: Payload;
  result?: Payload;
  error?: { message: string };
}

export interface Visit {
  /** What `ready` returned once truthy. */
  value: Payload;
  /** What went wrong on the way: exceptions, console errors, failed or refused requests. */
  errors: string[];
  /** Every URL the page requested (redirects included). */
  requests: string[];
}

export class Browser {
  private lastId = 0;
  private readonly waiting = new Map<number, { resolve: (result: Payload) => void; reject: (err: Error) => void }>();
  private readonly listeners = new Set<(message: Message) => void>();
  private stderr = "";

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    let buffered = "";
    (child.stdio[4] as Readable).on("data", (chunk: Buffer) => {
      const parts = (buffered + chunk.toString("utf8")).split("\0");
      buffered = parts.pop() ?? "";
      for (const part of parts) this.receive(JSON.parse(part) as Message);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString("utf8")).slice(-4_000);
    });
    child.on("exit", () => {
      for (const { reject } of this.waiting.values()) reject(new Error(`Chromium exited; the end of its stderr:\n${this.stderr}`));
      this.waiting.clear();
    });
  }

  static async launch(chromium: string): Promise<Browser> {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-chromium-"));
    const child = spawn(chromium, [...FLAGS, `--user-data-dir=${profile}`, "about:blank"], { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
    const browser = new Browser(child, profile);
    await browser.send("Browser.getVersion");
    return browser;
  }

  private receive(message: Message): void {
    const call = message.id !== undefined ? this.waiting.get(message.id) : undefined;
    if (call && message.id !== undefined) {
      this.waiting.delete(message.id);
      if (message.error) call.reject(new Error(message.error.message));
      else call.resolve(message.result);
    }
    if (message.method) for (const listener of this.listeners) listener(message);
  }

  private send(method: string, params: Payload = {}, sessionId?: string): Promise<Payload> {
    const id = ++this.lastId;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      (this.child.stdio[3] as Writable).write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    });
  }

  /**
   * Opens `url` in a new tab 1280 px wide, waits until the expression `ready` is truthy in it (polled),
   * then saves a screenshot of the whole page to `screenshot`, also when `ready` never comes.
   */
  async visit(url: string, opts: { ready: string; screenshot: string }): Promise<Visit> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    const errors: string[] = [];
    const requests: string[] = [];
    const urls = new Map<string, string>(); // request id → its URL
    const on = (message: Message) => {
      if (message.sessionId !== sessionId) return;
      const p = message.params;
      switch (message.method) {
        case "Fetch.requestPaused":
          if (new URL(p.request.url).hostname === "127.0.0.1") void this.send("Fetch.continueRequest", { requestId: p.requestId }, sessionId);
          else {
            errors.push(`refused a request off this machine: ${p.request.url}`);
            void this.send("Fetch.failRequest", { requestId: p.requestId, errorReason: "BlockedByClient" }, sessionId);
          }
          break;
        case "Network.requestWillBeSent":
          requests.push(p.request.url);
          urls.set(p.requestId, p.request.url);
          break;
        case "Network.responseReceived":
          if (p.response.status >= 400) errors.push(`HTTP ${p.response.status} for ${p.response.url}`);
          break;
        case "Network.loadingFailed":
          if (!p.canceled) errors.push(`request failed (${p.errorText}): ${urls.get(p.requestId)}`);
          break;
        case "Runtime.exceptionThrown":
          errors.push(`uncaught: ${p.exceptionDetails.exception?.description ?? p.exceptionDetails.text}`);
          break;
        case "Runtime.consoleAPICalled":
          if (p.type === "error" || p.type === "assert") errors.push(`console.${p.type}: ${p.args.map((a: Payload) => a.value ?? a.description).join(" ")}`);
          break;
        case "Log.entryAdded":
          if (p.entry.level === "error") errors.push(`${p.entry.source}: ${p.entry.text}${p.entry.url ? ` (${p.entry.url})` : ""}`);
          break;
      }
    };
    this.listeners.add(on);
    try {
      for (const domain of ["Page", "Runtime", "Log", "Network"]) await this.send(`${domain}.enable`, {}, sessionId);
      await this.send("Fetch.enable", { patterns: [{ urlPattern: "*" }] }, sessionId);
      await this.send("Emulation.setDeviceMetricsOverride", { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);
      const { errorText } = await this.send("Page.navigate", { url }, sessionId);
      if (errorText) errors.push(`navigation failed: ${errorText}`);
      const started = Date.now();
      let value: Payload;
      for (;;) {
        // Fails while the page is between documents (a redirect): polled again.
        const evaluated = await this.send("Runtime.evaluate", { expression: opts.ready, returnByValue: true }, sessionId).catch(() => undefined);
        if (evaluated && !evaluated.exceptionDetails && evaluated.result.value) {
          value = evaluated.result.value;
          break;
        }
        if (Date.now() - started > READY_TIMEOUT_MS) {
          await this.screenshot(sessionId, opts.screenshot);
          throw new Error(`${url} did not show ${opts.ready} after ${READY_TIMEOUT_MS / 1000} s; errors: ${JSON.stringify(errors)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await this.screenshot(sessionId, opts.screenshot);
      return { value, errors, requests };
    } finally {
      this.listeners.delete(on);
      await this.send("Target.closeTarget", { targetId });
    }
  }

  private async screenshot(sessionId: string, file: string): Promise<void> {
    const { cssContentSize } = await this.send("Page.getLayoutMetrics", {}, sessionId);
    const clip = { x: 0, y: 0, width: Math.ceil(cssContentSize.width), height: Math.ceil(cssContentSize.height), scale: 1 };
    const { data } = await this.send("Page.captureScreenshot", { format: "png", captureBeyondViewport: true, clip }, sessionId);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from(data, "base64"));
  }

  /** Closes Chromium (killed if it does not go) and removes its profile. */
  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    if (this.child.exitCode === null) {
      await this.send("Browser.close").catch(() => undefined);
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.profile, { recursive: true, force: true });
  }
}
