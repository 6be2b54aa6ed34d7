// The compiled helpers for a Kafka distribution (the cluster client, the drills' load): built once by setup/admin/build.sh
// (javac against that distribution's libs/) into the cache, keyed by the source and the kafka-clients
// jar it was compiled against, and reused by every process after.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "../host/projectDir";
import { cacheDir } from "../host/tools";

const SOURCE_DIR = path.join(PROJECT_DIR, "setup", "admin");

const built = new Map<string, string>();

/** The classes directory of the helper for `kafkaHome`, compiled now if it is not yet. */
export function adminClasses(kafkaHome: string): string {
  const known = built.get(kafkaHome);
  if (known) return known;
  const clients = fs.readdirSync(path.join(kafkaHome, "libs")).find((jar) => /^kafka-clients-.*\.jar$/.test(jar)) ?? "none";
  // The sources in name order, as the setup hashes them (scripts/setup.sh).
  const hash = createHash("sha256");
  for (const file of [
    ...fs
      .readdirSync(SOURCE_DIR)
      .filter((f) => f.endsWith(".java"))
      .sort(),
    "build.sh",
  ])
    hash.update(fs.readFileSync(path.join(SOURCE_DIR, file)));
  const key = hash.update(clients).digest("hex").slice(0, 16);
  const dir = path.join(cacheDir(), "admin", key);
  if (!fs.existsSync(dir)) {
    const out = spawnSync("bash", [path.join(SOURCE_DIR, "build.sh"), kafkaHome, dir], { encoding: "utf8" });
    if (out.status !== 0) throw new Error(`building the cluster client failed: ${(out.stderr || out.error?.message || "").trim().split("\n").pop()}`);
  }
  built.set(kafkaHome, dir);
  return dir;
}
