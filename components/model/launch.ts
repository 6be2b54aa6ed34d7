// A node's launch, in one place: its server.properties, its heap, its JVM options (the exporter
// agent), what it runs in, and the hash a running node is compared with (a node that runs another
// launch restarts). Pure: KafkaCluster feeds it the plan, and the secrets once they resolve.
import { getProperties } from "properties-file";
import { fingerprint } from "./fingerprint";
import type { SecuritySecrets } from "./listeners";
import { exporterAgentOption, type MonitoringPlan } from "./monitoringPlan";
import { nodeTunables, renderServerProperties } from "./render";
import type { ClusterPlan, NodePlan } from "./topology";

/** The fingerprint of a node's launch: its server.properties, heap, and what it runs (JVM options, release, image). */
export const launchHash = (serverProperties: string, heap: string, launched: string) => fingerprint([serverProperties, heap, launched].join("\0"));

/** One node as a runtime runs it: what the launch gives the runtime to start. */
export interface NodeRun {
  id: number;
  roles: string[];
  heap: string;
  dir: string;
  dataDir: string;
  configFile: string;
  logFile: string;
  pidFile: string;
  /** Its container, with the Docker runtime. */
  container?: string;
  /** Its machine, with the SSH runtime: where its files, data and process are. */
  machine?: string;
  /** Ports the Docker runtime publishes on kraftlab:host (EXTERNAL, metrics). */
  published: number[];
  /** Extra JVM options (KAFKA_OPTS), e.g. the metrics exporter agent. */
  jvmOptions: string;
  /** The Kafka release it runs. */
  version: string;
  /** What the node must run with, as launchHash computes it: a node running another restarts (or reconfigures, see nodeAction). */
  configHash: string;
  /** The same without its tunables (kraftlab:properties and the lab's defaults), which a broker may take at run time. */
  staticHash: string;
  /** Its tunables: the `properties` of its server.properties. */
  tunables: Record<string, string>;
}

export interface LaunchOptions {
  /** The stack's name, written at the top of each file. */
  lab: string;
  heap: string;
  /** The Kafka release the node runs. */
  kafkaVersion: string;
  /** The image its container runs, with the Docker runtime: a new image rolls the node. */
  image?: string;
  /** With monitoring: the agent jar and the monitoring plan. */
  exporter?: { jar: string; plan: MonitoringPlan };
}

export interface NodeLaunch {
  serverProperties: string;
  /** Its keys and values as a preview shows them, passwords masked: no secret, so the CLI diffs it key by key. */
  shown: Record<string, string>;
  run: NodeRun;
}

export const MASKED = "[secret]";

/** The keys of a server.properties with every value that holds a password (one of `secrets`, or a *password key) masked. */
export function shownProperties(serverProperties: string, secrets: string[]): Record<string, string> {
  const hides = (key: string, value: string) => /password/i.test(key) || secrets.some((s) => s && value.includes(s));
  return Object.fromEntries(Object.entries(getProperties(serverProperties)).map(([key, value]) => [key, hides(key, value) ? MASKED : value]));
}

const secretValues = (secrets?: SecuritySecrets) => (secrets ? [secrets.nodePassword, secrets.keystorePassword, ...Object.values(secrets.userPasswords)] : []);

/**
 * A node reads controller.quorum.bootstrap.servers only to find the quorum's leader when it starts,
 * then follows the voters in the metadata log: a new list (a controller added or removed) is written
 * for its next start but restarts no node.
 */
export const withoutBootstrap = (serverProperties: string) => serverProperties.replace(/^controller\.quorum\.bootstrap\.servers=.*$/m, "");

/** `secrets` is required when the plan has security. */
export function nodeLaunch(plan: ClusterPlan, node: NodePlan, opts: LaunchOptions, secrets?: SecuritySecrets): NodeLaunch {
  const serverProperties = renderServerProperties(plan, node, opts.lab, secrets);
  const tunables = nodeTunables(node);
  const jvmOptions = opts.exporter ? exporterAgentOption(opts.exporter.jar, opts.exporter.plan, node) : "";
  // A new release rolls the nodes onto it; a container runs its image too (built from that release).
  const launched = [jvmOptions, opts.kafkaVersion, ...(opts.image ? [opts.image] : [])].join("\0");
  return {
    serverProperties,
    shown: shownProperties(serverProperties, secretValues(secrets)),
    run: {
      id: node.id,
      roles: node.roles,
      heap: opts.heap,
      dir: node.dir,
      dataDir: node.dataDir,
      configFile: node.configFile,
      logFile: node.logFile,
      pidFile: node.pidFile,
      container: node.container,
      ...(node.machine && { machine: node.machine }),
      published: [node.ports.external, node.ports.metrics].filter((p): p is number => p !== undefined),
      jvmOptions,
      version: opts.kafkaVersion,
      configHash: launchHash(withoutBootstrap(serverProperties), opts.heap, launched),
      staticHash: launchHash(withoutBootstrap(renderServerProperties(plan, { ...node, extraProperties: {} }, opts.lab, secrets, false)), opts.heap, launched),
      tunables,
    },
  };
}
