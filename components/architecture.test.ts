// The house's import rules, checked on the import graph of every source file of components/, lab/,
// scripts/ and index.ts: its floors (each part imports only the floors below its own); no circle; the
// reconcilers, the model and the client reach a runtime only through its interface; a runtime
// implementation stays below the features that use it; the pure decisions do no I/O, wait for nothing
// and log nothing.
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_DIR } from "./host/projectDir";

/** Source files by their path from the project (`components/x/y.ts`), each with what it imports: files, or packages. */
type Graph = Map<string, string[]>;

const sources = (dir: string): string[] =>
  fs.readdirSync(path.join(PROJECT_DIR, dir), { withFileTypes: true }).flatMap((e) => {
    const file = path.posix.join(dir, e.name);
    if (e.isDirectory()) return sources(file);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [file] : [];
  });

/**
 * `import … from "…"`, `import type …`, `export … from "…"` (bindings on one line or many), `import "…"`,
 * and a module loaded when first used, `require("…")`.
 */
const IMPORT =
  /^(?:import|export)(?:\s+type)?\s+(?:\{[^}]*\}|\*(?:\s+as\s+\w+)?|\w+(?:\s*,\s*(?:\{[^}]*\}|\*\s+as\s+\w+))?)\s+from\s+"([^"]+)"|^import\s+"([^"]+)"|\brequire\("([^"]+)"\)/gm;

const BUILTINS = new Set(builtinModules);

/** A relative import as the file it names; a Node builtin as `node:…`; a package as its specifier. */
function resolve(from: string, specifier: string, files: Set<string>): string {
  if (specifier.startsWith(".")) {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
    return [`${base}.ts`, `${base}/index.ts`, base].find((f) => files.has(f) || fs.existsSync(path.join(PROJECT_DIR, f))) ?? base;
  }
  return BUILTINS.has(specifier) ? `node:${specifier}` : specifier;
}

/** Each source file's imports; `loads`: only those that load a module when it runs (not `import type`). */
function importGraph(loads = false): Graph {
  const files = [...["components", "lab", "scripts"].flatMap(sources), "index.ts"];
  const known = new Set(files);
  return new Map(
    files.map((file) => {
      const text = fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
      const imports = [...text.matchAll(IMPORT)].filter((m) => !(loads && /^import\s+type\s/.test(m[0])));
      return [file, [...new Set(imports.map((m) => resolve(file, m[1] ?? m[2] ?? m[3], known)))]];
    }),
  );
}

/** Each circle of imports, as its files from the first (by name) round to it again. */
function circles(graph: Graph): string[] {
  // Tarjan's strongly connected components: a component of two or more files holds a circle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!));
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop()!;
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || graph.get(file)?.includes(file)) components.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  // The shortest way round from the component's first file, inside the component.
  return components.map((component) => {
    const [start] = component;
    const came = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const file = queue.shift()!;
      const next = (graph.get(file) ?? []).filter((n) => component.includes(n) && !came.has(n));
      for (const n of next) came.set(n, file);
      if (came.has(start)) break;
      queue.push(...next);
    }
    const round: string[] = [];
    for (let file = came.get(start)!; file !== start; file = came.get(file)!) round.unshift(file);
    return [start, ...round, start].join(" → ");
  });
}

const under = (dir: string) => (file: string) => file.startsWith(`${dir}/`);
const either =
  (...tests: ((file: string) => boolean)[]) =>
  (file: string) =>
    tests.some((t) => t(file));
const RUNTIME = "components/runtime";

/** A runtime implementation: the process, Docker and SSH runtimes. */
const implementation = (file: string) => /^components\/runtime\/(process|docker|ssh)\//.test(file);
/** What makes a Runtime out of a spec: an implementation, or the selector that imports them all. */
const makesRuntimes = either(implementation, (file) => file === `${RUNTIME}/select.ts`);

/**
 * What a user of the seam may import of runtime/: the interface, the spec, the selector and the
 * program's runtime plan; and kafkaTool.ts, which runs a tool of a distribution on this machine whatever
 * the lab runs on (preflight has Kafka parse the user's properties with it), no runtime's.
 */
const SEAM = new Set(["runtime.ts", "spec.ts", "select.ts", "plan.ts", "kafkaTool.ts"].map((f) => `${RUNTIME}/${f}`));

/** Decisions: each a function of its inputs, with no file, process, wait or progress line of its own. */
const PURE = [
  "components/store/layout.ts",
  "components/store/problems.ts",
  "components/quorum/plan.ts",
  "components/versions/plan.ts",
  "components/ops/gates.ts",
  "components/ops/clusterState.ts",
  "components/ops/removal.ts",
  "components/security/access.ts",
  "components/status/view.ts",
  "components/converge/rollout.ts",
  "components/converge/preview.ts",
];
const EFFECTS = new Set(["node:fs", "node:fs/promises", "node:child_process", "p-wait-for", "components/provider/progress.ts"]);

