// What every dynamic-provider handler shares; a leaf module, so both handler files can import it.
import type * as dynamic from "@pulumi/pulumi/dynamic";

export type Handler = Required<Pick<dynamic.ResourceProvider, "create" | "diff" | "update" | "delete" | "read">>;

/** Deep equality of JSON-like values, as state holds them: enough for the providers' diffs. */
export const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** `read` for resources whose state is what they last wrote: it is read back as stored. */
export const readBack: Handler["read"] = async (id, props) => ({ id, props });
