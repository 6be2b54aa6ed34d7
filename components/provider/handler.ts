// What every dynamic-provider handler shares; a leaf module, so both handler files can import it.
import { isDeepStrictEqual } from "node:util";
import type * as dynamic from "@pulumi/pulumi/dynamic";

export type Handler = Required<Pick<dynamic.ResourceProvider, "create" | "diff" | "update" | "delete" | "read">>;

/** A value as state holds it: Pulumi drops properties that are undefined. */
const stored = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(stored)
    : value !== null && typeof value === "object"
      ? Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : [[k, stored(v)]])))
      : value;

/** Deep equality of an input and what state holds of it, for the providers' diffs. */
export const same = (a: unknown, b: unknown): boolean => isDeepStrictEqual(stored(a), stored(b));

/** `read` for resources whose state is what they last wrote: it is read back as stored. */
export const readBack: Handler["read"] = async (id, props) => ({ id, props });

/** A value generated once at creation (an id) and kept in state for the life of the stack: it never changes. */
export const generatedOnce = (create: Handler["create"]): Handler => ({
  create,
  diff: async () => ({ changes: false }),
  update: async (_id, olds) => ({ outs: olds }),
  delete: async () => {},
  read: readBack,
});
