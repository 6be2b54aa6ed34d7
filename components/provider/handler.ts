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
