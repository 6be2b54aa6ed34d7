// The security resources (see provider/shim.ts for how they run).
import * as pulumi from "@pulumi/pulumi";
import { type Inputs, shim } from "../provider/shim";
import type { AccessInputs, CaInputs, NodeCertificateInputs } from "./handlers";

/** A random password, generated once and kept as a secret. */
export class Password extends pulumi.dynamic.Resource {
  declare readonly value: pulumi.Output<string>;

  constructor(name: string, args: { length: number }, opts?: pulumi.CustomResourceOptions) {
    super(shim("password"), name, { ...args, value: undefined }, { additionalSecretOutputs: ["value"], ...opts }, "kraftlab", "Password");
  }
}

/** The lab's CA; its private key is a secret in state. */
export class CertificateAuthority extends pulumi.dynamic.Resource {
  declare readonly certPem: pulumi.Output<string>;
  declare readonly keyPem: pulumi.Output<string>;
  /** The CA it replaced, until a rotation completes. */
  declare readonly previousCertPems: pulumi.Output<string[]>;

  constructor(name: string, args: Inputs<CaInputs>, opts?: pulumi.CustomResourceOptions) {
    super(
      shim("certificateAuthority"),
      name,
      { ...args, certPem: undefined, keyPem: undefined, previousCertPems: undefined },
      { additionalSecretOutputs: ["keyPem"], ...opts },
      "kraftlab",
      "CertificateAuthority",
    );
  }
}

/** A node's certificate, signed by the CA, and its PKCS12 keystore (base64). */
export class NodeCertificate extends pulumi.dynamic.Resource {
  declare readonly certPem: pulumi.Output<string>;
  declare readonly keystore: pulumi.Output<string>;

  constructor(name: string, args: Inputs<NodeCertificateInputs>, opts?: pulumi.CustomResourceOptions) {
    const secrets = { additionalSecretOutputs: ["keyPem", "keystore", "caKeyPem", "keystorePassword"], ...opts };
    super(shim("nodeCertificate"), name, { ...args, certPem: undefined, keyPem: undefined, keystore: undefined }, secrets, "kraftlab", "NodeCertificate");
  }
}

/** ACLs and quotas on the cluster, reconciled to the config (what leaves the config leaves the cluster). */
export class ClusterAccess extends pulumi.dynamic.Resource {
  constructor(name: string, args: Inputs<AccessInputs>, opts?: pulumi.CustomResourceOptions) {
    super(shim("clusterAccess"), name, args, { additionalSecretOutputs: ["scramUsers"], ...opts }, "kraftlab", "ClusterAccess");
  }
}
