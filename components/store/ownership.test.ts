import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { claimDirectory, claimProblem, inspectDirectory, LAB_MARKER, mayRemove } from "./ownership";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-ownership-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const dir = (name: string, files: Record<string, string> = {}) => {
  const d = path.join(root, name);
  fs.mkdirSync(d, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, file)), { recursive: true });
    fs.writeFileSync(path.join(d, file), text);
  }
  return d;
};
const KEY = "kraftlab:labDir";

describe("which directories a stack may claim and remove", () => {
  it("claims an absent or an empty directory", () => {
    expect(inspectDirectory(path.join(root, "new", "lab"))).toEqual({ kind: "absent" });
    expect(inspectDirectory(dir("empty"))).toEqual({ kind: "empty" });
    expect(claimProblem(KEY, "/x", { kind: "absent" }, "kraftlab/dev", false)).toBeUndefined();
    expect(claimProblem(KEY, "/x", { kind: "empty" }, "kraftlab/dev", false)).toBeUndefined();
  });

  it("never claims a directory holding files it did not create, naming some of them and the fix", () => {
    const foreign = dir("foreign", { "node-1/data/meta.properties": "cluster.id=X\n", "notes.txt": "mine" });
    const state = inspectDirectory(foreign);
    expect(state).toEqual({ kind: "foreign", entries: ["node-1", "notes.txt"] });
    expect(claimProblem(KEY, foreign, state, "kraftlab/dev", true)).toBe(
      `kraftlab:labDir: ${foreign} already holds files that kraftlab did not create (node-1, notes.txt); kraftlab never writes into or removes such a directory: set kraftlab:labDir to a new or empty directory, or move ${foreign} away`,
    );
  });

  it("refuses a file, and a path below a file", () => {
    const file = path.join(dir("files"), "a-file");
    fs.writeFileSync(file, "x");
    expect(claimProblem(KEY, file, inspectDirectory(file), "s", true)).toBe(
      `kraftlab:labDir: ${file} is a file, not a directory; set kraftlab:labDir to a directory path`,
    );
    const below = path.join(file, "lab", "deeper");
    expect(claimProblem(KEY, below, inspectDirectory(below), "s", true)).toBe(
      `kraftlab:labDir: ${below} cannot be made: ${file} is a file, not a directory; set kraftlab:labDir to a directory path`,
    );
  });

  it("refuses another stack's directory, and its own stack's when state does not know it", () => {
    const other = dir("other");
    claimDirectory(other, "kraftlab/prod");
    expect(claimProblem(KEY, other, inspectDirectory(other), "kraftlab/dev", true)).toMatch(
      /belongs to kraftlab stack kraftlab\/prod; run `pulumi destroy` on that stack, or set kraftlab:labDir/,
    );
    expect(claimProblem(KEY, other, inspectDirectory(other), "kraftlab/prod", true)).toBeUndefined();
    expect(claimProblem(KEY, other, inspectDirectory(other), "kraftlab/prod", false)).toMatch(
      /holds a lab of stack kraftlab\/prod that this stack's state does not know/,
    );
  });

  it("removes only a directory that holds the token of the stack's state", () => {
    const mine = dir("mine");
    const { token } = claimDirectory(mine, "kraftlab/dev");
    expect(fs.statSync(path.join(mine, LAB_MARKER)).isFile()).toBe(true);
    expect(mayRemove(mine, token)).toBe(true);
    expect(mayRemove(mine, "another-token")).toBe(false);
    expect(mayRemove(dir("unmarked", { a: "b" }), token)).toBe(false);
    // A state made before tokens existed owns a directory with a (plain-text) marker.
    expect(mayRemove(dir("legacy", { [LAB_MARKER]: "This directory belongs to a kraftlab stack\n" }), undefined)).toBe(true);
    expect(mayRemove(dir("legacy-unmarked", { a: "b" }), undefined)).toBe(false);
  });
});
