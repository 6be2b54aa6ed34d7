// The extra server.properties a user writes (kraftlab:properties, nodes[].properties) are Kafka's to
// judge: its own config parser reads them on a scratch node (`kafka-storage format` into a temporary
// directory) before anything of the lab is written. A set Kafka took once is remembered in the cache.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { LabConfig } from "../model/config";
import { kafkaTool } from "../runtime/kafkaTool";

const SCRATCH_CLUSTER_ID = "AAAAAAAAAAAAAAAAAAAAAA";

/** A minimal KRaft node to read the extras on: nothing listens, nothing outlives the check. */
const scratchNode = (dataDir: string) =>
  [
    "process.roles=broker,controller",
    "node.id=1",
    "controller.quorum.voters=1@127.0.0.1:9",
    "listeners=PLAINTEXT://127.0.0.1:8,CONTROLLER://127.0.0.1:9",
    "controller.listener.names=CONTROLLER",
    `log.dirs=${dataDir}`,
  ].join("\n");

/** The config key that sets `name` for node `i`: its own properties win over the lab's. */
const keyOf = (cfg: LabConfig, i: number, name: string) =>
  cfg.nodes[i].properties?.[name] !== undefined ? `kraftlab:nodes[${i}].properties.${name}` : `kraftlab:properties.${name}`;

/** Kafka's complaint as a kraftlab message naming the key. */
export function propertyProblem(cfg: LabConfig, i: number, kafkaError: string): string {
  const invalid = /Invalid value (.*) for configuration ([\w.-]+): ([^\n]*)/.exec(kafkaError);
  if (invalid) return `${keyOf(cfg, i, invalid[2])}: Kafka refuses ${invalid[1]}: ${invalid[3].replace(/\.$/, "")}; fix the value`;
  const firstLine = kafkaError.split("\n").find((line) => /Exception|Error/.test(line)) ?? kafkaError.split("\n")[0];
  return `kraftlab:properties: Kafka refuses node ${cfg.nodes[i].id}'s extra properties: ${firstLine.trim()}; fix them`;
}

export async function propertyProblems(cfg: LabConfig, kafkaHome: string, cacheDir: string): Promise<string[]> {
  const problems: string[] = [];
  const checked = new Set<string>();
  for (const [i, node] of cfg.nodes.entries()) {
    const extras = { ...cfg.properties, ...node.properties };
    if (Object.keys(extras).length === 0) continue;
    const text = Object.entries(extras)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join("\n");
    const hash = createHash("sha256").update(`${kafkaHome}\n${text}`).digest("hex");
    const mark = path.join(cacheDir, "checked-properties", hash);
    if (checked.has(hash) || fs.existsSync(mark)) continue;
    checked.add(hash);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-properties-"));
    try {
      const file = path.join(scratch, "server.properties");
      fs.writeFileSync(file, `${scratchNode(path.join(scratch, "data"))}\n${text}\n`);
      await kafkaTool(kafkaHome, "kafka-storage", ["format", "--config", file, "--cluster-id", SCRATCH_CLUSTER_ID]);
      fs.mkdirSync(path.dirname(mark), { recursive: true });
      fs.writeFileSync(mark, `${text}\n`);
    } catch (err) {
      problems.push(propertyProblem(cfg, i, (err as Error).message));
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  return problems;
}
