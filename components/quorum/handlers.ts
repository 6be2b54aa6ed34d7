// The quorum's bootstrap, as a dynamic resource: the `--initial-controllers` of a dynamic lab, with a
// directory id per first controller, generated once and kept in state like the cluster id, so that a
// create that failed half-way formats the rest of its controllers with the very same value.
import { generatedOnce, kafkaUuid } from "../provider/handler";
import { type ControllerEndpoint, initialControllers } from "./plan";

export interface QuorumBootstrapInputs {
  /** The controllers when the lab is created. */
  controllers: ControllerEndpoint[];
}

// Fixed at creation: controllers that come later join through add-controller with ids of their own.
const quorumBootstrap = generatedOnce(async (inputs: QuorumBootstrapInputs) => {
  const directoryIds = Object.fromEntries(inputs.controllers.map((c) => [String(c.id), kafkaUuid()]));
  return { id: "quorum", outs: { ...inputs, initialControllers: initialControllers(inputs.controllers, directoryIds) } };
});

export const quorumHandlers = { quorumBootstrap };
