// The Kafka release an SSH lab runs, as each machine receives it: the parts of the setup's layout a
// node needs, named by a hash of their content so that a machine keeps one copy of each release.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** What a node runs from (the class-data archive is this machine's JVM's, so it stays here). */
export const DISTRIBUTION_PARTS = ["bin", "config", "libs"];

/** A hash of every file of DISTRIBUTION_PARTS under `kafkaHome`: their paths and contents. */
export function distributionHash(kafkaHome: string): string {
  const hash = createHash("sha256");
  const walk = (relative: string) => {
    const full = path.join(kafkaHome, relative);
    if (fs.statSync(full).isDirectory()) {
      for (const entry of fs.readdirSync(full).sort()) walk(path.join(relative, entry));
    } else hash.update(`${relative}\0`).update(fs.readFileSync(full));
  };
  for (const part of DISTRIBUTION_PARTS) if (fs.existsSync(path.join(kafkaHome, part))) walk(part);
  return hash.digest("hex").slice(0, 16);
}
