// The Runtime of a spec, inside the dynamic provider (and the program's own checks).
import { dockerRuntime } from "./docker/runtime";
import { processRuntime } from "./process/runtime";
import type { Runtime } from "./runtime";
import type { RuntimeSpec } from "./spec";
import { sshRuntime } from "./ssh/runtime";

export function runtimeFor(spec: RuntimeSpec): Runtime {
  if (spec.kind === "docker") return dockerRuntime(spec);
  if (spec.kind === "ssh") return sshRuntime(spec);
  return processRuntime(spec);
}
