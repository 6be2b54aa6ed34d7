// `kraftlab:quorum`: how the controllers know each other. Dynamic (KIP-853) is the default for a new
// lab; static (controller.quorum.voters) is there for courses that teach it, and is what a lab made
// by an earlier release, without dynamic quorums, keeps until asked.
import { z } from "zod";

export const QUORUM_MODES = ["dynamic", "static"] as const;
export type QuorumMode = (typeof QUORUM_MODES)[number];

/**
 * `kraftlab:quorum`: `dynamic` (KIP-853: formatted with `--initial-controllers`, controllers join and
 * leave with `up`) or `static` (`controller.quorum.voters`). Unset: what the lab runs, `dynamic` for a
 * new lab. Static to dynamic is a migration; back to static is refused.
 */
export const quorumSchema = z.enum(QUORUM_MODES).optional();

/** The mode a lab runs, as chosen from the config and what the lab records (quorum/plan.ts chooseQuorum). */
export interface QuorumChoice {
  mode: QuorumMode;
  /** A static lab asked to become dynamic: kraft.version 1, then a roll onto bootstrap servers. */
  migrating: boolean;
}
