// How kraftlab's commands, its language host and its dynamic providers load kraftlab: the JavaScript
// build the setup made of these very sources (node_modules/.cache/kraftlab/<fingerprint>/, tsc), else
// the TypeScript itself through tsx, so an edited checkout runs what it holds. Plain JavaScript: it
// runs before anything is compiled. `node lab/entry.js <module> [args…]` runs a module as a command;
// `--fingerprint` prints the sources' fingerprint; `--build-dir` where their build goes.
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const PROJECT_DIR = path.resolve(__dirname, "..");
const SOURCE_DIRS = ["components", "lab", "scripts"];
const SOURCE_FILES = ["index.ts", "tsconfig.json", "tsconfig.build.json", "package-lock.json"];

/** The sources a build is made of: the program, its components and commands, not their tests. */
function sources() {
  const found = SOURCE_FILES.filter((f) => fs.existsSync(path.join(PROJECT_DIR, f)));
  for (const dir of SOURCE_DIRS) {
    for (const entry of fs.readdirSync(path.join(PROJECT_DIR, dir), { recursive: true })) {
      const file = path.join(dir, String(entry));
      if (file.endsWith(".ts") && !file.endsWith(".test.ts")) found.push(file);
    }
  }
  return found.sort();
}

/** What the build of these sources is keyed by: their paths and contents. */
function fingerprint() {
  const hash = createHash("sha256");
  for (const file of sources()) hash.update(file).update("\0").update(fs.readFileSync(path.join(PROJECT_DIR, file))).update("\0");
  return hash.digest("hex").slice(0, 16);
}

/**
 * The modules answering the paths that the serialized shims of resources made by earlier releases
 * name in Pulumi state (components/provider/shim.ts), so each such path keeps answering.
 */
const MOVED = {
  "components/process/handlers": "components/registry",
  "components/provider/registry": "components/registry",
};

const buildDir = () => path.join(PROJECT_DIR, "node_modules", ".cache", "kraftlab", fingerprint());

/** Loads `name` (a path from the project directory, without extension): built when the build is current. */
function load(name) {
  const module = MOVED[name] ?? name;
  const built = path.join(buildDir(), `${module}.js`);
  if (fs.existsSync(built)) return require(built);
  const source = path.join(PROJECT_DIR, `${module}.ts`);
  return require(require.resolve("tsx/cjs/api", { paths: [PROJECT_DIR] })).require(source, source);
}

module.exports = { load, fingerprint, buildDir };

if (require.main === module) {
  const [what] = process.argv.splice(2, 1);
  if (what === "--fingerprint") console.log(fingerprint());
  else if (what === "--build-dir") console.log(buildDir());
  else load(what);
}
