// The benchmark's table: each measure beside its target, as ratios where the issue sets them. Pure.
import * as os from "node:os";
import { kafkaVersion } from "../components/host/tools";

export const TARGETS = {
  coldUpRatio: 1.0,
  dockerOverProcessRatio: 1.1,
  noopUpSeconds: 2,
  /** A no-op `npm run up`, the whole command, over Pulumi's floor for as many resources. */
  npmNoopUpOverFloor: 1.5,
  /** `npm run status`, the whole command, over one Kafka tool JVM. */
  npmStatusOverToolJvm: 1.2,
  gateMs: 100,
  controllerSeconds: 4,
  destroySeconds: 15,
  rssGiB: 3,
  addBrokerRatio: 1.5,
  rollingRestartRatio: 1.3,
  rollingUpgradeRatio: 1.3,
  rotationOverRollingSeconds: 10,
};
/** A release the bench rolls its lab onto and back from (nothing finalized, so the way back is open). */
export const UPGRADE_TO = "4.4.0";
export const PERF_RECORDS = 50_000;
export const PERF_RUNS = 3;
export type Variant = "plaintext" | "exporter" | "saslSsl";

/** What a user runs, each the whole command in a fresh process, beside what it is held against. */
export interface UserCommands {
  /** The lab's resources, and Pulumi's no-op up of as many trivial ones. */
  resources: number;
  floor: number;
  /** One Kafka tool JVM: `kafka-storage random-uuid`. */
  toolJvm: number;
  npmNoopUp: number;
  npmStatus: number;
  /** JVMs each started (the nodes run already). */
  noopUpJvms: number;
  statusJvms: number;
  /** The same two under a background load of one busy core. */
  busyNoopUp: number;
  busyStatus: number;
}

