// How every kraftlab resource reaches its code: its dynamic provider is a thin shim. Pulumi serializes
// the shim into state, and the shim loads the handler registry inside the dynamic provider process
// through lab/entry.js (the setup's JavaScript build of the checkout, else its TypeScript), so the
// real code is never serialized and can import what it needs. The path state holds is the same for
// every build: the entry finds the current one.
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { PROJECT_DIR } from "../projectDir";
import type { HandlerKind } from "./registry";

const ENTRY = path.join(PROJECT_DIR, "lab", "entry.js");

export function shim(kind: HandlerKind): pulumi.dynamic.ResourceProvider {
  // `require` and the entry's path are all the serialized closure holds.
  const load = () => require(ENTRY).load("components/provider/registry").handlers[kind];
  return {
    create: (inputs) => load().create(inputs),
    diff: (id, olds, news) => load().diff(id, olds, news),
    update: (id, olds, news) => load().update(id, olds, news),
    delete: (id, props) => load().delete(id, props),
    read: (id, props) => load().read(id, props),
  };
}

/** A resource's arguments: each input may be an Output. */
export type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };
