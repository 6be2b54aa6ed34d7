import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { planCluster } from "../model/topology";
import { runtimeChangeProblems } from "../preflight/checks";
import { COMBINED_3, labConfig } from "../testing";
import { defaultSubnet, planDockerRuntime } from "./plan";

describe("planDockerRuntime", () => {
  const plan = planCluster(labConfig(COMBINED_3, { runtime: { kind: "docker" } }), "/p/.lab/dev", "dev");
  const build = { kafkaHome: "/nonexistent/kafka", rootfs: "/nonexistent/jre.tar", dockerfile: "/nonexistent/Dockerfile" };
  const dirs = { dockerHost: "unix:///d.sock", labDir: "/p/.lab/dev", certsDir: "/p/certs/dev", exporterJar: "/c/jmx/1.0/agent.jar", build };

  it("mounts the lab read-write, the certificates and the exporter's directory read-only, at their own paths", () => {
    const { spec } = planDockerRuntime(plan, { kind: "docker" }, "dev", dirs);
    expect(spec.kind === "docker" && spec.mounts).toEqual([
      { path: "/p/.lab/dev", readOnly: false },
      { path: "/p/certs/dev", readOnly: true },
      { path: "/c/jmx/1.0", readOnly: true },
    ]);
  });

  it("builds kraftlab's image by default, named by its inputs; an image of the user's is never built", () => {
    const own = planDockerRuntime(plan, { kind: "docker" }, "dev", dirs);
    expect(own.setup.docker).toMatchObject({
      network: "kraftlab-dev",
      subnet: defaultSubnet("dev"),
      image: expect.stringMatching(/^kraftlab\/kafka:[0-9a-f]{12}$/),
      build,
    });
    const theirs = planDockerRuntime(plan, { kind: "docker", image: "apache/kafka:4.3.1", network: "labnet", subnet: "10.9.0.0/24" }, "dev", dirs);
    expect(theirs.setup.docker).toEqual({ dockerHost: "unix:///d.sock", network: "labnet", subnet: "10.9.0.0/24", lab: "dev", image: "apache/kafka:4.3.1" });
    expect(theirs.spec).toMatchObject({ image: "apache/kafka:4.3.1", publishHost: "127.0.0.1", lab: "dev" });
  });

  it("gives each lab name its own /24, the same every time", () => {
    expect(defaultSubnet("dev")).toBe(defaultSubnet("dev"));
    expect(defaultSubnet("dev")).toMatch(/^172\.30\.\d{1,3}\.0\/24$/);
    expect(new Set(["dev", "docker", "e2e-docker", "bench-docker"].map(defaultSubnet)).size).toBe(4);
  });
});

describe("runtimeChangeProblems", () => {
  it("refuses to move a lab between runtimes, naming both and the way to do it; a new lab may take either", () => {
    const labDir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-runtime-"));
    try {
      expect(runtimeChangeProblems(labDir, "docker")).toEqual([]);
      fs.mkdirSync(path.join(labDir, "node-1")); // a lab an earlier release made, with no runtime record: processes
      expect(runtimeChangeProblems(labDir, "process")).toEqual([]);
      fs.writeFileSync(path.join(labDir, "runtime.json"), JSON.stringify({ kind: "docker", dockerHost: "unix:///d.sock" }));
      expect(runtimeChangeProblems(labDir, "process")).toEqual([
        "kraftlab:runtime: this lab runs on Docker (unix:///d.sock); moving a running lab to local processes is not done in place (its data would stay behind). " +
          "Run `npm run down` first and `npm run up` again on local processes, or bring up local processes as a new stack (KRAFTLAB_STACK=<name>)",
      ]);
    } finally {
      fs.rmSync(labDir, { recursive: true, force: true });
    }
  });
});
