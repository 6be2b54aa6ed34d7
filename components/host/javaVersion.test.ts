import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { javaMajorOf } from "./javaVersion";

describe("javaMajorOf", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-java-"));
    vi.stubEnv("KRAFTLAB_CACHE", path.join(dir, "cache"));
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A `java` that prints `version` as a JDK does, and counts its runs. */
  const fakeJava = (version: string) => {
    const java = path.join(dir, "java");
    fs.writeFileSync(java, `#!/bin/sh\necho run >> ${dir}/runs\necho 'openjdk version "${version}" 2025-01-21' >&2\n`, { mode: 0o755 });
    return java;
  };
  const runs = () => (fs.existsSync(path.join(dir, "runs")) ? fs.readFileSync(path.join(dir, "runs"), "utf8").split("\n").length - 1 : 0);

  it("asks `java -version` once per binary, and again when the binary changed", () => {
    const java = fakeJava("21.0.6");
    expect([javaMajorOf(java), javaMajorOf(java)]).toEqual([21, 21]);
    expect(runs()).toBe(1);
    fakeJava("17.0.14");
    fs.utimesSync(java, new Date(2030, 0, 1), new Date(2030, 0, 1));
    expect(javaMajorOf(java)).toBe(17);
    expect(runs()).toBe(2);
  });

  it("finds the binary on PATH, and none is undefined", () => {
    fakeJava("25");
    vi.stubEnv("PATH", dir);
    expect(javaMajorOf("java")).toBe(25);
    expect(javaMajorOf(path.join(dir, "missing"))).toBeUndefined();
  });
});
