// Pure parsers of what the Kafka tools say about the quorum and the features: `kafka-metadata-quorum
// describe --status` (voters with their directory ids and endpoints, observers) and `kafka-features
// describe` (finalized levels). admin.ts runs the tools.
import type { Voter } from "./plan";

export interface QuorumStatus {
  leaderId: number;
  voters: Voter[];
  observers: { id: number; directoryId: string }[];
}

const jsonLine = (out: string, key: string) => JSON.parse(new RegExp(`^${key}:\\s+(\\[.*\\])\\s*$`, "m").exec(out)?.[1] ?? "[]");

/**
 * `describe --status`: CurrentVoters and CurrentObservers are JSON arrays on one line each. A static
 * quorum (kraft.version 0) has no directory ids: they are "" here.
 */
export function parseQuorumStatus(out: string): QuorumStatus {
  const voters = (jsonLine(out, "CurrentVoters") as { id: number; directoryId?: string; endpoints?: string[] }[]).map((v) => ({
    id: v.id,
    directoryId: v.directoryId ?? "",
    ...(v.endpoints?.[0] && { endpoint: v.endpoints[0] }),
  }));
  const observers = (jsonLine(out, "CurrentObservers") as { id: number; directoryId?: string }[]).map((o) => ({ id: o.id, directoryId: o.directoryId ?? "" }));
  return { leaderId: Number(/^LeaderId:\s+(-?\d+)/m.exec(out)?.[1] ?? -1), voters, observers };
}

/** A feature as `kafka-features describe` shows it: levels are numbers, metadata.version a release (4.3-IV0). */
export interface Feature {
  supportedMax: string;
  finalized: string;
}

export function parseFeatures(out: string): Record<string, Feature> {
  const features: Record<string, Feature> = {};
  for (const m of out.matchAll(/^Feature:\s*(\S+)\s+SupportedMinVersion:\s*\S+\s+SupportedMaxVersion:\s*(\S+)\s+FinalizedVersionLevel:\s*(\S+)/gm)) {
    features[m[1]] = { supportedMax: m[2], finalized: m[3] };
  }
  return features;
}
