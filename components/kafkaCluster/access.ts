// How clients reach a KafkaCluster: its security resources when the config asks for security, the
// client file every lab has, and on a secure lab its ACLs, quotas and SCRAM users.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { LabFile } from "../cluster/resources";
import { effectiveAcls } from "../model/acls";
import { isSasl } from "../model/listeners";
import { renderClientProperties } from "../model/render";
import type { ClusterPlan } from "../model/topology";
import type { RuntimePlan } from "../runtime/plan";
import { createLabSecurity, type LabSecurity } from "../security/labSecurity";
import { ClusterAccess } from "../security/resources";
import type { LabBase } from "./labBase";

/**
 * With `plan.security`: the lab's CA, keystores, passwords and client files under `certsDir` (see
 * createLabSecurity); without, undefined. Security without `certsDir` is a programming error, reported on `parent`.
 */
export function createSecurity(
  name: string,
  parent: pulumi.Resource,
  args: { plan: ClusterPlan; certsDir?: string; lab: string; base: LabBase },
): LabSecurity | undefined {
  const { plan, certsDir } = args;
  if (!plan.security) return undefined;
  if (!certsDir) throw new pulumi.ResourceError("KafkaCluster: certsDir is required with security", parent);
  return createLabSecurity(name, parent, { plan, security: plan.security, certsDir, lab: args.lab, labDir: args.base.labDir });
}

export interface AccessArgs {
  plan: ClusterPlan;
  /** The stack's name, written at the top of the client file. */
  lab: string;
  /** The lab directory (absolute): where an all-PLAINTEXT lab's client.properties goes. */
  labDir: string;
  /** The Kafka distribution on this machine, for the program's admin client. */
  kafkaHome: string;
  /** Where the nodes run: the program's admin client reaches them by its `spec`. */
  runtime: RuntimePlan;
  base: LabBase;
  /** With security: the users' passwords and files, and operator.properties. */
  security?: LabSecurity;
  /** The running nodes: ACLs and quotas are set on them. */
  processes: pulumi.Resource;
}

/** What KafkaCluster exports of how clients connect. */
export interface AccessOutputs {
  /** A client config for the EXTERNAL listeners: the admin user's on a secure lab. */
  clientProperties: pulumi.Output<string>;
  /** With security: the CA certificate (PEM) path, each user's client file, and their passwords (secret). */
  caCertificate?: string;
  clientFiles?: Record<string, pulumi.Output<string>>;
  userPasswords?: pulumi.Output<Record<string, string>>;
}

/**
 * The client file: on a secure lab the admin user's (made with the security), else
 * `<name>-client-properties` in the lab directory. On a secure lab, also `<name>-access` (ClusterAccess):
 * the ACLs, the quotas and, with a SCRAM mechanism on a SASL EXTERNAL listener, the users' SCRAM
 * credentials. Children of `parent`.
 */
export function createAccess(name: string, parent: pulumi.Resource, args: AccessArgs): AccessOutputs {
  const { plan, security, base } = args;
  const clientFile =
    security?.adminFile ??
    new LabFile(
      `${name}-client-properties`,
      { path: path.join(args.labDir, "client.properties"), content: renderClientProperties(plan, args.lab), encoding: "utf8", mode: 0o644 },
      { parent, dependsOn: [base.labDir] },
    );
  if (!plan.security || !security) return { clientProperties: clientFile.path };
  const scram = plan.security.mechanism !== "PLAIN" && isSasl(plan.security.listeners.external);
  new ClusterAccess(
    `${name}-access`,
    {
      runtime: args.runtime.spec,
      kafkaHome: args.kafkaHome,
      bootstrapServers: plan.internalBootstrapServers,
      commandConfig: security.operatorFile.path,
      acls: effectiveAcls(plan.security),
      quotas: plan.security.quotas,
      scramMechanism: scram ? plan.security.mechanism : undefined,
      scramUsers: scram ? security.passwords : {},
    },
    // When the whole lab goes, its ACLs and quotas go with the cluster: no need to remove them one by one.
    { parent, dependsOn: [args.processes], deletedWith: base.labDir },
  );
  return { clientProperties: clientFile.path, caCertificate: security.caFile, clientFiles: security.clientFiles, userPasswords: security.passwords };
}
