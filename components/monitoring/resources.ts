// The monitoring's Pulumi resources (see provider/shim.ts for how they run).
import * as pulumi from "@pulumi/pulumi";
import { type Inputs, shim } from "../provider/shim";
import type { ServerInputs } from "./server";

/** Prometheus or Grafana as a managed daemon (server.ts); its data goes with it. */
export class MonitoringServer extends pulumi.dynamic.Resource {
  /** 0 when not running (or only files, without a command). */
  declare readonly pid: pulumi.Output<number>;

  constructor(name: string, args: Inputs<ServerInputs>, opts?: pulumi.CustomResourceOptions) {
    // env may hold Grafana's admin password.
    super(shim("monitoringServer"), name, { ...args, pid: undefined }, { additionalSecretOutputs: ["env"], ...opts }, "kraftlab", "MonitoringServer");
  }
}
