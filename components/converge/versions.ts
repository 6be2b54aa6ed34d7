// The release the nodes run and the features the cluster finalizes: a release the cluster could no
// longer read refused before any node rolls onto it, kraft.version raised for a static quorum that
// becomes dynamic, and the features asked finalized once every node runs the same release.
import type { ClusterClient } from "../client/cluster";
import { metadataLagProblems } from "../ops/gates";
import { waitUntil } from "../ops/wait";
import { progress } from "../provider/progress";
import type { Runtime } from "../runtime/runtime";
import { downgradeRefusal, featureUpgrades, mappingRelease, mixedVersionRefusal, parseVersionMapping } from "../versions/plan";
import type { Previous, RunningNodesInputs } from "./inputs";
import { upgradeFeature } from "./quorumAdmin";

/**
 * A release change: refused before any node rolls onto a release that could not read what the
 * cluster finalized. A state written by an earlier release names no release: its nodes ran the default one.
 */
export async function checkRelease(client: ClusterClient, olds: RunningNodesInputs, inputs: RunningNodesInputs): Promise<void> {
  if (!olds.kafkaVersion || olds.kafkaVersion === inputs.kafkaVersion) return;
  const refused = downgradeRefusal(await client.features(), inputs.kafkaVersion);
  if (refused) throw new Error(refused);
  progress(`rolling the nodes from Kafka ${olds.kafkaVersion} to ${inputs.kafkaVersion}, one at a time`);
}

/**
 * A static lab asked to become dynamic: kraft.version 1, by name (never a release version), before any
 * node rolls onto bootstrap servers. Once the previous `up` saw it at 1 it stays there: nothing to ask.
 */
export async function ensureKraftVersion(client: ClusterClient, olds: Previous): Promise<void> {
  if (olds.finalized?.["kraft.version"] === "1") return;
  const kraft = (await client.features())["kraft.version"];
  if (kraft && Number(kraft.finalized) < 1) {
    progress("migrating the static quorum to a dynamic one (KIP-853): kraft.version 1, then a roll onto controller.quorum.bootstrap.servers");
    await upgradeFeature(client, "kraft.version", "1");
  }
}

/**
 * Finalizes what kraftlab:features asks, feature by feature and by name, once every node runs
 * kafkaVersion (`versions`: node id → the release it runs); never kraft.version (see
 * ensureKraftVersion) and never on a mixed-version cluster.
 */
export async function finalizeFeatures(rt: Runtime, client: ClusterClient, inputs: RunningNodesInputs, versions: Record<string, string>): Promise<void> {
  if (!inputs.features) return;
  const mixed = mixedVersionRefusal(versions, inputs.kafkaVersion);
  if (mixed) throw new Error(mixed);
  const release = mappingRelease(inputs.features, inputs.kafkaVersion);
  const connect = [
    "--bootstrap-server",
    inputs.admin.bootstrapServers,
    ...(inputs.admin.commandConfig ? ["--command-config", inputs.admin.commandConfig] : []),
  ];
  const [finalized, mapping] = await Promise.all([
    client.features(),
    rt.tool("kafka-features", [...connect, "version-mapping", "--release-version", release]).then(parseVersionMapping),
  ]);
  const upgrades = featureUpgrades(inputs.features, finalized, mapping);
  if (upgrades.length === 0) return;
  for (const upgrade of upgrades) await upgradeFeature(client, upgrade.name, upgrade.level, upgrade.shown);
  // The controller answers once the change is committed; each node applies it later. Until every node
  // has it, Kafka may still describe the old level (and the outputs would show it).
  const committed = (await client.quorum()).highWatermark;
  await waitUntil("after finalizing the features", inputs.gateTimeoutMs, async () => {
    const [q, now] = await Promise.all([client.quorum(), client.features()]);
    const pending = featureUpgrades(inputs.features, now, mapping).map((u) => `${u.name} to show ${u.shown}`);
    return [...metadataLagProblems(q, committed), ...pending];
  });
}
