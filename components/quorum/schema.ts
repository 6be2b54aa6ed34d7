// `kraftlab:quorum`: how the controllers know each other. Dynamic (KIP-853) is the default for a new
// lab; static (controller.quorum.voters) is there for courses that teach it, and is what labs made
// before kraftlab knew of dynamic quorums keep until asked.
import { z } from "zod";

export const QUORUM_MODES = ["dynamic", "static"] as const;
export type QuorumMode = (typeof QUORUM_MODES)[number];

export const quorumSchema = z.enum(QUORUM_MODES).optional();
