// `kraftlab:kafkaVersion` and `kraftlab:features`: which Kafka release the nodes run, and which feature
// levels the cluster is asked to finalize once every node runs it.
import { z } from "zod";

/**
 * `kraftlab:kafkaVersion`: a Kafka 4.x release, e.g. `4.3.1`. Unset: the setup's (setup/kafka/pom.xml),
 * or with `kraftlab:kafkaHome` that distribution's.
 */
export const kafkaVersionSchema = z
  .string()
  .regex(/^4\.\d+\.\d+$/, "expected a Kafka 4.x release such as 4.3.1")
  .optional();

/**
 * `kraftlab:features`. `auto`: every feature the running release supports, at that release's levels (never kraft.version,
 * which only the quorum's migration moves). A map: those features at those levels (metadata.version
 * as a release, e.g. "4.3"). Absent: nothing is finalized, and the release can still be rolled back.
 */
export const featuresSchema = z
  .union([z.literal("auto"), z.record(z.string().min(1), z.union([z.number().int().min(0), z.string().regex(/^4\.\d+$/)]))])
  .optional();
export type FeaturesConfig = z.infer<typeof featuresSchema>;
