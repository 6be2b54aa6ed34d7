// Every dynamic resource's handlers by kind: the one module that knows every feature, loaded by the
// shim (shim.ts) inside the dynamic provider process. Each feature exports its own handlers.
import { clusterHandlers } from "../cluster/handlers";
import { nodeProcesses } from "../cluster/supervisor";
import { monitoringServer } from "../monitoring/server";
import { opsHandlers } from "../ops/handlers";
import { quorumHandlers } from "../quorum/handlers";
import { labRuntime } from "../runtime/handlers";
import { securityHandlers } from "../security/handlers";
import { topicHandlers } from "../topics/handler";
import { quiet } from "./quiet";

const all = {
  ...clusterHandlers,
  nodeProcesses,
  labRuntime,
  monitoringServer,
  ...securityHandlers,
  ...opsHandlers,
  ...quorumHandlers,
  ...topicHandlers,
};
export type HandlerKind = keyof typeof all;
export const handlers = Object.fromEntries(Object.entries(all).map(([kind, handler]) => [kind, quiet(handler)])) as Record<
  HandlerKind,
  ReturnType<typeof quiet>
>;
