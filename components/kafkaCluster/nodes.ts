// The cluster's nodes as resources: each node's launch (server.properties, heap, JVM options), its
// files, the running nodes, and the broker settings of the whole cluster once they run.
import * as pulumi from "@pulumi/pulumi";
import type { Admin } from "../client/connect";
import { NodeFiles } from "../cluster/resources";
import { RunningNodes } from "../converge/resource";
import type { LabConfig } from "../model/config";
import { type LaunchOptions, nodeLaunch } from "../model/launch";
import { PLAINTEXT_LISTENERS } from "../model/listeners";
import type { ClusterPlan } from "../model/topology";
import { ClusterDefaults } from "../ops/resources";
import type { RuntimePlan } from "../runtime/plan";
import type { LabSecurity } from "../security/labSecurity";
import type { LabBase } from "./labBase";
import type { LabMonitoring } from "./monitoring";

export interface NodesArgs {
  /** The `kraftlab:*` keys the nodes are run with. */
  config: Pick<LabConfig, "heap" | "features" | "drainBrokers" | "reassignmentThrottle" | "readyTimeoutSeconds" | "stopTimeoutSeconds" | "gateTimeoutSeconds">;
  plan: ClusterPlan;
  /** The stack's name, written at the top of each node's server.properties. */
  lab: string;
  /** The lab directory (absolute). */
  labDir: string;
  /** The Kafka distribution on this machine, for the program's admin client. */
  kafkaHome: string;
  /** The release the nodes run. */
  kafkaVersion: string;
  /** Where the nodes run: its `spec` is what the nodes' resources are given. */
  runtime: RuntimePlan;
  base: LabBase;
  /** With security: each node's secrets, the TLS material and operator.properties. */
  security?: LabSecurity;
  /** With monitoring: the exporter agent every node loads, and its rules file. */
  monitoring?: LabMonitoring;
}

export interface Nodes {
  /** The running nodes: what the cluster's operations wait for. */
  processes: RunningNodes;
  /** How the program reaches the cluster: the INTERNAL listeners, with operator.properties when secure. */
  admin: pulumi.Output<Admin>;
}

/**
 * Makes `<name>-node-<id>` (NodeFiles) for each node, `<name>-nodes` (RunningNodes) once every file
 * is written, and `<name>-defaults` (ClusterDefaults, min.insync.replicas) once the nodes run, all
 * children of `parent`.
 */
export function createNodes(name: string, parent: pulumi.Resource, args: NodesArgs): Nodes {
  const { config, plan, base, security, monitoring } = args;
  const runtime = args.runtime.spec;
  const launchOptions: LaunchOptions = {
    lab: args.lab,
    heap: config.heap,
    kafkaVersion: args.kafkaVersion,
    image: runtime.kind === "docker" ? runtime.image : undefined,
    exporter: monitoring && { jar: monitoring.tools.exporterJar, plan: monitoring.plan },
  };
  const launches = plan.nodes.map((node) =>
    security
      ? security.secretsFor(node.id).apply((secrets) => nodeLaunch(plan, node, launchOptions, secrets))
      : pulumi.output(nodeLaunch(plan, node, launchOptions)),
  );
  const files = plan.nodes.map(
    (node, i) =>
      new NodeFiles(
        `${name}-node-${node.id}`,
        {
          nodeId: node.id,
          runtime,
          dir: node.dir,
          dataDir: node.dataDir,
          configFile: node.configFile,
          pidFile: node.pidFile,
          container: node.container,
          ...(node.machine && { machine: node.machine }),
          // With security on, it holds the passwords.
          serverProperties: security ? pulumi.secret(launches[i].apply((l) => l.serverProperties)) : launches[i].apply((l) => l.serverProperties),
          properties: pulumi.unsecret(launches[i].apply((l) => l.shown)),
        },
        { parent, dependsOn: [base.labDir, base.runtime, base.quorumFile] },
      ),
  );
  const admin = pulumi.output(security?.operatorFile.path).apply((commandConfig) => ({
    runtime,
    kafkaHome: args.kafkaHome,
    bootstrapServers: plan.internalBootstrapServers,
    commandConfig,
  }));
  const processes = new RunningNodes(
    `${name}-nodes`,
    {
      runtime,
      labDir: args.labDir,
      // What each node runs is no secret (the hash of a secret file is not, its passwords being random):
      // plain, preview shows which node changes.
      nodes: pulumi.all(launches.map((l) => pulumi.unsecret(l.apply((launch) => launch.run)))),
      tls: security?.tls,
      clusterId: base.clusterId.clusterId,
      kafkaVersion: args.kafkaVersion,
      features: config.features,
      quorum: base.bootstrap.initialControllers.apply((initialControllers) => ({ mode: plan.quorum.mode, initialControllers })),
      voters: base.controllers,
      admin,
      protocols: plan.security?.listeners ?? PLAINTEXT_LISTENERS,
      drain: config.drainBrokers,
      throttleBytesPerSecond: config.reassignmentThrottle,
      readyTimeoutMs: config.readyTimeoutSeconds * 1000,
      stopTimeoutMs: config.stopTimeoutSeconds * 1000,
      gateTimeoutMs: config.gateTimeoutSeconds * 1000,
    },
    { parent, dependsOn: [...files, ...(security ? [security.certsDir] : []), ...(monitoring ? [monitoring.rulesFile] : [])] },
  );
  new ClusterDefaults(
    `${name}-defaults`,
    { admin, configs: { "min.insync.replicas": String(plan.replication.minInsyncReplicas) } },
    { parent, dependsOn: [processes], deletedWith: base.labDir },
  );
  return { processes, admin };
}
