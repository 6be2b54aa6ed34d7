// Which changes of a running lab's membership may happen: pure, so the program (before anything is
// touched) and converge/removal.ts (before it stops anything) refuse the same removals with the same words.
import type { QuorumMode } from "../model/schema/quorum";
import type { PartitionState } from "./clusterState";

export interface LeavingNode {
  id: number;
  roles: string[];
}

/** Why these nodes cannot leave the cluster as asked; empty when they can (a controller leaves a dynamic quorum first). */
export function removalRefusals(leaving: LeavingNode[], drain: number[], all: PartitionState[], mode: QuorumMode): string[] {
  return leaving.flatMap((node) => {
    if (node.roles.includes("controller") && mode === "static") {
      return [
        `node ${node.id} is a controller of this lab's static quorum (controller.quorum.voters), which no controller can leave; ` +
          `put node ${node.id} back in kraftlab:nodes, or set kraftlab:quorum: dynamic first (kraftlab migrates the quorum, then controllers can come and go)`,
      ];
    }
    const held = all.filter((p) => p.replicas.includes(node.id));
    if (held.length === 0 || drain.includes(node.id)) return [];
    const names = held
      .slice(0, 5)
      .map((p) => `${p.topic}-${p.partition}`)
      .join(", ");
    return [
      `broker ${node.id} still holds ${held.length} replica(s) (${names}${held.length > 5 ? ", …" : ""}); ` +
        `add ${node.id} to kraftlab:drainBrokers to move them away first, or put node ${node.id} back in kraftlab:nodes`,
    ];
  });
}

/**
 * Ids in kraftlab:drainBrokers that name no broker of this lab: neither leaving now nor drained by
 * an earlier `up` (a drained id may stay listed).
 */
export function unknownDrains(drain: number[], leaving: number[], drained: number[]): string[] {
  const known = [...new Set([...leaving, ...drained])].sort((a, b) => a - b);
  return drain.flatMap((id, i) =>
    known.includes(id)
      ? []
      : [
          `kraftlab:drainBrokers[${i}]: node ${id} is not a node of this lab, so there is nothing to drain; ` +
            `only a broker removed from kraftlab:nodes can be drained (here: ${leaving.length > 0 ? leaving.join(", ") : "none"}); remove ${id} from kraftlab:drainBrokers`,
        ],
  );
}

/**
 * Role changes the running lab cannot take: a node keeps the roles it was formatted with (its storage
 * holds a metadata log of one kind). With a static quorum (voters fixed at format time) no new
 * controller either.
 */
export function quorumChangeRefusals(onDisk: LeavingNode[], planned: { id: number; roles: string[] }[], mode: QuorumMode): string[] {
  if (onDisk.length === 0) return []; // a new lab: any topology
  const list = (roles: string[]) => `[${[...roles].sort().join(", ")}]`;
  return planned.flatMap((node, i) => {
    const running = onDisk.find((n) => n.id === node.id);
    if (running && list(running.roles) !== list(node.roles)) {
      return [
        `kraftlab:nodes[${i}].roles: node ${node.id} runs as ${list(running.roles)} in this lab and cannot become ${list(node.roles)} in place: ` +
          `a node keeps the roles it was formatted with; put its roles back to ${list(running.roles)}, then add a new node with the roles you want, ` +
          `run \`pulumi up\`, and remove node ${node.id} (in kraftlab:drainBrokers if it holds replicas) with another \`pulumi up\``,
      ];
    }
    if (!running && node.roles.includes("controller") && mode === "static") {
      return [
        `kraftlab:nodes[${i}]: node ${node.id} would join the controllers of a running lab whose quorum is static (fixed when the lab was created); ` +
          `set kraftlab:quorum: dynamic to migrate the quorum first (then controllers can join), or give node ${node.id} roles [broker]`,
      ];
    }
    return [];
  });
}
