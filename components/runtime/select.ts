// The Runtime of a spec, inside the dynamic provider (and the program's own checks, status, drills).
// Each implementation is loaded when a lab uses it: a lab of processes never loads dockerode or ssh2.
import type { Runtime } from "./runtime";
import type { RuntimeSpec } from "./spec";

export function runtimeFor(spec: RuntimeSpec): Runtime {
  if (spec.kind === "docker") return (require("./docker/runtime") as typeof import("./docker/runtime")).dockerRuntime(spec);
  if (spec.kind === "ssh") return (require("./ssh/runtime") as typeof import("./ssh/runtime")).sshRuntime(spec);
  return (require("./process/runtime") as typeof import("./process/runtime")).processRuntime(spec);
}
