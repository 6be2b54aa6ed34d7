// The quorum and the features as the stack outputs and the version decisions read them.
import type { FeatureLevels } from "../client/cluster";
import type { Voter } from "./plan";

export interface QuorumStatus {
  leaderId: number;
  voters: Voter[];
  observers: { id: number; directoryId: string }[];
}

/** A feature's levels: numbers, metadata.version as a release (4.3-IV0). */
export type Feature = Pick<FeatureLevels, "supportedMax" | "finalized">;