export interface BenchResults {
  rounds: Record<string, number>[];
  image: Record<string, number>;
  throughput: Record<Variant, number[]>;
  day2: Record<string, number>;
  user: UserCommands;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function benchTable({ rounds, image, throughput, day2, user }: BenchResults): string {
  const m = (key: string) => median(rounds.map((r) => r[key]));
  const ratio = m("kraftlabColdUp") / m("scriptUp");
  const rows: [string, string, string, boolean][] = [
    [
      "cold up to ready: kraftlab / bare script",
      `${m("kraftlabColdUp").toFixed(1)} s / ${m("scriptUp").toFixed(1)} s = ${ratio.toFixed(2)}x`,
      `<= ${TARGETS.coldUpRatio}x`,
      ratio <= TARGETS.coldUpRatio,
    ],
    [
      "cold up to ready: kraftlab / physical floor (3 formatted nodes started in parallel)",
      `${m("kraftlabColdUp").toFixed(1)} s / ${m("floorUp").toFixed(1)} s = ${(m("kraftlabColdUp") / m("floorUp")).toFixed(2)}x (script: ${(m("scriptUp") / m("floorUp")).toFixed(2)}x)`,
      "(measured)",
      true,
    ],
    [
      "no-op up",
      `${m("noopUp").toFixed(1)} s, ${Math.max(...rounds.map((r) => r.noopRestarts))} restarts`,
      `<= ${TARGETS.noopUpSeconds} s, 0 restarts`,
      m("noopUp") <= TARGETS.noopUpSeconds && rounds.every((r) => r.noopRestarts === 0),
    ],
    [
      "destroy (kraftlab) / down (script)",
      `${m("destroy").toFixed(1)} s / ${m("scriptDown").toFixed(1)} s`,
      `<= ${TARGETS.destroySeconds} s`,
      m("destroy") <= TARGETS.destroySeconds,
    ],
    ["RSS of the 3 nodes (heap 512m)", `${m("rssGiB").toFixed(2)} GiB`, `<= ${TARGETS.rssGiB} GiB`, m("rssGiB") <= TARGETS.rssGiB],
    [
      "cold up on Docker / as processes / bare script (3 nodes, plaintext)",
      `${m("dockerColdUp").toFixed(1)} s / ${m("kraftlabColdUp").toFixed(1)} s / ${m("scriptUp").toFixed(1)} s = ${(m("dockerColdUp") / m("kraftlabColdUp")).toFixed(2)}x processes`,
      `<= ${TARGETS.dockerOverProcessRatio}x processes`,
      m("dockerColdUp") / m("kraftlabColdUp") <= TARGETS.dockerOverProcessRatio,
    ],
    [
      "Docker: memory of the 3 containers (heap 512m) / RSS of the 3 processes; destroy",
      `${m("containerGiB").toFixed(2)} GiB / ${m("rssGiB").toFixed(2)} GiB; ${m("dockerDestroy").toFixed(1)} s`,
      "(measured)",
      true,
    ],
    [
      "Docker image: built from nothing / unchanged; its size",
      `${image.imageCold.toFixed(1)} s / ${image.imageCached.toFixed(2)} s; ${image.imageGiB.toFixed(2)} GiB`,
      "unchanged <= 5 s",
      image.imageCached <= 5,
    ],
  ];
  const met = (ok: boolean) => (ok ? "yes" : "NO");
  const addRatio = day2.addBroker / day2.scriptAddBroker;
  const rollRatio = day2.rollingRestart / day2.scriptRestarts;
  const upgradeRatio = day2.rollingUpgrade / day2.scriptRestarts;
  const rotationOk = day2.leafRotationClientErrors === 0 && day2.leafRotation <= day2.rollingRestart + TARGETS.rotationOverRollingSeconds;
  const day2Rows = [
    `| one gate of a roll (partitions with min ISR, and the quorum, through the cluster client), warm, median of 20 | ${day2.gateMs?.toFixed(0)} ms | <= ${TARGETS.gateMs} ms | ${met(day2.gateMs <= TARGETS.gateMs)} |`,
    `| add a 4th broker: kraftlab up / script (format + start + wait) | ${day2.addBroker?.toFixed(1)} s / ${day2.scriptAddBroker?.toFixed(1)} s = ${addRatio.toFixed(2)}x | <= ${TARGETS.addBrokerRatio}x | ${met(addRatio <= TARGETS.addBrokerRatio)} |`,
    `| rolling restart of 3 nodes (gated) / script's 3 bare restarts (3 single-node ups: ${day2.singleRestarts?.toFixed(1)} s) | ${day2.rollingRestart?.toFixed(1)} s / ${day2.scriptRestarts?.toFixed(1)} s = ${rollRatio.toFixed(2)}x | <= ${TARGETS.rollingRestartRatio}x | ${met(rollRatio <= TARGETS.rollingRestartRatio)} |`,
    `| add a controller-only node to the dynamic quorum (format, observer, caught up, add-controller) / remove it: kraftlab up | ${day2.addController?.toFixed(1)} s / ${day2.removeController?.toFixed(1)} s (script's add-broker: ${day2.scriptAddBroker?.toFixed(1)} s) | <= ${TARGETS.controllerSeconds} s each | ${met(day2.addController <= TARGETS.controllerSeconds && day2.removeController <= TARGETS.controllerSeconds)} |`,
    `| rolling upgrade of 3 nodes ${kafkaVersion()} -> ${UPGRADE_TO} (gated) / script's 3 bare restarts | ${day2.rollingUpgrade?.toFixed(1)} s / ${day2.scriptRestarts?.toFixed(1)} s = ${upgradeRatio.toFixed(2)}x | <= ${TARGETS.rollingUpgradeRatio}x | ${met(upgradeRatio <= TARGETS.rollingUpgradeRatio)} |`,
    `| leaf certificate rotation under load (3 nodes roll): time, records acked, client errors (lost + duplicated + failed) | ${day2.leafRotation?.toFixed(1)} s, ${day2.leafRotationAcked}, ${day2.leafRotationClientErrors} | 0 client errors, <= rolling restart + ${TARGETS.rotationOverRollingSeconds} s | ${met(rotationOk)} |`,
  ];
  const floorRatio = user.npmNoopUp / user.floor;
  const statusRatio = user.npmStatus / user.toolJvm;
  const userRows = [
    `| no-op \`npm run up\` (the whole command: setup check, program, status table) / Pulumi's floor (a no-op up of ${user.resources} trivial dynamic resources, same CLI, Automation API) | ${user.npmNoopUp.toFixed(1)} s / ${user.floor.toFixed(1)} s = ${floorRatio.toFixed(2)}x | <= ${TARGETS.npmNoopUpOverFloor}x | ${met(floorRatio <= TARGETS.npmNoopUpOverFloor)} |`,
    `| \`npm run status\` (the whole command) / one Kafka tool JVM (\`kafka-storage random-uuid\`) | ${user.npmStatus.toFixed(2)} s / ${user.toolJvm.toFixed(2)} s = ${statusRatio.toFixed(2)}x | <= ${TARGETS.npmStatusOverToolJvm}x | ${met(statusRatio <= TARGETS.npmStatusOverToolJvm)} |`,
    `| JVMs started (besides the nodes) by a no-op \`npm run up\`; by \`npm run status\` | ${user.noopUpJvms}; ${user.statusJvms} | (measured) | - |`,
    `| under a background load of one busy core: no-op \`npm run up\`; \`npm run status\` | ${user.busyNoopUp.toFixed(1)} s (${(user.busyNoopUp / user.npmNoopUp).toFixed(2)}x quiet); ${user.busyStatus.toFixed(2)} s (${(user.busyStatus / user.npmStatus).toFixed(2)}x quiet) | (measured) | - |`,
  ];
  const tp = (name: Variant) => `${median(throughput[name]).toFixed(0)} (${throughput[name].map((x) => x.toFixed(0)).join(", ")})`;
  const share = (name: Variant) => `${((median(throughput[name]) / median(throughput.plaintext)) * 100).toFixed(0)}%`;
  const securityRow = `| produce, ${PERF_RECORDS} x 1 KiB, acks=all, ${PERF_RUNS} interleaved runs each, median (runs): PLAINTEXT / SASL_SSL | ${tp("plaintext")} / ${tp("saslSsl")} records/s (SASL_SSL at ${share("saslSsl")}) | (measured, no target) | - |`;
  const exporterRow = `| the same, PLAINTEXT: without / with the JMX exporter (scraped every 5 s) | ${tp("plaintext")} / ${tp("exporter")} records/s (${share("exporter")}) | (measured, no target) | - |`;
  return [
    `# kraftlab benchmark, ${new Date().toISOString()}`,
    "",
    `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${rounds.length} alternating rounds, medians.`,
    "",
    "| measure | result | target | met |",
    "| --- | --- | --- | --- |",
    ...rows.map(([what, result, target, met]) => `| ${what} | ${result} | ${target} | ${met ? "yes" : "NO"} |`),
    securityRow,
    exporterRow,
    ...userRows,
    ...day2Rows,
    "",
  ].join("\n");
}
