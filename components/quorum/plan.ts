// Pure decisions about the controller quorum: which mode a lab runs, how each node's storage is
// formatted, which voters to remove and add so that the quorum matches kraftlab:nodes, and which
// changes are refused. The reconcilers carry them out (converge/removal.ts, converge/voters.ts).
import type { QuorumChoice, QuorumMode } from "../model/schema/quorum";

/**
 * The lab's quorum mode: as configured, else as recorded, else static for an existing lab with no
 * record (an earlier release made it, with static voters), else dynamic. Back to static is refused: Kafka
 * cannot downgrade kraft.version.
 */
export function chooseQuorum(configured: QuorumMode | undefined, recorded: QuorumMode | undefined, labExists: boolean): QuorumChoice | { problem: string } {
  const current = recorded ?? (labExists ? "static" : undefined);
  if (current === "dynamic" && configured === "static") {
    return {
      problem:
        "kraftlab:quorum: this lab's quorum is dynamic (kraft.version 1) and cannot become static: Kafka cannot downgrade kraft.version; " +
        "remove kraftlab:quorum (or set it to dynamic), or destroy the lab and create it again with quorum: static",
    };
  }
  const mode = configured ?? current ?? "dynamic";
  return { mode, migrating: current === "static" && mode === "dynamic" };
}

/** A controller's endpoint on the CONTROLLER listener. */
export interface ControllerEndpoint {
  id: number;
  host: string;
  port: number;
}

/** `--initial-controllers` of a new dynamic lab: `id@host:port:directoryId`, one per controller. */
export const initialControllers = (controllers: ControllerEndpoint[], directoryIds: Record<string, string>) =>
  controllers.map((c) => `${c.id}@${c.host}:${c.port}:${directoryIds[String(c.id)]}`).join(",");

/** Node ids of an `--initial-controllers` value. */
export const initialIds = (initial: string) => (initial ? initial.split(",").map((entry) => Number(entry.split("@")[0])) : []);

/** How converging formats a node's storage that is not formatted yet (converge/removal.ts). */
export interface FormatContext {
  mode: QuorumMode;
  /** The lab is being created: its first controllers bootstrap the quorum together. */
  creating: boolean;
  /** `--initial-controllers` of the lab, fixed when it was created. */
  initialControllers: string;
}

/**
 * `kafka-storage format` flags beyond the config and cluster id. Static: none (the voters are in the
 * config). Dynamic: the first controllers of a new lab share `--initial-controllers`; a controller
 * formatted later (a new one, or one whose storage was wiped) starts as an observer with a new
 * directory id and joins through add-controller; brokers take no flag.
 */
export function formatFlags(node: { id: number; roles: string[] }, ctx: FormatContext): string[] {
  if (ctx.mode === "static" || !node.roles.includes("controller")) return [];
  if (ctx.creating && initialIds(ctx.initialControllers).includes(node.id)) return ["--initial-controllers", ctx.initialControllers];
  return ["--no-initial-controllers"];
}

/** A voter as the quorum knows it. */
export interface Voter {
  id: number;
  directoryId: string;
  endpoint?: string;
}

/**
 * What makes the voters those of kraftlab:nodes: remove a voter whose node left, or whose storage was
 * formatted again (another directory id: its old log is gone, it must not vote as the old one); add
 * each planned controller, with the directory id its storage has, that is not a voter.
 */
export function voterChanges(planned: { id: number; directoryId: string }[], voters: Voter[]): { remove: Voter[]; add: number[] } {
  const remove = voters.filter((v) => !planned.some((p) => p.id === v.id && p.directoryId === v.directoryId));
  const add = planned.filter((p) => !voters.some((v) => v.id === p.id && v.directoryId === p.directoryId)).map((p) => p.id);
  return { remove, add };
}

/** The ids of the nodes with the controller role. */
export const controllerIds = (nodes: { id: number; roles: string[] }[]) => nodes.filter((n) => n.roles.includes("controller")).map((n) => n.id);

/**
 * Whether the voters may differ from the planned controllers, so that the quorum must be asked: no
 * voters seen yet, another set of controllers than the voters last seen, or a controller this `up`
 * started (a new one, one that died, or one whose storage was formatted again).
 */
export function votersToCheck(planned: number[], started: number[], lastVoters: number[] | undefined): boolean {
  if (!lastVoters || started.some((id) => planned.includes(id))) return true;
  const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b).join(",");
  return sorted(planned) !== sorted(lastVoters);
}

/** How many voters a quorum of `n` needs to elect a leader and commit. */
export const majority = (n: number) => Math.floor(n / 2) + 1;

/**
 * Controllers that may not leave as asked: not every controller, and not a majority at once (two or
 * more leaving must leave a majority of the voters there were, or the quorum could not commit their
 * removal); one at a time, over several `up`s, always works.
 */
export function shrinkRefusals(voters: number[], leaving: number[]): string[] {
  const going = leaving.filter((id) => voters.includes(id));
  const remaining = voters.filter((id) => !going.includes(id));
  if (going.length === 0) return [];
  if (remaining.length === 0) {
    return [`kraftlab:nodes: removing controller(s) ${going.join(", ")} would leave no controller; keep at least one node with the controller role`];
  }
  if (going.length > 1 && remaining.length < majority(voters.length)) {
    return [
      `kraftlab:nodes: removing controllers ${going.join(", ")} at once would leave ${remaining.length} of ${voters.length} voters, fewer than a majority (${majority(voters.length)}); ` +
        "remove them one `pulumi up` at a time",
    ];
  }
  return [];
}
