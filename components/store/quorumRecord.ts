// The quorum mode a lab runs, kept in `<labDir>/quorum.json` (a LabFile of KafkaCluster, written before
// any node): the program reads it before anything is touched, since the mode decides what every
// node's server.properties says, and a lab without it but with nodes predates dynamic quorums.
import * as fs from "node:fs";
import * as path from "node:path";
import type { QuorumMode } from "../quorum/schema";

export const quorumRecordFile = (labDir: string) => path.join(labDir, "quorum.json");
export const quorumRecord = (mode: QuorumMode) => `${JSON.stringify({ mode })}\n`;

/** The recorded mode; undefined for a new lab, or one made before kraftlab recorded it. */
export function recordedQuorum(labDir: string): QuorumMode | undefined {
  const file = quorumRecordFile(labDir);
  if (!fs.existsSync(file)) return undefined;
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { mode: QuorumMode }).mode;
}
