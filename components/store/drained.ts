// The brokers a lab has drained and removed, kept in its directory: their own directories are gone,
// and this record lets kraftlab:drainBrokers keep naming them while refusing ids that never were nodes.
import * as fs from "node:fs";
import * as path from "node:path";

const file = (labDir: string) => path.join(labDir, "drained.json");

export function readDrained(labDir: string): number[] {
  try {
    return (JSON.parse(fs.readFileSync(file(labDir), "utf8")) as number[]).filter(Number.isInteger);
  } catch {
    return [];
  }
}

export function recordDrained(labDir: string, id: number): void {
  const ids = [...new Set([...readDrained(labDir), id])].sort((a, b) => a - b);
  fs.writeFileSync(file(labDir), `${JSON.stringify(ids)}\n`);
}
