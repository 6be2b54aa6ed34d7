import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../host/projectDir";
import { labMoveProblem } from "../model/validate";
import { describeRuntime, runtimeChangeProblem } from "./problems";

describe("why a lab cannot move", () => {
  it("to another directory: names both and the two ways out", () => {
    expect(labMoveProblem("kraftlab:labDir", "/a/lab", "/b/lab")).toBe(
      "kraftlab:labDir: this lab lives in /a/lab; moving it to /b/lab would leave its nodes' data (or certificates) behind: " +
        "set kraftlab:labDir back to /a/lab, or run `pulumi destroy` first and then `pulumi up` with the new directory",
    );
  });

  it("to another runtime: names both runtimes in words", () => {
    expect([describeRuntime("docker", "unix:///d.sock"), describeRuntime("docker"), describeRuntime("ssh"), describeRuntime("process")]).toEqual([
      "Docker (unix:///d.sock)",
      "Docker (an engine)",
      "machines over SSH",
      "local processes",
    ]);
    expect(runtimeChangeProblem("local processes", "machines over SSH")).toMatch(
      /^kraftlab:runtime: this lab runs on local processes; moving a running lab to machines over SSH is not done in place/,
    );
  });
});

describe("the store's pure half", () => {
  it("touches no file: what it decides and the records' names and formats, for the config's own checks", () => {
    for (const file of ["layout.ts", "problems.ts"]) {
      const imports = [...fs.readFileSync(path.join(PROJECT_DIR, "components", "store", file), "utf8").matchAll(/^import (type )?[^;]*? from "([^"]+)";$/gm)];
      expect(imports.filter(([, type, from]) => !type && from !== "node:path").map(([, , from]) => `${file} → ${from}`)).toEqual([]);
    }
  });
});
