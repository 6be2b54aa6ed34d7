// The check before every command (`bash scripts/setup.sh --quiet`): nothing changed since the last setup,
// it stops at its stamp; a file of the checkout edited since, it checks everything again. Through bash
// itself, on this checkout, whose cache `npm test` has just set up.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../components/host/projectDir";

const STAMP = path.join(PROJECT_DIR, "node_modules", ".cache", "kraftlab", "setup.stamp");

/** The quiet setup: its exit code, what it printed, and the commands it ran as bash traced them (on fd 3). */
function quietSetup() {
  const run = spawnSync("bash", ["-c", 'BASH_XTRACEFD=3; PS4="+ "; set -x; . scripts/setup.sh --quiet'], {
    cwd: PROJECT_DIR,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  return { code: run.status, said: run.stdout + run.stderr, trace: String(run.output[3]) };
}

describe("the setup's check before every command", () => {
  it("stops at its stamp when nothing changed, checks everything again after an edit, and stamps anew", () => {
    quietSetup();
    const settled = quietSetup();
    expect(settled).toMatchObject({ code: 0, said: "" });
    // Nothing but the stamp's check: no Java started, no Kafka layout looked at.
    expect(settled.trace).not.toMatch(/-version|layout\.sh/);

    // A source edited since (its time only: git sees no change): the full check, quiet still, then a new stamp.
    const source = path.join(PROJECT_DIR, "components", "model", "config.ts");
    const before = new Date(fs.statSync(source).mtimeMs - 10_000);
    fs.utimesSync(STAMP, before, before);
    const checked = quietSetup();
    expect(checked).toMatchObject({ code: 0, said: "" });
    expect(checked.trace).toMatch(/java -version/);
    expect(checked.trace).toMatch(/setup\/kafka\/layout\.sh/);
    expect(quietSetup().trace).not.toMatch(/-version|layout\.sh/);

    // A result gone from the cache is not taken on the stamp's word: the full check, which stamps what is there.
    const made = fs.readFileSync(STAMP, "utf8").trim().split("\n").slice(4);
    expect(made.length).toBe(6);
    for (const file of made) expect(fs.existsSync(file), file).toBe(true);
    fs.appendFileSync(STAMP, "/nonexistent/kraftlab-setup-result\n");
    expect(quietSetup().trace).toMatch(/java -version/);
    expect(fs.readFileSync(STAMP, "utf8")).not.toContain("/nonexistent/");
  });
});
