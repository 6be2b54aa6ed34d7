// The KafkaCluster component: a lab's whole cluster, made by each feature's free function in the
// order the lab needs: base, security, the exporter's rules, nodes, access, topics, rebalance, monitoring.
import * as pulumi from "@pulumi/pulumi";
import type { LabConfig } from "../model/config";
import type { ClusterPlan } from "../model/topology";
import type { MonitoringTools } from "../monitoring/monitoring";
import type { Move } from "../ops/reassign";
import type { RuntimePlan } from "../runtime/plan";
import type { RuntimeSpec } from "../runtime/spec";
import { quorumRecordFile } from "../store/labStore";
import { createAccess, createSecurity } from "./access";
import { createLabBase } from "./labBase";
import { createMonitoring, prepareMonitoring } from "./monitoring";
import { createNodes } from "./nodes";
import { clusterOutputs, type NodeInfo, type QuorumInfo } from "./outputs";
import { createRebalance } from "./rebalance";
import { createTopics } from "./topics";

export type { NodeInfo, QuorumInfo } from "./outputs";

export interface KafkaClusterArgs {
  /** The validated `kraftlab:*` configuration (see model/config.ts). */
  config: LabConfig;
  /** The cluster's shape, planned once from `config` (model/topology.ts planCluster). */
  plan: ClusterPlan;
  /** Where the nodes run (runtime/plan.ts). */
  runtime: RuntimePlan;
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

/** How many labs this process's programs registered: a run of kraftlab's program that registered none is failed (lab/bail.ts). */
export const labsRegistered = { count: 0 };

/** The component's outputs: its public fields, each registered as an output. */
type KafkaClusterOutputs = Omit<KafkaCluster, keyof pulumi.ComponentResource>;

/**
 * A Kafka cluster in KRaft mode: one cluster id, and one process per node, formatted once and
 * started as a daemon that outlives `pulumi up`. Nodes with an unchanged config are never touched;
 * `pulumi destroy` stops every node and removes the lab directory.
 */
export class KafkaCluster extends pulumi.ComponentResource {
  /** EXTERNAL listeners of the brokers, comma-separated. */
  declare readonly bootstrapServers: pulumi.Output<string>;
  /** The cluster id: generated once, kept in state, never changed. */
  declare readonly clusterId: pulumi.Output<string>;
  /** The Kafka distribution on this machine, with bin/kafka-*.sh. */
  declare readonly kafkaHome: string;
  /** A client config for `--command-config`, `--producer.config`, `--consumer.config` (the admin's when secure). */
  declare readonly clientProperties: pulumi.Output<string>;
  /** Each node: its id, roles, ports, files, the release it runs, and its pid, container or machine. */
  declare readonly nodes: pulumi.Output<NodeInfo[]>;
  /** The controller quorum: its mode, the voters (node id, directory id, endpoint) and the observers. */
  declare readonly quorum: pulumi.Output<QuorumInfo>;
  /** Finalized feature levels (kafka-features describe), by name. */
  declare readonly features: pulumi.Output<Record<string, string>>;
  /** Where the nodes run, as the runtime is given it (no secret): on Docker, `docker -H <dockerHost>` reaches their containers. */
  declare readonly runtime: RuntimeSpec;
  /** With `rebalance`: the partitions the last rebalance moved (topic, partition, from, to). */
  declare readonly rebalanced?: pulumi.Output<Move[]>;
  /** With security: the CA certificate's (PEM) path. */
  declare readonly caCertificate?: string;
  /** With security: each user's client file (client-<user>.properties), by user. */
  declare readonly clientFiles?: Record<string, pulumi.Output<string>>;
  /** With security: each user's password, by user (secret). */
  declare readonly userPasswords?: pulumi.Output<Record<string, string>>;
  /** With monitoring: where the stack's Prometheus serves. */
  declare readonly prometheusUrl?: pulumi.Output<string>;
  /** With monitoring: Prometheus' consoles of kraftlab's dashboards (their overview). */
  declare readonly prometheusConsoles?: pulumi.Output<string>;
  /** With monitoring and a Grafana binary: where the stack's Grafana serves. */
  declare readonly grafanaUrl?: pulumi.Output<string>;
  /** With monitoring and no Grafana binary: how to have any Grafana load the provisioning. */
  declare readonly grafanaNote?: string;
  /** With monitoring: the provisioning directory (datasource and dashboards), `GF_PATHS_PROVISIONING` for any Grafana. */
  declare readonly grafanaProvisioning?: string;
  /** With monitoring and a Grafana binary: the password of Grafana's `admin` (secret). */
  declare readonly grafanaAdminPassword?: pulumi.Output<string>;

  constructor(name: string, args: KafkaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kraftlab:index:KafkaCluster", name, {}, opts);
    labsRegistered.count++;
    const { plan } = args;
    const lab = pulumi.getStack();
    const base = createLabBase(name, this, { ...args, quorumRecord: quorumRecordFile(args.labDir, plan.quorum.mode) });
    const security = createSecurity(name, this, { ...args, lab, base });
    const monitoring = prepareMonitoring(name, this, { ...args, base });
    const { processes, admin } = createNodes(name, this, { ...args, lab, base, security, monitoring });
    const access = createAccess(name, this, { ...args, lab, base, security, processes });
    const topics = createTopics(name, this, { ...args, admin, processes, base });
    const rebalanced = createRebalance(name, this, { ...args, admin, processes, topics, base });
    const observed = createMonitoring(name, this, { ...args, lab, monitoring, security, processes });
    const outputs: KafkaClusterOutputs = {
      ...clusterOutputs(plan, base.clusterId, processes),
      kafkaHome: args.kafkaHome,
      // Over SSH, how each machine is reached (no key material: a key file's path, the host key): what `npm run status` dials.
      runtime: args.runtime.spec,
      rebalanced,
      ...access,
      ...observed,
    };
    Object.assign(this, outputs);
    this.registerOutputs(outputs);
  }
}
