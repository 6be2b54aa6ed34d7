import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ClusterId, LabDirectory, LabFile, LabRuntime, NodeFiles, NodeProcesses } from "./cluster/resources";
import type { LabConfig } from "./model/config";
import { type LaunchOptions, nodeLaunch } from "./model/launch";
import { renderClientProperties } from "./model/render";
import type { ClusterPlan, NodePorts } from "./model/topology";
import { exporterRules } from "./monitoring/exporter";
import { Monitoring, type MonitoringTools } from "./monitoring/monitoring";
import { planMonitoring } from "./monitoring/plan";
import type { Move } from "./ops/reassign";
import { ClusterDefaults, Rebalance } from "./ops/resources";
import type { QuorumStatus } from "./quorum/outputs";
import { QuorumBootstrap } from "./quorum/resources";
import type { QuorumMode } from "./quorum/schema";
import type { Placement } from "./runtime/place";
import type { RuntimeSpec } from "./runtime/spec";
import { effectiveAcls } from "./security/access";
import { createLabSecurity } from "./security/labSecurity";
import { isSasl, PLAINTEXT_LISTENERS } from "./security/listeners";
import { ClusterAccess } from "./security/resources";
import { quorumRecord, quorumRecordFile } from "./store/quorumRecord";
import { Topic } from "./topics/resource";

export interface KafkaClusterArgs {
  /** The validated `kraftlab:*` configuration (see config.ts). */
  config: LabConfig;
  /** The cluster's shape, planned once from `config` (topology.ts planCluster). */
  plan: ClusterPlan;
  /** Where the nodes run (runtime/place.ts). */
  runtime: Placement;
  /** Absolute directory that holds every node's config, data and logs; removed on destroy. */
  labDir: string;
  /** A Kafka distribution with bin/kafka-server-start.sh and bin/kafka-storage.sh, for the tools on this machine. */
  kafkaHome: string;
  /** Its release: a node running another one rolls onto it. */
  kafkaVersion: string;
  /** Absolute directory for the CA, keystores and client files (with `config.security`); removed on destroy. */
  certsDir?: string;
  /** With `config.monitoring`: the exporter agent and the servers' binaries. */
  monitoringTools?: MonitoringTools;
}

/** What the stack exports for each node. */
export interface NodeInfo {
  id: number;
  roles: string[];
  ports: NodePorts;
  dataDir: string;
  logFile: string;
  /** With the process and SSH runtimes: its pid (0 when not running), on its machine with SSH. */
  pid?: number;
  /** With the Docker runtime: its container's name. */
  container?: string;
  /** With the SSH runtime: its machine and that machine's address. */
  machine?: string;
  address?: string;
  /** The Kafka release it runs ("" when not running). */
  version: string;
}

/** What the stack exports of the quorum. */
export interface QuorumInfo extends Omit<QuorumStatus, "leaderId"> {
  mode: QuorumMode;
  leaderId?: number;
}

/** How many labs this process's programs registered: a run of kraftlab's program that registered none is failed (lab/bail.ts). */
export const labsRegistered = { count: 0 };

/**
 * A Kafka cluster in KRaft mode: one cluster id, and one process per node, formatted once and
 * started as a daemon that outlives `pulumi up`. Nodes with an unchanged config are never touched;
 * `pulumi destroy` stops every node and removes the lab directory.
 */
export class KafkaCluster extends pulumi.ComponentResource {
  /** EXTERNAL listeners of the brokers, comma-separated. */
  public readonly bootstrapServers: pulumi.Output<string>;
  public readonly clusterId: pulumi.Output<string>;
  public readonly kafkaHome: string;
  /** A client config for `--command-config`, `--producer.config`, `--consumer.config` (the admin's when secure). */
  public readonly clientProperties: pulumi.Output<string>;
  public readonly nodes: pulumi.Output<NodeInfo[]>;
  /** The controller quorum: its mode, the voters (node id, directory id, endpoint) and the observers. */
  public readonly quorum: pulumi.Output<QuorumInfo>;
  /** Finalized feature levels (kafka-features describe), by name. */
  public readonly features: pulumi.Output<Record<string, string>>;
  /** Where the nodes run, as the runtime is given it (no secret): on Docker, `docker -H <dockerHost>` reaches their containers. */
  public readonly runtime: RuntimeSpec;
  /** With `rebalance`: the partitions the last rebalance moved (topic, partition, from, to). */
  public readonly rebalanced?: pulumi.Output<Move[]>;
  /** With security: the CA certificate (PEM) path, each user's client file, and their passwords (secret). */
  public readonly caCertificate?: string;
  public readonly clientFiles?: Record<string, pulumi.Output<string>>;
  public readonly userPasswords?: pulumi.Output<Record<string, string>>;
  /** With monitoring: Prometheus, Grafana (when it runs), and the provisioning any Grafana can load. */
  public readonly prometheusUrl?: pulumi.Output<string>;
  /** Prometheus' consoles of kraftlab's dashboards (their overview). */
  public readonly prometheusConsoles?: pulumi.Output<string>;
  public readonly grafanaUrl?: pulumi.Output<string>;
  public readonly grafanaNote?: string;
  public readonly grafanaProvisioning?: string;
  public readonly grafanaAdminPassword?: pulumi.Output<string>;

