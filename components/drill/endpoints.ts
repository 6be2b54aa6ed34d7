// Where a drill reaches the controllers themselves (their CONTROLLER listeners), from the stack's
// outputs: the quorum's leader is asked of them, not of brokers that forward to a controller gone.
import type { NodeInfo } from "../kafkaCluster/kafkaCluster";
import { nodeHostName } from "../model/topology";
import type { RuntimeSpec } from "../runtime/spec";

export interface ControllerEndpoint {
  id: number;
  host: string;
  port: number;
}

/**
 * The controllers' listeners: on Docker by the names the lab network gives the containers, over SSH at
 * their machine's address, as processes on the host the EXTERNAL listeners name.
 */
export function controllerEndpoints(nodes: NodeInfo[], runtime: RuntimeSpec["kind"], bootstrapServers: string): ControllerEndpoint[] {
  const host = bootstrapServers.split(",")[0].replace(/:\d+$/, "");
  return nodes
    .filter((n) => n.roles.includes("controller") && n.ports.controller !== undefined)
    .map((n) => ({
      id: n.id,
      host: runtime === "docker" ? nodeHostName(n.id) : runtime === "ssh" ? (n.address ?? host) : host,
      port: n.ports.controller as number,
    }));
}

/** Client settings of a drill's pollers: a lost node is given up on in about a second, not Kafka's 10–30 s. */
export const POLLER_SETTINGS: Record<string, string> = {
  "retry.backoff.ms": "50",
  "retry.backoff.max.ms": "100",
  "reconnect.backoff.max.ms": "200",
  "socket.connection.setup.timeout.ms": "1000",
  "socket.connection.setup.timeout.max.ms": "1000",
  "request.timeout.ms": "3000",
};
