// Pure decisions of a Kafka version change: whether the cluster may run a release (a finalized
// metadata.version newer than the release cannot be read by it: Kafka has no way back), and which
// features to finalize, by name, once every node runs the same release.

import type { FeaturesConfig } from "../model/schema/versions";
import type { Feature } from "../quorum/outputs";

/** `4.3` of `4.3.1`, or of a metadata.version such as `4.3-IV0`. */
export const releaseOf = (version: string) => /^(\d+\.\d+)/.exec(version)?.[1] ?? version;

const releaseNumbers = (release: string) => release.split(".").map(Number);
export function compareReleases(a: string, b: string): number {
  const [x, y] = [releaseNumbers(releaseOf(a)), releaseNumbers(releaseOf(b))];
  return x[0] - y[0] || x[1] - y[1];
}

/**
 * Why the cluster cannot run `target`: its metadata.version was finalized at a newer release, which
 * `target` cannot read (metadata.version cannot be downgraded). Undefined when it can.
 */
export function downgradeRefusal(finalized: Record<string, Feature>, target: string): string | undefined {
  const metadata = finalized["metadata.version"]?.finalized;
  if (!metadata || compareReleases(metadata, target) <= 0) return undefined;
  return (
    `kraftlab:kafkaVersion: ${target} cannot run this cluster: its metadata.version is finalized at ${metadata}, which Kafka ${releaseOf(target)} cannot read, ` +
    `and Kafka cannot downgrade metadata.version; set kraftlab:kafkaVersion to a ${releaseOf(metadata)}.x release or newer`
  );
}

/** Each feature's level for one release: metadata.version with its release too. */
export type VersionMapping = Record<string, { level: string; release?: string }>;

/** `kafka-features version-mapping`: `metadata.version=30 (4.3)`, `group.version=1`, … */
export function parseVersionMapping(out: string): VersionMapping {
  const mapping: VersionMapping = {};
  for (const m of out.matchAll(/^([a-z.]+)=(\d+)(?: \(([^)]+)\))?\s*$/gm)) mapping[m[1]] = { level: m[2], ...(m[3] && { release: m[3] }) };
  return mapping;
}

/**
 * Why the features asked (a map) cannot be finalized on `version`, whose version-mapping is `mapping`:
 * a feature it does not have, a level above its own, metadata.version as a number or newer than it.
 */
export function featureProblems(config: FeaturesConfig, mapping: VersionMapping, version: string): string[] {
  if (!config || config === "auto") return [];
  const names = Object.keys(mapping).filter((n) => n !== "kraft.version");
  return Object.entries(config).flatMap(([name, level]) => {
    const key = `kraftlab:features.${name}`;
    const known = mapping[name];
    if (name === "kraft.version") return []; // the quorum's migration moves it (model/validate.ts says so)
    if (!known) return [`${key}: Kafka ${version} has no feature ${name}; its features are ${names.join(", ")}`];
    if (name === "metadata.version") {
      const newest = releaseOf(known.release ?? version);
      if (typeof level !== "string") return [`${key}: ${level} is a level; write a release, such as "${newest}"`];
      return compareReleases(level, newest) > 0 ? [`${key}: "${level}" is newer than Kafka ${version} knows; use "${newest}" or older`] : [];
    }
    if (typeof level !== "number") return [`${key}: "${level}" is not a level; write a number from 0 to ${known.level}`];
    return level > Number(known.level) ? [`${key}: Kafka ${version} finalizes ${name} at level ${known.level} at most; use 0 to ${known.level}`] : [];
  });
}

/** A feature to finalize: by name, at a level (`kafka-features upgrade --feature name=level`). */
export interface FeatureUpgrade {
  name: string;
  level: string;
  /** How it reads in `kafka-features describe`: the level, or metadata.version's release. */
  shown: string;
}

/** The release whose version-mapping gives the levels to finalize: metadata.version's in a map, else the one the nodes run. */
export const mappingRelease = (config: FeaturesConfig, target: string) =>
  config && config !== "auto" && config["metadata.version"] !== undefined ? String(config["metadata.version"]) : releaseOf(target);

/**
 * The features to raise so that the cluster finalizes what `config` asks: `mapping` is version-mapping
 * of mappingRelease. Only raises, never kraft.version, which the quorum migration alone moves
 * (quorum/plan.ts).
 */
export function featureUpgrades(config: FeaturesConfig, finalized: Record<string, Feature>, mapping: VersionMapping): FeatureUpgrade[] {
  if (!config) return [];
  const names = config === "auto" ? Object.keys(mapping).filter((name) => name !== "kraft.version") : Object.keys(config);
  return names.flatMap((name) => {
    const asked = config === "auto" ? undefined : String(config[name]);
    const want = name === "metadata.version" || config === "auto" ? mapping[name] : { level: asked as string };
    if (!want) return [];
    const current = finalized[name]?.finalized;
    if (name === "metadata.version") {
      const release = want.release ?? "";
      return current && compareReleases(current, release) >= 0 ? [] : [{ name, level: want.level, shown: release }];
    }
    return Number(current ?? 0) >= Number(want.level) ? [] : [{ name, level: want.level, shown: want.level }];
  });
}

/** Why features cannot be finalized now: nodes that run another release (a mixed cluster is never finalized). */
export function mixedVersionRefusal(versions: Record<string, string>, target: string): string | undefined {
  const behind = Object.entries(versions).filter(([, v]) => v !== target);
  if (behind.length === 0) return undefined;
  return (
    `kraftlab:features: not finalized while node(s) ${behind.map(([id, v]) => `${id} (${v || "not running"})`).join(", ")} run another release than ${target}: ` +
    "a mixed-version cluster is never finalized; run `pulumi up` again once every node runs it"
  );
}
