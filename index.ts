// The kraftlab program: reads the `kraftlab:*` config once, checks it and the machine, and builds
// the lab. `npm run up` runs it through the Automation API (lab/stack.ts).
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { stackIdentity } from "./components/cluster/resources";
import { PROJECT_DIR } from "./components/host/projectDir";
import {
  cacheDir,
  defaultExporterJar,
  defaultGrafana,
  defaultPrometheus,
  distributionVersion,
  dockerEngines,
  jreRootfs,
  kafkaVersion,
  layoutKafka,
} from "./components/host/tools";
import { KafkaCluster } from "./components/kafkaCluster/kafkaCluster";
import { ConfigError, kraftlabKeys, type LabConfig, parseLabConfig } from "./components/model/config";
import { planMonitoring } from "./components/model/monitoringPlan";
import { type ClusterPlan, planCluster } from "./components/model/topology";
import { ephemeralPortWarnings, noEngineProblem, validateLab } from "./components/model/validate";
import type { MonitoringTools } from "./components/monitoring/monitoring";
import {
  directoryProblems,
  ephemeralPortRange,
  monitoringProblems,
  preflightProblems,
  releaseVersionMapping,
  removalProblems,
  runtimeChangeProblems,
  versionProblems,
} from "./components/preflight/checks";
import { propertyProblems } from "./components/preflight/properties";
import { chooseQuorum } from "./components/quorum/plan";
import { nodesOnDisk } from "./components/runtime/localChecks";
import { planDockerRuntime, planProcessRuntime, planSshRuntime, type RuntimePlan, reachableEngine } from "./components/runtime/plan";
import { operatorFilePath } from "./components/security/labSecurity";
import { recordedQuorum } from "./components/store/labStore";
import { featureProblems } from "./components/versions/plan";

export default async function kraftlab() {
  const config = parseLabConfig(kraftlabKeys(pulumi.runtime.allConfig()));
  const { errors, warnings } = validateLab(config);
  const ephemeral = ephemeralPortRange();
  for (const warning of [...warnings, ...(ephemeral ? ephemeralPortWarnings(config, ephemeral) : [])]) pulumi.log.warn(warning);
  if (errors.length > 0) throw new ConfigError(errors);

  const labDir = path.resolve(PROJECT_DIR, config.labDir ?? path.join(".lab", pulumi.getStack()));
  // A release is laid out (once, then cached) before anything of the lab is touched.
  const layout = config.kafkaHome ? { home: path.resolve(PROJECT_DIR, config.kafkaHome) } : layoutKafka(config.kafkaVersion ?? kafkaVersion());
  if ("problem" in layout) throw new ConfigError([layout.problem]);
  const kafkaHome = layout.home;
  const version = config.kafkaVersion ?? distributionVersion(kafkaHome) ?? "unknown";
  const certsDir = path.resolve(PROJECT_DIR, config.certsDir ?? path.join("certs", pulumi.getStack()));
  const lab = pulumi.getStack();
  // The mode decides every node's server.properties: what the lab runs now, or what it is asked to become.
  const quorum = chooseQuorum(config.quorum, recordedQuorum(labDir), nodesOnDisk(labDir).length > 0);
  if ("problem" in quorum) throw new ConfigError([quorum.problem]);
  const plan = planCluster(config, labDir, lab, quorum);
  const monitoringTools = config.monitoring && {
    exporterJar: path.resolve(PROJECT_DIR, config.monitoring.exporterJar ?? defaultExporterJar()),
    prometheus: config.monitoring.prometheus ? path.resolve(PROJECT_DIR, config.monitoring.prometheus) : defaultPrometheus(),
    grafana: config.monitoring.grafana ? path.resolve(PROJECT_DIR, config.monitoring.grafana) : defaultGrafana(),
  };
  const runtime = config.runtime;
  const stack = stackIdentity();
  let runtimePlan = planProcessRuntime(kafkaHome, labDir);
  if (runtime.kind === "ssh") {
    runtimePlan = planSshRuntime(plan, config.machines, lab, { stack, labDir, kafkaHome, projectDir: PROJECT_DIR, home: os.homedir() });
  }
  if (runtime.kind === "docker") {
    const candidates = runtime.dockerHost ? [runtime.dockerHost] : dockerEngines();
    const dockerHost = await reachableEngine(candidates);
    if (!dockerHost) throw new ConfigError([noEngineProblem(candidates)]);
    const build = { kafkaHome, rootfs: jreRootfs(), dockerfile: path.join(PROJECT_DIR, "setup", "docker", "Dockerfile") };
    runtimePlan = planDockerRuntime(plan, runtime, lab, {
      dockerHost,
      labDir,
      certsDir: config.security && certsDir,
      exporterJar: monitoringTools?.exporterJar,
      build,
    });
  }
  const problems = await labProblems({ config, plan, runtimePlan, labDir, certsDir, kafkaHome, version, stack, monitoringTools });
  if (problems.length > 0) throw new ConfigError(problems);

  const cluster = new KafkaCluster("kafka", { config, plan, runtime: runtimePlan, labDir, kafkaHome, kafkaVersion: version, certsDir, monitoringTools });
  return {
    bootstrapServers: cluster.bootstrapServers,
    clusterId: cluster.clusterId,
    kafkaHome: cluster.kafkaHome,
    clientProperties: cluster.clientProperties,
    nodes: cluster.nodes,
    quorum: cluster.quorum,
    features: cluster.features,
    runtime: cluster.runtime,
    ...(cluster.rebalanced && { rebalanced: cluster.rebalanced }),
    ...(cluster.prometheusUrl && {
      prometheusUrl: cluster.prometheusUrl,
      prometheusConsoles: cluster.prometheusConsoles,
      grafanaProvisioning: cluster.grafanaProvisioning,
      ...(cluster.grafanaUrl ? { grafanaUrl: cluster.grafanaUrl, grafanaAdminPassword: cluster.grafanaAdminPassword } : { grafana: cluster.grafanaNote }),
    }),
    ...(cluster.caCertificate && {
      caCertificate: cluster.caCertificate,
      clientFiles: cluster.clientFiles,
      userPasswords: cluster.userPasswords,
    }),
  };
}

