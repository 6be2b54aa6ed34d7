// Every dynamic resource's handlers by kind: the one module that knows every feature, loaded by the
// shim (provider/shim.ts) inside the dynamic provider process. Each feature exports its own handlers.
import { clusterHandlers } from "./cluster/handlers";
import { labRuntime } from "./cluster/runtimeHandler";
import { runningNodes } from "./converge/handler";
import { monitoringServer } from "./monitoring/server";
import { opsHandlers } from "./ops/handlers";
import type { Handler } from "./provider/handler";
import { quiet } from "./provider/quiet";
import type { HandlerKind } from "./provider/shim";
import { quorumHandlers } from "./quorum/handlers";
import { securityHandlers } from "./security/handlers";
import { topicHandlers } from "./topics/handler";

const all: Record<HandlerKind, Handler> = {
  ...clusterHandlers,
  nodeProcesses: runningNodes,
  labRuntime,
  monitoringServer,
  ...securityHandlers,
  ...opsHandlers,
  ...quorumHandlers,
  ...topicHandlers,
};
export const handlers = Object.fromEntries(Object.entries(all).map(([kind, handler]) => [kind, quiet(handler)])) as Record<HandlerKind, Handler>;
