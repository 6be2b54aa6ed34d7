// What the lab directory's records decide, and the words of each refusal: which directory a stack may
// claim, why a lab cannot move (to another directory, or another runtime), when a lease's holder is
// gone. Pure, so the config's own checks (model/validate.ts) use them before anything is touched.
import type { ProcessSeen } from "../host/processSeen";
import type { LeaseHolder, Marker, RuntimeRecord } from "./layout";

/** What is at a directory path, as far as claiming it goes. */
export type DirectoryState =
  | { kind: "absent" }
  | { kind: "empty" }
  /** Marked by a kraftlab stack; `marker` is undefined for the plain-text marker an earlier release wrote. */
  | { kind: "marked"; marker?: Marker }
  | { kind: "foreign"; entries: string[] }
  | { kind: "not a directory" }
  /** An ancestor is a file, so the directory cannot be made. */
  | { kind: "below a file"; file: string };

/**
 * Why `stack` may not use `dir` (the value of config key `key`), or undefined if it may. `inState`
 * says whether the stack already made it: then its own marker is expected; otherwise only an absent
 * or empty directory may be claimed (a marker of the same stack name is a stack removed without destroy).
 */
export function claimProblem(key: string, dir: string, state: DirectoryState, stack: string, inState: boolean): string | undefined {
  const elsewhere = `set ${key} to a new or empty directory, or move ${dir} away`;
  switch (state.kind) {
    case "absent":
    case "empty":
      return undefined;
    case "below a file":
      return `${key}: ${dir} cannot be made: ${state.file} is a file, not a directory; set ${key} to a directory path`;
    case "not a directory":
      return `${key}: ${dir} is a file, not a directory; set ${key} to a directory path`;
    case "foreign": {
      const shown = state.entries.slice(0, 5).join(", ") + (state.entries.length > 5 ? ", …" : "");
      return `${key}: ${dir} already holds files that kraftlab did not create (${shown}); kraftlab never writes into or removes such a directory: ${elsewhere}`;
    }
    case "marked":
      if (state.marker && state.marker.stack !== stack) {
        return `${key}: ${dir} belongs to kraftlab stack ${state.marker.stack}; run \`pulumi destroy\` on that stack, or ${elsewhere}`;
      }
      if (!inState) {
        return `${key}: ${dir} holds a lab of stack ${stack} that this stack's state does not know (a stack removed without \`pulumi destroy\`?); kraftlab never writes into or removes it: ${elsewhere}`;
      }
      return undefined;
  }
}

/** A runtime in words: the kind a runtime record names, with its engine. */
export const describeRuntime = (kind: RuntimeRecord["kind"], dockerHost?: string) =>
  kind === "docker" ? `Docker (${dockerHost ?? "an engine"})` : kind === "ssh" ? "machines over SSH" : "local processes";

/** Why a lab that exists cannot move to another runtime, and what to do instead. */
export const runtimeChangeProblem = (from: string, to: string) =>
  `kraftlab:runtime: this lab runs on ${from}; moving a running lab to ${to} is not done in place (its data would stay behind). ` +
  `Run \`npm run down\` first and \`npm run up\` again on ${to}, or bring up ${to} as a new stack (KRAFTLAB_STACK=<name>)`;

/**
 * Why a lease's holder is gone, so the lease may be taken over; undefined while it may still act (it
 * runs, or it is of another host, which this one cannot see).
 */
export function holderGone(holder: LeaseHolder, hostname: string, seen: ProcessSeen | undefined): string | undefined {
  if (holder.hostname !== hostname) return undefined;
  if (!seen) return `pid ${holder.pid} no longer runs`;
  // (A pid used again: the process that runs as it now started at another time.)
  if (Math.abs(seen.startedAt - holder.startedAt) > 1_000) return `pid ${holder.pid} now runs another process`;
  return undefined;
}