/** What the checks before an `up` read of the lab it is to make. */
interface PlannedLab {
  config: LabConfig;
  plan: ClusterPlan;
  runtimePlan: RuntimePlan;
  labDir: string;
  certsDir: string;
  kafkaHome: string;
  /** The release the nodes are to run. */
  version: string;
  /** `<project>/<stack>`, as the lab directories' markers name it. */
  stack: string;
  monitoringTools?: MonitoringTools;
}

/**
 * Every problem that stops the lab before anything is touched, each said once: its directories, a
 * change of runtime, the machine (or machines, or engine), Kafka's reading of the extra properties, the
 * monitoring's binaries and ports, nodes leaving with replicas, the release and the features.
 */
async function labProblems(lab: PlannedLab): Promise<string[]> {
  const { config, plan, runtimePlan, labDir, certsDir, kafkaHome, version, stack, monitoringTools } = lab;
  const runtime = config.runtime;
  const operatorFile = config.security ? operatorFilePath(certsDir) : undefined;
  const dirs = [{ key: "kraftlab:labDir", dir: labDir }, ...(config.security ? [{ key: "kraftlab:certsDir", dir: certsDir }] : [])];
  const dirProblems = directoryProblems(dirs, stack);
  // A lab moving to another runtime is refused first: the other runtime's checks (ports) would misread it.
  const moved = dirProblems.length === 0 ? runtimeChangeProblems(labDir, runtime.kind) : [];
  const machine = moved.length > 0 ? moved : await preflightProblems(plan, runtimePlan, kafkaHome, stack);
  // A lab of this stack in another checkout shows through its nodes' ports and its Prometheus': said once.
  const problems = [
    ...new Set([
      ...dirProblems,
      ...machine,
      // Kafka itself reads the extra properties, so it must be there first.
      ...(machine.length === 0 ? await propertyProblems(config, kafkaHome, cacheDir()) : []),
      ...(monitoringTools && plan.monitoring ? await monitoringProblems(planMonitoring(plan, plan.monitoring), monitoringTools, { labDir, stack }) : []),
      // The nodes on disk are this lab's only in a directory it may claim.
      // (Machines that do not answer cannot be asked which nodes they hold.)
      ...(dirProblems.length === 0 && (runtimePlan.spec.kind !== "ssh" || machine.length === 0)
        ? await removalProblems(plan, runtimePlan.spec, kafkaHome, config.drainBrokers, operatorFile)
        : []),
      ...(dirProblems.length === 0 && machine.length === 0 ? await versionProblems(plan, runtimePlan.spec, kafkaHome, version, operatorFile) : []),
      ...(config.features && config.features !== "auto" ? featureProblems(config.features, releaseVersionMapping(kafkaHome), version) : []),
    ]),
  ];
  return problems;
}
