// The running lab as a drill reaches it: its cluster clients, the facts a drill decides on, its failover
// settings, the drill's topic, and what a strike acts through.
import * as fs from "node:fs";
import pWaitFor from "p-wait-for";
import { getProperties } from "properties-file";
import type { ClusterClient } from "../client/cluster";
import { labClient } from "../cluster/client";
import type { NodeRef, Runtime } from "../runtime/runtime";
import { nodeRef, type StatusOutputs, statusRuntime } from "../status/gather";
import { controllerEndpoints, POLLER_SETTINGS } from "./endpoints";
import { type FailoverSettings, failoverSettings } from "./expected";
import type { Scratch } from "./recorder";
import { type DrillFacts, DrillRefused, type StrikeContext } from "./scenarios";

export const DRILL_TOPIC = "kraftlab-drill";

export interface DrillLab {
  name: string;
  outputs: StatusOutputs;
  /** Settings for the CONTROLLER listener (none on PLAINTEXT), or why the controllers cannot be asked. */
  controllerAccess: { commandConfig?: string } | { unavailable: string };
  /** Runs the stack's `up`; what it said it did. */
  up(): Promise<string[]>;
}

export interface Clients {
  brokers: ClusterClient;
  /** The controllers themselves, when they can be asked. */
  controllers?: ClusterClient;
}

/** The drill's clients, each with the lab's settings then POLLER_SETTINGS, written in `scratch`. */
export function clientsOf(lab: DrillLab, scratch: Scratch): Clients {
  const { outputs } = lab;
  const spec = statusRuntime(outputs);
  const brokers = labClient({
    runtime: { kind: "process", kafkaHome: outputs.kafkaHome },
    kafkaHome: outputs.kafkaHome,
    bootstrapServers: outputs.bootstrapServers,
    commandConfig: scratch.settings("brokers", outputs.clientProperties, POLLER_SETTINGS),
    listener: "EXTERNAL",
  });
  if ("unavailable" in lab.controllerAccess) return { brokers };
  const endpoints = controllerEndpoints(outputs.nodes, spec.kind, outputs.bootstrapServers);
  const controllers = labClient({
    runtime: spec, // on Docker, the client resolves the containers' names through the engine
    kafkaHome: outputs.kafkaHome,
    bootstrapServers: endpoints.map((e) => `${e.host}:${e.port}`).join(","),
    commandConfig: scratch.settings("controllers", lab.controllerAccess.commandConfig, POLLER_SETTINGS),
    listener: "CONTROLLER",
    controllers: true,
  });
  return { brokers, controllers };
}

const brokerIds = (lab: DrillLab) => lab.outputs.nodes.filter((n) => n.roles.includes("broker")).map((n) => n.id);
export const rolesOf = (lab: DrillLab, id: number) => lab.outputs.nodes.find((n) => n.id === id)?.roles ?? [];

/** The facts a drill decides on, asked of the running lab. Refuses a lab with a node down. */
export async function factsOf(lab: DrillLab, rt: Runtime, clients: Clients): Promise<DrillFacts> {
  const down = [];
  for (const node of lab.outputs.nodes) if (!(await rt.running(nodeRef(node)))) down.push(node.id);
  if (down.length > 0) throw new DrillRefused(`node(s) ${down.join(", ")} do not run: bring the lab back with \`npm run up\` first`);
  const [partitions, quorum] = await Promise.all([clients.brokers.partitions(), (clients.controllers ?? clients.brokers).quorum()]);
  const isolation = rt.faults.isolation;
  return {
    nodes: lab.outputs.nodes.map((n) => ({ id: n.id, roles: n.roles })),
    voters: quorum.voters.map((v) => v.id),
    leaderId: quorum.leaderId,
    partitions,
    isolationUnavailable: "unavailable" in isolation ? isolation.unavailable : undefined,
  };
}

/** The failover settings of the lab's first broker. */
export async function settingsOf(lab: DrillLab, clients: Clients): Promise<FailoverSettings> {
  const [config] = await clients.brokers.describeConfigs([{ type: "broker", name: String(brokerIds(lab)[0]) }]);
  return failoverSettings(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.value])));
}

/** The drill's topic: 3 replicas where there are 3 brokers, acked by 2; created once, led everywhere. */
export async function ensureTopic(lab: DrillLab, clients: Clients): Promise<void> {
  const client = clients.brokers;
  const factor = Math.min(3, brokerIds(lab).length);
  if (!(await client.topic(DRILL_TOPIC))) {
    await client.createTopic(DRILL_TOPIC, 6, factor, { "min.insync.replicas": String(Math.min(2, factor)) });
  }
  await pWaitFor(
    async () => (await client.partitions()).filter((p) => p.topic === DRILL_TOPIC).every((p) => p.leader >= 0 && p.isr.length === p.replicas.length),
    { interval: 200, timeout: 60_000 },
  );
}

/** What the drill's strikes and undos act through on this lab. */
export function strikeContextOf(lab: DrillLab, rt: Runtime, mark: (label: string) => void): StrikeContext {
  const refs = new Map(lab.outputs.nodes.map((n) => [n.id, nodeRef(n)]));
  return {
    rt,
    node: (id) => refs.get(id) as NodeRef,
    roles: (id) => rolesOf(lab, id),
    voters: controllerEndpoints(lab.outputs.nodes, rt.kind, lab.outputs.bootstrapServers),
    mark,
  };
}

/** The CONTROLLER listener's settings from the lab's operator file, when it speaks the INTERNAL listener's protocol. */
export function controllerAccessOf(
  protocols: { internal: string; controller: string } | undefined,
  operatorFile: string | undefined,
): DrillLab["controllerAccess"] {
  if (!protocols || protocols.controller === "PLAINTEXT") return {};
  if (protocols.controller === protocols.internal && operatorFile && fs.existsSync(operatorFile)) {
    const props = getProperties(fs.readFileSync(operatorFile, "utf8"));
    if (props["security.protocol"] === protocols.controller) return { commandConfig: operatorFile };
  }
  return {
    unavailable: `the CONTROLLER listener (${protocols.controller}) takes only the nodes' own credentials, which kraftlab keeps for the nodes; the quorum is asked through the brokers`,
  };
}
