// What every dynamic-provider handler shares; a leaf module, so both handler files can import it.
import { randomBytes } from "node:crypto";
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

/** A Kafka Uuid (a cluster id, a directory id): 16 random bytes, URL-safe base64 without padding, as `kafka-storage random-uuid`. */
export function kafkaUuid(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    // Kafka's own generator rejects ids starting with "-", which command lines would take for an option.
    if (!id.startsWith("-")) return id;
  }
}
