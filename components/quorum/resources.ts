// The quorum's own Pulumi resource: its bootstrap, fixed when the lab is created.
import * as pulumi from "@pulumi/pulumi";
import { type Inputs, shim } from "../provider/shim";
import type { QuorumBootstrapInputs } from "./handlers";

/** `--initial-controllers` of a dynamic lab: its first controllers with directory ids generated once. */
export class QuorumBootstrap extends pulumi.dynamic.Resource {
  declare readonly initialControllers: pulumi.Output<string>;

  constructor(name: string, args: Inputs<QuorumBootstrapInputs>, opts?: pulumi.CustomResourceOptions) {
    super(shim("quorumBootstrap"), name, { ...args, initialControllers: undefined }, opts, "kraftlab", "QuorumBootstrap");
  }
}
