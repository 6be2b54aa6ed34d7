// How the supervisor reads and changes the quorum and the features of a running cluster, through the
// Kafka tools (as the nodes themselves, with security on). Used inside the dynamic provider process.
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { NodeRun } from "../cluster/rollout";
import { type Admin, quorum, tool, waitUntil } from "../ops/admin";
import { caughtUp } from "../ops/clusterState";
import type { Runtime } from "../runtime/runtime";
import type { Voter } from "./plan";
import { type Feature, parseFeatures, parseQuorumStatus, type QuorumStatus } from "./status";

/** The default controller.quorum.fetch.timeout.ms: the leader's own measure of a follower caught up. */
export const FETCH_TIMEOUT_MS = 2_000;

/** Each step of a quorum change, as the `up` output shows it. */
export const step = (what: string) => console.error(`kraftlab: ${what}`);

export const quorumStatus = async (admin: Admin): Promise<QuorumStatus> =>
  parseQuorumStatus(await tool(admin, "kafka-metadata-quorum", ["describe", "--status"]));

export const features = async (admin: Admin): Promise<Record<string, Feature>> => parseFeatures(await tool(admin, "kafka-features", ["describe"]));

/** Finalizes one feature at `level`, by name: never a release version, which would move kraft.version too. */
export async function upgradeFeature(admin: Admin, name: string, level: string): Promise<void> {
  step(`finalizing ${name}=${level}`);
  await tool(admin, "kafka-features", ["upgrade", "--feature", `${name}=${level}`]);
}

/**
 * Runs a voter change again while Kafka answers that it reached a node that is not (or no longer) the
 * quorum's leader: the request was not applied, and right after a leader change a broker may still
 * point at the old one.
 */
async function onLeader(run: () => Promise<string>): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= 5 || !/NotLeaderOrFollower|NOT_LEADER_OR_FOLLOWER/.test((err as Error).message)) throw err;
      await sleep(2_000);
    }
  }
}

/** Waits until node `id`, on the storage of `directoryId` (a controller not yet a voter), has caught up with the leader. */
export const waitCaughtUp = (admin: Admin, id: number, directoryId: string, timeoutMs: number) =>
  waitUntil(`before controller ${id} joins the quorum`, timeoutMs, async () =>
    caughtUp(await quorum(admin), id, directoryId, FETCH_TIMEOUT_MS) ? [] : [`controller ${id} to catch up with the quorum leader`],
  );

/**
 * Makes `node` a voter with the directory id its storage has. The tool reads the node's id, endpoint
 * and directory from its server.properties and storage, so it runs where they are; the client settings
 * of the program's own connection follow them in a file of the node's (mode 0600: it holds secrets).
 */
export async function addController(rt: Runtime, node: NodeRun, admin: Admin): Promise<void> {
  step(`adding controller ${node.id} to the quorum`);
  const file = path.join(node.dir, "add-controller.properties");
  const client = admin.commandConfig ? await fsp.readFile(admin.commandConfig, "utf8") : "";
  await fsp.writeFile(file, `${await fsp.readFile(node.configFile, "utf8")}\n${client}`, { mode: 0o600 });
  try {
    await onLeader(() =>
      rt.nodeTool(node, "kafka-metadata-quorum", ["--bootstrap-server", admin.bootstrapServers, "--command-config", file, "add-controller"]),
    );
  } finally {
    await fsp.rm(file, { force: true });
  }
}

export async function removeController(admin: Admin, voter: Voter): Promise<void> {
  step(`removing controller ${voter.id} (directory ${voter.directoryId}) from the quorum`);
  await onLeader(() =>
    tool(admin, "kafka-metadata-quorum", ["remove-controller", "--controller-id", String(voter.id), "--controller-directory-id", voter.directoryId]),
  );
}
