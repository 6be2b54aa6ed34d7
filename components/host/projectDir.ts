// The kraftlab checkout this code belongs to: where Pulumi.yaml is, from the sources themselves or from
// their build under node_modules/.cache/kraftlab/ (lab/entry.js), so templates, setup/ and stack files
// are found either way.
import * as fs from "node:fs";
import * as path from "node:path";

function findProject(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml")) && fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`kraftlab: no Pulumi.yaml above ${from}`);
  }
}

export const PROJECT_DIR = findProject(__dirname);