  constructor(name: string, args: KafkaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kraftlab:index:KafkaCluster", name, {}, opts);
    labsRegistered.count++;
    const { plan } = args;
    const runtime = args.runtime.spec;
    const lab = pulumi.getStack();
    const labDir = new LabDirectory(`${name}-dir`, { path: args.labDir, key: "kraftlab:labDir" }, { parent: this });
    // The nodes wait for their runtime: a refused runtime change stops the up with nothing touched.
    const labRuntime = new LabRuntime(`${name}-runtime`, args.runtime.resource, { parent: this, dependsOn: [labDir] });
    // Everything waits for the lab directory: a directory the stack may not claim stops the up with
    // nothing else created.
    const clusterId = new ClusterId(`${name}-cluster-id`, { parent: this, dependsOn: [labDir] });
    const controllers = plan.controllers.map((n) => ({ id: n.id, host: n.host, port: n.ports.controller as number }));
    const bootstrap = new QuorumBootstrap(`${name}-quorum`, { controllers }, { parent: this, dependsOn: [labDir] });
    // Written before any node: the next program run reads which mode the lab's nodes were given.
    const quorumFile = new LabFile(
      `${name}-quorum-mode`,
      { path: quorumRecordFile(args.labDir), content: quorumRecord(plan.quorum.mode), encoding: "utf8", mode: 0o644 },
      { parent: this, dependsOn: [labDir] },
    );
    if (plan.security && !args.certsDir) throw new pulumi.ResourceError("KafkaCluster: certsDir is required with security", this);
    const security =
      plan.security && args.certsDir ? createLabSecurity(name, this, { plan, security: plan.security, certsDir: args.certsDir, lab, labDir }) : undefined;
    if (plan.monitoring && !args.monitoringTools) throw new pulumi.ResourceError("KafkaCluster: monitoringTools is required with monitoring", this);
    const monitoring = plan.monitoring && args.monitoringTools ? { plan: planMonitoring(plan, plan.monitoring), tools: args.monitoringTools } : undefined;
    const rulesFile =
      monitoring &&
      new LabFile(
        `${name}-exporter-rules`,
        { path: monitoring.plan.exporterRulesFile, content: exporterRules(), encoding: "utf8", mode: 0o644 },
        { parent: this, dependsOn: [labDir] },
      );

    const launchOptions: LaunchOptions = {
      lab,
      heap: args.config.heap,
      kafkaVersion: args.kafkaVersion,
      runtime,
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
          { parent: this, dependsOn: [labDir, labRuntime, quorumFile] },
        ),
    );
    const admin = pulumi.output(security?.operatorFile.path).apply((commandConfig) => ({
      runtime,
      kafkaHome: args.kafkaHome,
      bootstrapServers: plan.internalBootstrapServers,
      commandConfig,
    }));
    const processes = new NodeProcesses(
      `${name}-nodes`,
      {
        runtime,
        labDir: args.labDir,
        // What each node runs is no secret (the hash of a secret file is not, its passwords being random):
        // plain, preview shows which node changes.
        nodes: pulumi.all(launches.map((l) => pulumi.unsecret(l.apply((launch) => launch.run)))),
        tls: security?.tls,
        clusterId: clusterId.clusterId,
        kafkaVersion: args.kafkaVersion,
        features: args.config.features,
        quorum: bootstrap.initialControllers.apply((initialControllers) => ({ mode: plan.quorum.mode, initialControllers })),
        voters: controllers,
        admin,
        protocols: plan.security?.listeners ?? PLAINTEXT_LISTENERS,
        drain: args.config.drainBrokers,
        throttleBytesPerSecond: args.config.reassignmentThrottle,
        readyTimeoutMs: args.config.readyTimeoutSeconds * 1000,
        stopTimeoutMs: args.config.stopTimeoutSeconds * 1000,
        gateTimeoutMs: args.config.gateTimeoutSeconds * 1000,
      },
      { parent: this, dependsOn: [...files, ...(security ? [security.certsDir] : []), ...(rulesFile ? [rulesFile] : [])] },
    );
    new ClusterDefaults(
      `${name}-defaults`,
      { admin, configs: { "min.insync.replicas": String(plan.replication.minInsyncReplicas) } },
      { parent: this, dependsOn: [processes], deletedWith: labDir },
    );
    const clientFile =
      security?.adminFile ??
      new LabFile(
        `${name}-client-properties`,
        { path: path.join(args.labDir, "client.properties"), content: renderClientProperties(plan, lab), encoding: "utf8", mode: 0o644 },
        { parent: this, dependsOn: [labDir] },
      );
    if (plan.security && security) {
      const scram = plan.security.mechanism !== "PLAIN" && isSasl(plan.security.listeners.external);
      new ClusterAccess(
        `${name}-access`,
        {
          runtime,
          kafkaHome: args.kafkaHome,
          bootstrapServers: plan.internalBootstrapServers,
          commandConfig: security.operatorFile.path,
          acls: effectiveAcls(plan.security),
          quotas: plan.security.quotas,
          scramMechanism: scram ? plan.security.mechanism : undefined,
          scramUsers: scram ? security.passwords : {},
        },
        // When the whole lab goes, its ACLs and quotas go with the cluster: no need to remove them one by one.
        { parent: this, dependsOn: [processes], deletedWith: labDir },
      );
      this.caCertificate = security.caFile;
      this.clientFiles = security.clientFiles;
      this.userPasswords = security.passwords;
    }

