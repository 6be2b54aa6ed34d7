// The lab's own Pulumi resources: its directories and files, its runtime, the cluster id and each
// node's files. Dynamic resources, reaching their code through the shim.
import * as pulumi from "@pulumi/pulumi";
import { type Inputs, shim } from "../provider/shim";
import type { RuntimeSetup } from "../runtime/spec";
import type { LabDirectoryInputs, LabFileInputs, NodeFilesInputs } from "./handlers";

/** The stack as a marker names it: `<project>/<stack>`. */
export const stackIdentity = () => `${pulumi.getProject()}/${pulumi.getStack()}`;

/** A node's directory: server.properties (secret with security on) and its formatted log directory. */
export class NodeFiles extends pulumi.dynamic.Resource {
  declare readonly configFile: pulumi.Output<string>;

  constructor(name: string, args: Inputs<NodeFilesInputs>, opts?: pulumi.CustomResourceOptions) {
    super(shim("nodeFiles"), name, args, { additionalSecretOutputs: ["serverProperties"], ...opts }, "kraftlab", "NodeFiles");
  }
}

/** The cluster id, generated once and kept in state for the life of the stack. */
export class ClusterId extends pulumi.dynamic.Resource {
  declare readonly clusterId: pulumi.Output<string>;

  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super(shim("clusterId"), name, { clusterId: undefined }, opts, "kraftlab", "ClusterId");
  }
}

/** A file of the lab (client configs, later certificates), removed on destroy. */
export class LabFile extends pulumi.dynamic.Resource {
  declare readonly path: pulumi.Output<string>;

  constructor(name: string, args: Inputs<LabFileInputs>, opts?: pulumi.CustomResourceOptions) {
    super(shim("labFile"), name, args, { additionalSecretOutputs: ["content"], ...opts }, "kraftlab", "LabFile");
  }
}

/**
 * A directory of the lab (labDir, certsDir), claimed only if absent or empty and marked as this
 * stack's; removed (with anything left in it) after everything in it, only while it holds that mark.
 */
export class LabDirectory extends pulumi.dynamic.Resource {
  declare readonly path: pulumi.Output<string>;

  constructor(name: string, args: Omit<LabDirectoryInputs, "stack">, opts?: pulumi.CustomResourceOptions) {
    super(shim("labDirectory"), name, { ...args, stack: stackIdentity() }, opts, "kraftlab", "LabDirectory");
  }
}

/** Where the nodes run; with Docker, the lab's image and network. A change of runtime is refused in its diff. */
export class LabRuntime extends pulumi.dynamic.Resource {
  constructor(name: string, args: RuntimeSetup, opts?: pulumi.CustomResourceOptions) {
    super(shim("labRuntime"), name, args, opts, "kraftlab", "LabRuntime");
  }
}