/**
 * The floors of the house, from the ground up: a part (a folder, or a file of its own) imports only
 * from its own part and the floors below. Where a newcomer reads from, and where a change goes: README,
 * "The house".
 */
const FLOORS = [
  ["components/host"], // this machine: daemons, files, ports, the tools the setup installed
  ["components/model", "components/provider"], // the config and the plan, pure; the dynamic-provider kit
  ["components/store"], // the lab directory's records
  ["components/runtime"], // the one interface every node effect goes through, and its implementations
  ["components/client"], // the cluster client
  ["components/cluster"], // the lab's own resources (directories, files, ids, runtime) and its client
  ["components/quorum"],
  ["components/versions"],
  ["components/ops"], // gates, reassignment, cluster-wide operations
  ["components/topics", "components/converge"], // topics as code; the reconcilers of the running nodes
  ["components/security"],
  ["components/monitoring"],
  ["components/kafkaCluster", "components/registry.ts", "components/testing.ts"], // the component; every handler by kind
  ["components/preflight", "components/status"], // the checks before anything is touched; `npm run status`
  ["index.ts", "components/drill"], // the program; failure drills
  ["lab"], // the commands' plumbing: the Pulumi CLI, its hosts, the stack
  ["scripts"], // the commands
];

const partOf = (file: string) => FLOORS.flat().find((part) => file === part || file.startsWith(`${part}/`)) ?? path.posix.dirname(file);
const floorOf = (part: string) => FLOORS.findIndex((floor) => floor.includes(part));

const graph = importGraph();

/** `file → target` for each import of a file `from` picks that `to` forbids it. */
const reaching = (from: (file: string) => boolean, to: (target: string) => boolean) =>
  [...graph].flatMap(([file, targets]) => (from(file) ? targets.filter(to).map((target) => `${file} → ${target}`) : []));

describe("the import graph", () => {
  it("reads every relative import as a source file", () => {
    const unresolved = reaching(
      () => true,
      (target) => target.startsWith("components/") || target.startsWith("lab/") || target.startsWith("scripts/"),
    ).filter((edge) => !fs.existsSync(path.join(PROJECT_DIR, edge.split(" → ")[1])));
    expect(unresolved).toEqual([]);
  });

  it("stands on its floors: each part imports only its own and the floors below", () => {
    expect([...graph.keys()].filter((file) => floorOf(partOf(file)) < 0)).toEqual([]);
    const up = reaching(
      () => true,
      (target) => graph.has(target),
    ).filter((edge) => {
      const [from, to] = edge.split(" → ").map(partOf);
      return from !== to && floorOf(to) >= floorOf(from);
    });
    expect(up).toEqual([]);
  });

  it("has no circle", () => {
    expect(circles(graph)).toEqual([]);
  });

  it("keeps the reconcilers off the runtime implementations: only converge/handler.ts makes a runtime", () => {
    const reconcilers = (file: string) => under("components/converge")(file) && file !== "components/converge/handler.ts";
    expect(reaching(reconcilers, makesRuntimes)).toEqual([]);
  });

  it("keeps the runtime implementations below the features: none imports converge/, ops/, client/ or drill/", () => {
    const features = either(...["converge", "ops", "client", "drill"].map((d) => under(`components/${d}`)));
    expect(reaching(implementation, features)).toEqual([]);
  });

  it("lets the runtime own its types: nothing in runtime/ imports cluster/", () => {
    expect(reaching(under(RUNTIME), under("components/cluster"))).toEqual([]);
  });

  it("keeps the model pure of the client, the runtime implementations and the provider kit", () => {
    expect(reaching(under("components/model"), either(under("components/client"), makesRuntimes, under("components/provider")))).toEqual([]);
  });

  it("keeps the Pulumi SDK (a second to load) out of what `npm run status` loads: its gathering, and the config it reads", () => {
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const next of loads.get(file) ?? []) visit(next);
    };
    const loads = importGraph(true);
    for (const start of ["components/status/gather.ts", "components/model/config.ts", "lab/checkpoint.ts", "lab/stackFile.ts"]) visit(start);
    expect([...loaded].filter((file) => file.startsWith("@pulumi/"))).toEqual([]);
  });

  it("lets the client reach the nodes only through the runtime interface", () => {
    expect(reaching(under("components/client"), makesRuntimes)).toEqual([]);
  });

  it("is all the reconcilers, preflight, status and monitoring know of a runtime: the seam", () => {
    const users = either(
      under("components/converge"),
      under("components/preflight"),
      under("components/monitoring"),
      (f) => f === "components/status/gather.ts",
    );
    expect(reaching(users, (target) => under(RUNTIME)(target) && !SEAM.has(target))).toEqual([]);
  });

  it("keeps the decisions pure: no file, process, poll or progress line", () => {
    const pure = new Set([...sources("components/model"), ...PURE]);
    expect([...pure].filter((file) => !graph.has(file)).map((file) => `${file}: no such file`)).toEqual([]);
    expect(
      reaching(
        (file) => pure.has(file),
        (target) => EFFECTS.has(target),
      ),
    ).toEqual([]);
  });
});
