// The security resources of a KafkaCluster: CA, node keystores, truststore, passwords and client files,
// all under the stack's certs directory (private material mode 0600, secrets only in secret outputs).
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { LabDirectory, LabFile } from "../cluster/resources";
import type { TlsMaterial } from "../converge/rollout";
import type { SecurityConfig } from "../model/config";
import type { SecuritySecrets } from "../model/listeners";
import { renderClientProperties, renderOperatorProperties } from "../model/render";
import { type ClusterPlan, type NodePlan, nodeHostName } from "../model/topology";
import { describeCertificate } from "./pki";
import { CertificateAuthority, NodeCertificate, Password } from "./resources";

export interface LabSecurity {
  /** What node `id`'s server.properties needs, as one secret output. */
  secretsFor(id: number): pulumi.Output<SecuritySecrets>;
  /** The CA bundle and keystores for the reconcilers to write and roll out (secret). */
  tls: pulumi.Output<TlsMaterial>;
  /** The certificates directory, removed (with the files the reconcilers wrote) after the nodes stop. */
  certsDir: LabDirectory;
  /** The CA certificate (PEM), for clients' truststores. */
  caFile: string;
  /** client-<user>.properties per declared user. */
  clientFiles: Record<string, pulumi.Output<string>>;
  /** The admin user's client file (admin.properties). */
  adminFile: LabFile;
  /** Every user's password, secret. */
  passwords: pulumi.Output<Record<string, string>>;
  /** operator.properties: how the program manages ACLs, quotas and SCRAM users. */
  operatorFile: LabFile;
  /** When the CA and each node certificate expire (for the monitoring's expiry metric). */
  certificates: pulumi.Output<CertificateExpiry[]>;
}

export interface CertificateExpiry {
  /** `ca`, or `node-<id>`. */
  certificate: string;
  /** Its notAfter, in seconds since the epoch. */
  expires: number;
}

const isIp = (h: string | undefined): h is string => h !== undefined && /^[\d.]+$/.test(h);
const isName = (h: string | undefined): h is string => h !== undefined && !isIp(h);

const expiry = (certificate: string, certPem: string): CertificateExpiry => ({
  certificate,
  expires: Math.floor(describeCertificate(certPem).notAfter.getTime() / 1000),
});

/** How the program connects to manage the cluster (see operatorProperties); also read before `up` touches anything. */
export const operatorFilePath = (certsDir: string) => path.join(certsDir, "operator.properties");

export function createLabSecurity(
  name: string,
  parent: pulumi.Resource,
  args: { plan: ClusterPlan; security: SecurityConfig; certsDir: string; lab: string; labDir: pulumi.Resource },
): LabSecurity {
  const { plan, security, certsDir, lab } = args;
  const dir = new LabDirectory(`${name}-certs-dir`, { path: certsDir, key: "kraftlab:certsDir" }, { parent, dependsOn: [args.labDir] });
  // Nothing is created before the certificates' directory is claimed (see store/labStore.ts).
  const inDir = { parent, dependsOn: [dir] };

  const password = (id: string) => new Password(`${name}-${id}-password`, { length: 24 }, inDir).value;
  const nodePassword = password("node");
  const keystorePassword = password("keystore");
  const userPasswords = pulumi.all(
    Object.fromEntries(Object.entries(security.users).map(([user, cfg]) => [user, cfg.password ? pulumi.secret(cfg.password) : password(`user-${user}`)])),
  ) as pulumi.Output<Record<string, string>>;

  const ca = new CertificateAuthority(
    `${name}-ca`,
    {
      // Each generation its own name, so old and new are told apart in a bundle and by clients.
      commonName: security.caGeneration ? `kraftlab ${lab} CA ${security.caGeneration}` : `kraftlab ${lab} CA`,
      validityDays: security.caValidityDays,
      generation: security.caGeneration,
    },
    inDir,
  );
  const caFile = path.join(certsDir, "ca.pem");
  // A node on a machine of its own reads its TLS files there, in its directory; the others share certsDir.
  const tlsFilesOf = (node: NodePlan) =>
    node.machine
      ? { keystoreFile: path.posix.join(node.dir, "keystore.p12"), truststoreFile: path.posix.join(node.dir, "ca.pem") }
      : { keystoreFile: path.join(certsDir, `node-${node.id}.p12`), truststoreFile: caFile };
  const tlsFiles = (id: number) => tlsFilesOf(plan.nodes.find((n) => n.id === id) as NodePlan);
  const keystores = plan.nodes.map((node) => {
    const cert = new NodeCertificate(
      `${name}-node-${node.id}-certificate`,
      {
        caCertPem: ca.certPem,
        caKeyPem: ca.keyPem,
        commonName: `node-${node.id}`,
        dnsNames: [...new Set(["localhost", nodeHostName(node.id), ...[node.container, node.machine, node.externalHost].filter(isName)])],
        ipAddresses: [...new Set([plan.host, node.externalHost].filter(isIp))],
        validityDays: security.certificateValidityDays,
        keystorePassword,
        renewBeforeDays: security.renewBeforeDays,
        rotation: security.certificateRotation,
      },
      inDir,
    );
    return {
      keystore: cert.keystore.apply((content) => {
        const files = tlsFilesOf(node);
        return [String(node.id), { file: files.keystoreFile, trustFile: files.truststoreFile, content }] as const;
      }),
      expiry: cert.certPem.apply((pem) => expiry(`node-${node.id}`, pem)),
    };
  });
  // Converging writes these files itself, one rotation phase at a time (see converge/tls.ts).
  const tls = pulumi.secret(
    pulumi.all([ca.certPem, ca.previousCertPems, pulumi.all(keystores.map((k) => k.keystore))]).apply(([caPem, previousCaPems, stores]) => ({
      caFile,
      caPem,
      previousCaPems,
      stopAfter: security.caRotationStopAfter,
      keystores: Object.fromEntries(stores),
    })),
  );

  const clientFile = (id: string, user: string, fileName: string) =>
    new LabFile(
      `${name}-${id}`,
      {
        path: path.join(certsDir, fileName),
        content: userPasswords.apply((pw) => renderClientProperties(plan, lab, { user, password: pw[user], truststoreFile: caFile })),
        encoding: "utf8",
        mode: 0o600,
      },
      inDir,
    );
  const clientFiles = Object.fromEntries(
    Object.keys(security.users).map((user) => [user, clientFile(`client-${user}`, user, `client-${user}.properties`).path]),
  );

  const secretsFor = (id: number) =>
    pulumi.all([nodePassword, keystorePassword, userPasswords]).apply(([node, keystore, users]) => ({
      nodePassword: node,
      keystorePassword: keystore,
      userPasswords: users,
      ...tlsFiles(id),
    }));
  const operatorFile = new LabFile(
    `${name}-operator-properties`,
    {
      path: operatorFilePath(certsDir),
      // A client of this machine: the bundle here (mTLS, which would want a node keystore here too, is refused with machines).
      content: secretsFor(plan.brokers[0].id).apply((secrets) => renderOperatorProperties(plan, lab, { ...secrets, truststoreFile: caFile })),
      encoding: "utf8",
      mode: 0o600,
    },
    inDir,
  );

  return {
    secretsFor,
    tls,
    operatorFile,
    certsDir: dir,
    caFile,
    clientFiles,
    adminFile: clientFile("admin-properties", security.adminUser, "admin.properties"),
    passwords: pulumi.secret(userPasswords),
    certificates: pulumi.all([ca.certPem.apply((pem) => expiry("ca", pem)), ...keystores.map((k) => k.expiry)]),
  };
}
