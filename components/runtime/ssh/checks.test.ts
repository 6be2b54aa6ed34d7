import { describe, expect, it } from "vitest";
import { baseDirProblem } from "./checks";

describe("baseDirProblem", () => {
  const m = { name: "h1", address: "10.213.0.11", user: "root", port: 22, hostKey: "", baseDir: "/proc/kraftlab" };

  it("names the step that failed and ends with a directory to set instead: the default, or a home's when the default failed", () => {
    expect(baseDirProblem(m, "creating /proc/kraftlab: No such file or directory")).toBe(
      "kraftlab:machines.h1.baseDir: root cannot write /proc/kraftlab on 10.213.0.11 (creating /proc/kraftlab: No such file or directory); " +
        "set kraftlab:machines.h1.baseDir to a directory root may write, e.g. /var/tmp/kraftlab (the default)",
    );
    expect(baseDirProblem({ ...m, user: "kafka", baseDir: "/var/tmp/kraftlab" }, "creating a file in /var/tmp/kraftlab: Permission denied")).toBe(
      "kraftlab:machines.h1.baseDir: kafka cannot write /var/tmp/kraftlab on 10.213.0.11 (creating a file in /var/tmp/kraftlab: Permission denied); " +
        "set kraftlab:machines.h1.baseDir to a directory kafka may write, e.g. /home/kafka/kraftlab",
    );
  });
});
