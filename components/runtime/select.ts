// The Runtime of a spec, inside the dynamic provider (and the program's own checks).
import { dockerRuntime } from "./docker";
import { processRuntime } from "./process";
import type { Runtime } from "./runtime";
import type { RuntimeSpec } from "./spec";

export const runtimeFor = (spec: RuntimeSpec): Runtime => (spec.kind === "docker" ? dockerRuntime(spec) : processRuntime(spec));
