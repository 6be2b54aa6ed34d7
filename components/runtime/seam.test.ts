// The runtime seam as a rule on imports: the roller, preflight, status and monitoring reach a runtime
// only through its interface (and the spec and selector that make one), and runtime/ imports nothing
// from cluster/.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../host/projectDir";

const importsOf = (file: string) =>
  [...fs.readFileSync(path.join(PROJECT_DIR, file), "utf8").matchAll(/^import [^;]*? from "([^"]+)";$/gm)].map((m) =>
    m[1].startsWith(".") ? path.relative(PROJECT_DIR, path.resolve(path.dirname(path.join(PROJECT_DIR, file)), m[1])) : m[1],
  );

const sources = (dir: string): string[] =>
  fs.readdirSync(path.join(PROJECT_DIR, dir), { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return sources(file);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [file] : [];
  });

/** What a user of the seam may import of components/runtime: the interface, the spec, the selector, the program's placement. */
const SEAM = ["runtime", "spec", "select", "place"].map((f) => `components/runtime/${f}`);

describe("the runtime seam", () => {
  it("is all the roller, preflight, status and monitoring know of a runtime", () => {
    const users = ["components/converge/converge.ts", "components/preflight/checks.ts", "components/status/gather.ts", ...sources("components/monitoring")];
    const reaching = users.flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith("components/runtime/") && !SEAM.includes(target))
        .map((target) => `${file} → ${target}`),
    );
    expect(reaching).toEqual([]);
  });

  it("owns its types: nothing in runtime/ imports from cluster/", () => {
    const reaching = sources("components/runtime").flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith("components/cluster/"))
        .map((target) => `${file} → ${target}`),
    );
    expect(reaching).toEqual([]);
  });
});
