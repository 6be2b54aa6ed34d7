// Which leaving nodes may go: pure, so the program (before anything is touched) and the supervisor
// (before it stops anything) refuse the same removals with the same words.
import type { PartitionState } from "./clusterState";

export interface LeavingNode {
  id: number;
  roles: string[];
}

/** Why these nodes cannot leave the cluster as asked; empty when they can. */
export function removalRefusals(leaving: LeavingNode[], drain: number[], all: PartitionState[]): string[] {
  return leaving.flatMap((node) => {
    if (node.roles.includes("controller")) {
      return [`node ${node.id} is a controller: kraftlab's quorum is static, so a controller cannot leave it; put node ${node.id} back in kraftlab:nodes`];
    }
    const held = all.filter((p) => p.replicas.includes(node.id));
    if (held.length === 0 || drain.includes(node.id)) return [];
    const names = held.slice(0, 5).map((p) => `${p.topic}-${p.partition}`).join(", ");
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