    const topics = Object.entries(args.config.topics).map(
      ([topic, spec]) =>
        new Topic(
          `${name}-topic-${topic}`,
          { name: topic, ...spec, admin, allowDeletion: args.config.allowTopicDeletion },
          // A whole-lab destroy takes the topics with the cluster: no need to delete them one by one.
          { parent: this, dependsOn: [processes], deletedWith: labDir },
        ),
    );
    if (args.config.rebalance) {
      const rebalance = new Rebalance(
        `${name}-rebalance`,
        {
          admin,
          brokers: plan.brokers.map((n) => n.id),
          throttleBytesPerSecond: args.config.reassignmentThrottle,
          timeoutMs: args.config.gateTimeoutSeconds * 1000,
        },
        { parent: this, dependsOn: [processes, ...topics], deletedWith: labDir },
      );
      this.rebalanced = rebalance.moved;
    }

    if (monitoring) {
      const observer = new Monitoring(
        `${name}-monitoring`,
        {
          plan: monitoring.plan,
          tools: monitoring.tools,
          lab,
          certificates: security?.certificates,
          renewBeforeDays: plan.security?.renewBeforeDays,
          readyTimeoutSeconds: args.config.readyTimeoutSeconds,
        },
        { parent: this, dependsOn: [processes] },
      );
      this.prometheusUrl = observer.prometheusUrl;
      this.prometheusConsoles = observer.prometheusConsoles;
      this.grafanaUrl = observer.grafanaUrl;
      this.grafanaNote = observer.grafanaNote;
      this.grafanaProvisioning = observer.grafanaProvisioning;
      this.grafanaAdminPassword = observer.grafanaAdminPassword;
    }

    this.bootstrapServers = pulumi.output(plan.bootstrapServers);
    this.clusterId = clusterId.clusterId;
    this.kafkaHome = args.kafkaHome;
    this.clientProperties = clientFile.path;
    this.quorum = processes.quorumStatus.apply((status) => ({ mode: plan.quorum.mode, voters: [], observers: [], ...status }));
    this.features = processes.finalized.apply((finalized) => finalized ?? {});
    // Over SSH, how each machine is reached (no key material: a key file's path, the host key): what `npm run status` dials.
    this.runtime = runtime;
    this.nodes = pulumi.all([processes.running, processes.versions]).apply(([running, versions]) =>
      plan.nodes.map((node) => ({
        id: node.id,
        roles: node.roles,
        ports: node.ports,
        dataDir: node.dataDir,
        logFile: node.logFile,
        ...(node.container ? { container: node.container } : { pid: Number(running[String(node.id)] || 0) }),
        ...(node.machine && { machine: node.machine, address: node.externalHost }),
        version: versions?.[String(node.id)] ?? "",
      })),
    );
    this.registerOutputs({
      bootstrapServers: this.bootstrapServers,
      clusterId: this.clusterId,
      kafkaHome: this.kafkaHome,
      clientProperties: this.clientProperties,
      nodes: this.nodes,
      quorum: this.quorum,
      features: this.features,
      runtime: this.runtime,
      rebalanced: this.rebalanced,
      caCertificate: this.caCertificate,
      clientFiles: this.clientFiles,
      userPasswords: this.userPasswords,
      prometheusUrl: this.prometheusUrl,
      prometheusConsoles: this.prometheusConsoles,
      grafanaUrl: this.grafanaUrl,
      grafanaNote: this.grafanaNote,
      grafanaProvisioning: this.grafanaProvisioning,
      grafanaAdminPassword: this.grafanaAdminPassword,
    });
  }
}
