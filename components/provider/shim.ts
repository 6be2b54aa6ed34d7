// How every kraftlab resource reaches its code: its dynamic provider is a thin shim. Pulumi serializes
// the shim into state, and the shim loads the handler registry inside the dynamic provider process
// through lab/entry.js (the setup's JavaScript build of the checkout, else its TypeScript), so the
// real code is never serialized and can import what it needs. The path state holds is the same for
// every build: the entry finds the current one, and maps the paths an earlier release's state holds (lab/entry.js).
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { PROJECT_DIR } from "../host/projectDir";

const ENTRY = path.join(PROJECT_DIR, "lab", "entry.js");

/**
 * Every kind of dynamic resource, by the name its serialized shim holds: state keeps these names, so
 * a kind is never renamed. components/registry.ts gives each its handler.
 */
export const HANDLER_KINDS = [
  "clusterId",
  "labDirectory",
  "labFile",
  "nodeFiles",
  "nodeProcesses",
  "labRuntime",
  "monitoringServer",
  "password",
  "certificateAuthority",
  "nodeCertificate",
  "clusterAccess",
  "clusterDefaults",
  "rebalance",
  "quorumBootstrap",
  "topic",
] as const;
export type HandlerKind = (typeof HANDLER_KINDS)[number];

export function shim(kind: HandlerKind): pulumi.dynamic.ResourceProvider {
  // `require` and the entry's path are all the serialized closure holds.
  const load = () => require(ENTRY).load("components/registry").handlers[kind];
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
