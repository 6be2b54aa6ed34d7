import { describe, expect, it } from "vitest";
import {
  compareReleases,
  downgradeRefusal,
  featureProblems,
  featureUpgrades,
  mappingRelease,
  mixedVersionRefusal,
  parseVersionMapping,
  releaseOf,
} from "./plan";

// As Kafka 4.3.1's kafka-features version-mapping --release-version 4.3 prints it.
const mapping43 = parseVersionMapping(
  "metadata.version=30 (4.3)\nkraft.version=1\ntransaction.version=2\ngroup.version=1\neligible.leader.replicas.version=1\nshare.version=1\nstreams.version=1\n",
);
const feature = (finalized: string, supportedMax = finalized) => ({ finalized, supportedMax });
/** A 4.2 cluster whose nodes run 4.3.1, nothing finalized yet. */
const finalized42 = {
  "metadata.version": feature("4.2-IV1", "4.3-IV0"),
  "kraft.version": feature("0", "1"),
  "share.version": feature("0", "1"),
  "group.version": feature("1"),
};

describe("releases", () => {
  it("reads the release of a version or a metadata.version, and orders them", () => {
    expect(releaseOf("4.3.1")).toBe("4.3");
    expect(releaseOf("4.2-IV1")).toBe("4.2");
    expect(compareReleases("4.2.2", "4.3-IV0")).toBeLessThan(0);
    expect(compareReleases("4.10.0", "4.9.1")).toBeGreaterThan(0);
    expect(compareReleases("4.3-IV0", "4.3.1")).toBe(0);
  });
});

describe("downgradeRefusal", () => {
  it("lets a cluster run an older release until its metadata.version is finalized past it", () => {
    expect(downgradeRefusal(finalized42, "4.2.2")).toBeUndefined();
    expect(downgradeRefusal({ "metadata.version": feature("4.3-IV0") }, "4.3.1")).toBeUndefined();
    expect(downgradeRefusal({ "metadata.version": feature("4.3-IV0") }, "4.2.2")).toBe(
      "kraftlab:kafkaVersion: 4.2.2 cannot run this cluster: its metadata.version is finalized at 4.3-IV0, which Kafka 4.2 cannot read, " +
        "and Kafka cannot downgrade metadata.version; set kraftlab:kafkaVersion to a 4.3.x release or newer",
    );
  });
});

describe("featureUpgrades", () => {
  it("finalizes nothing unless asked", () => {
    expect(featureUpgrades(undefined, finalized42, mapping43)).toEqual([]);
  });

  it("with auto, raises every feature to the release's level by name, never kraft.version", () => {
    expect(featureUpgrades("auto", finalized42, mapping43)).toEqual([
      { name: "metadata.version", level: "30", shown: "4.3" },
      { name: "transaction.version", level: "2", shown: "2" },
      { name: "eligible.leader.replicas.version", level: "1", shown: "1" },
      { name: "share.version", level: "1", shown: "1" },
      { name: "streams.version", level: "1", shown: "1" },
    ]);
  });

  it("with a map, raises those features only, metadata.version by release; nothing already there", () => {
    expect(mappingRelease({ "metadata.version": "4.3", "share.version": 1 }, "4.3.1")).toBe("4.3");
    expect(featureUpgrades({ "metadata.version": "4.3", "share.version": 1, "group.version": 1 }, finalized42, mapping43)).toEqual([
      { name: "metadata.version", level: "30", shown: "4.3" },
      { name: "share.version", level: "1", shown: "1" },
    ]);
    const done = { ...finalized42, "metadata.version": feature("4.3-IV0") };
    expect(featureUpgrades({ "metadata.version": "4.3" }, done, mapping43)).toEqual([]);
  });
});

describe("mixedVersionRefusal", () => {
  it("finalizes only when every node runs the target release", () => {
    expect(mixedVersionRefusal({ 1: "4.3.1", 2: "4.3.1" }, "4.3.1")).toBeUndefined();
    expect(mixedVersionRefusal({ 1: "4.3.1", 2: "4.2.2", 3: "" }, "4.3.1")).toBe(
      "kraftlab:features: not finalized while node(s) 2 (4.2.2), 3 (not running) run another release than 4.3.1: a mixed-version cluster is never finalized; run `pulumi up` again once every node runs it",
    );
  });
});

describe("featureProblems", () => {
  it("accepts features the release has, at its levels or below, and auto", () => {
    expect(featureProblems({ "metadata.version": "4.2", "share.version": 1, "group.version": 0 }, mapping43, "4.3.1")).toEqual([]);
    expect(featureProblems("auto", mapping43, "4.3.1")).toEqual([]);
  });

  it("refuses, before anything is touched, a feature the release lacks, a level above its own, a newer metadata.version", () => {
    expect(featureProblems({ "share.versoin": 1, "streams.version": 2, "metadata.version": "4.4", "group.version": "1" }, mapping43, "4.3.1")).toEqual([
      "kraftlab:features.share.versoin: Kafka 4.3.1 has no feature share.versoin; its features are metadata.version, transaction.version, group.version, eligible.leader.replicas.version, share.version, streams.version",
      "kraftlab:features.streams.version: Kafka 4.3.1 finalizes streams.version at level 1 at most; use 0 to 1",
      'kraftlab:features.metadata.version: "4.4" is newer than Kafka 4.3.1 knows; use "4.3" or older',
      'kraftlab:features.group.version: "1" is not a level; write a number from 0 to 1',
    ]);
    expect(featureProblems({ "metadata.version": 30 }, mapping43, "4.3.1")).toEqual([
      'kraftlab:features.metadata.version: 30 is a level; write a release, such as "4.3"',
    ]);
  });
});
