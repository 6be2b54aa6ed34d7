import { describe, expect, it } from "vitest";
import { parseFeatures, parseQuorumStatus } from "./status";

// As Kafka 4.3.1 prints them.
const status = [
  "ClusterId:              FzejwCJsTbKX0DnpBK5EDA",
  "LeaderId:               2",
  "LeaderEpoch:            1",
  "HighWatermark:          253",
  'CurrentVoters:          [{"id": 1, "directoryId": "vQe69DspRIuhsbIc2LLPoQ", "endpoints": ["CONTROLLER://127.0.0.1:20101"]}, {"id": 2, "directoryId": "d8D1QZ-aQ4-Hzi2AAkTOzQ", "endpoints": ["CONTROLLER://127.0.0.1:20102"]}]',
  'CurrentObservers:       [{"id": 5, "directoryId": "IlFD5kGRJ47hBw3-oJMwng"}]',
].join("\n");

const features = [
  "Feature: eligible.leader.replicas.version          SupportedMinVersion: 0                SupportedMaxVersion: 1                FinalizedVersionLevel: 1                Epoch: 257",
  "Feature: kraft.version                             SupportedMinVersion: 0                SupportedMaxVersion: 1                FinalizedVersionLevel: 0                Epoch: 257",
  "Feature: metadata.version                          SupportedMinVersion: 3.3-IV3          SupportedMaxVersion: 4.3-IV0          FinalizedVersionLevel: 4.3-IV0          Epoch: 257",
].join("\n");

describe("parseQuorumStatus", () => {
  it("reads the leader, each voter's directory id and endpoint, and the observers", () => {
    expect(parseQuorumStatus(status)).toEqual({
      leaderId: 2,
      voters: [
        { id: 1, directoryId: "vQe69DspRIuhsbIc2LLPoQ", endpoint: "CONTROLLER://127.0.0.1:20101" },
        { id: 2, directoryId: "d8D1QZ-aQ4-Hzi2AAkTOzQ", endpoint: "CONTROLLER://127.0.0.1:20102" },
      ],
      observers: [{ id: 5, directoryId: "IlFD5kGRJ47hBw3-oJMwng" }],
    });
  });

  it("reads a static quorum's voters, which have no directory id", () => {
    const staticStatus = 'LeaderId: 1\nCurrentVoters: [{"id": 1, "endpoints": ["CONTROLLER://127.0.0.1:9094"]}, {"id": 2}]\nCurrentObservers: []\n';
    expect(parseQuorumStatus(staticStatus).voters).toEqual([
      { id: 1, directoryId: "", endpoint: "CONTROLLER://127.0.0.1:9094" },
      { id: 2, directoryId: "" },
    ]);
  });
});

describe("parseFeatures", () => {
  it("reads each feature's supported maximum and finalized level", () => {
    expect(parseFeatures(features)).toEqual({
      "eligible.leader.replicas.version": { supportedMax: "1", finalized: "1" },
      "kraft.version": { supportedMax: "1", finalized: "0" },
      "metadata.version": { supportedMax: "4.3-IV0", finalized: "4.3-IV0" },
    });
  });
});
