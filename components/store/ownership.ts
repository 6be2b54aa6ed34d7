// Which directories a stack may claim, write into and remove. A stack claims a directory only if it
// is absent or empty, and marks it with a token kept in its state; destroy removes a directory only
// when its marker holds that token. Anything else (another cluster's data, a stack removed without
// destroy, a directory of the user's) is never written into or removed.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import { LAB_MARKER } from "../runtime/spec";

export { LAB_MARKER };

/** What a marker says: the stack that made the directory, and the token in that stack's state. */
export interface Marker {
  stack: string;
  token: string;
}

/** What is at a directory path, as far as claiming it goes. */
export type DirectoryState =
  | { kind: "absent" }
  | { kind: "empty" }
  /** Marked by a kraftlab stack; `marker` is undefined for the plain-text marker of older versions. */
  | { kind: "marked"; marker?: Marker }
  | { kind: "foreign"; entries: string[] }
  | { kind: "not a directory" }
  /** An ancestor is a file, so the directory cannot be made. */
  | { kind: "below a file"; file: string };

export function readMarker(dir: string): Marker | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dir, LAB_MARKER), "utf8")) as Partial<Marker>;
    return typeof parsed.stack === "string" && typeof parsed.token === "string" ? { stack: parsed.stack, token: parsed.token } : undefined;
  } catch {
    return undefined;
  }
}

export function inspectDirectory(dir: string): DirectoryState {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    for (let up = path.dirname(dir); up !== path.dirname(up); up = path.dirname(up)) {
      if (fs.existsSync(up)) return fs.statSync(up).isDirectory() ? { kind: "absent" } : { kind: "below a file", file: up };
    }
    return { kind: "absent" };
  }
  if (!stat.isDirectory()) return { kind: "not a directory" };
  const entries = fs.readdirSync(dir);
  if (entries.length === 0) return { kind: "empty" };
  if (entries.includes(LAB_MARKER)) return { kind: "marked", marker: readMarker(dir) };
  return { kind: "foreign", entries: entries.sort() };
}

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

/** Makes `dir` (absent or empty) this stack's: creates it and writes a marker with a new token. */
export function claimDirectory(dir: string, stack: string): Marker {
  const marker = { stack, token: randomBytes(12).toString("hex") };
  fs.mkdirSync(dir, { recursive: true });
  const note = `This directory belongs to kraftlab stack ${stack}; \`pulumi destroy\` of that stack removes it.`;
  fs.writeFileSync(path.join(dir, LAB_MARKER), `${JSON.stringify({ note, ...marker }, null, 2)}\n`);
  return marker;
}

/**
 * Whether the stack whose state holds `token` may remove `dir`: only when the directory still holds
 * that stack's marker. A state without a token (made by an older kraftlab) owns a directory with any marker.
 */
export function mayRemove(dir: string, token: string | undefined): boolean {
  if (!fs.existsSync(path.join(dir, LAB_MARKER))) return false;
  return token === undefined || readMarker(dir)?.token === token;
}

/** The checkout a lab directory is the default of (`<checkout>/.lab/<stack>`), if it is one. */
const checkoutOf = (dir: string) => (path.basename(path.dirname(dir)) === ".lab" ? path.dirname(path.dirname(dir)) : undefined);

/**
 * A lab that exists cannot move: its nodes' data (or certificates) would stay behind. Both at their
 * default place in two checkouts: the checkouts share the state backend, and so the stack.
 */
export function labMoveProblem(key: string, from: string, to: string): string {
  const [there, here] = [checkoutOf(from), checkoutOf(to)];
  if (there && here && there !== here && path.basename(from) === path.basename(to)) {
    const stack = path.basename(to);
    return (
      `stack ${stack} already has a lab, created from another checkout of kraftlab, ${there} (its lab: ${from}); the checkouts of one machine share the stacks. ` +
      `Run kraftlab there (\`cd ${there} && npm run up\`), or give this checkout a stack of its own (\`KRAFTLAB_STACK=<name> npm run up\`; with plain pulumi, \`pulumi stack init <name>\`)`
    );
  }
  return (
    `${key}: this lab lives in ${from}; moving it to ${to} would leave its nodes' data (or certificates) behind: ` +
    `set ${key} back to ${from}, or run \`pulumi destroy\` first and then \`pulumi up\` with the new directory`
  );
}
