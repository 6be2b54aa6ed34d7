// How every kraftlab resource reaches its code: its dynamic provider is a thin shim. Pulumi serializes
// the shim into state, and the shim loads the handler registry (through tsx) inside the dynamic
// provider process, so the real code is never serialized and can import what it needs.
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { HandlerKind } from "./registry";

const REGISTRY = path.join(__dirname, "registry.ts");
const TSX_API = require.resolve("tsx/cjs/api");

export function shim(kind: HandlerKind): pulumi.dynamic.ResourceProvider {
  // `require` and the two paths are all the serialized closure holds.
  const load = () => require(TSX_API).require(REGISTRY, REGISTRY).handlers[kind];
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
