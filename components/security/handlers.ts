// What the security resources do, inside the dynamic provider process (see provider/shim.ts).
import { randomInt } from "node:crypto";
import { labClient } from "../cluster/client";
import type { AclConfig } from "../model/config";
import { type Handler, readBack, same } from "../provider/handler";
import type { RuntimeSpec } from "../runtime/spec";
import { aclChanges, aclOf, type Quotas, quotaChanges, scramChanges } from "./access";
import { createCa, describeCertificate, issueLeaf, pkcs12Keystore } from "./pki";

/**
 * Handlers whose whole state is their inputs: `make` computes the outputs once, kept until an input
 * changes or `stale` (e.g. a certificate near its expiry) says they must be made again.
 */
function generated<I extends object, O extends object>(
  make: (inputs: I) => O,
  id: (inputs: I) => string,
  stale?: (outs: I & O, now: Date) => boolean,
): Handler {
  return {
    async create(inputs: I) {
      return { id: id(inputs), outs: { ...inputs, ...make(inputs) } };
    },
    async diff(_id, olds: I & O, news: I) {
      const changed = (Object.keys(news) as (keyof I)[]).filter((k) => k !== "__provider" && !same(olds[k], news[k]));
      return { changes: changed.length > 0 || (stale?.(olds, new Date()) ?? false) };
    },
    async update(_id, _olds, news: I) {
      return { outs: { ...news, ...make(news) } };
    },
    async delete() {},
    read: readBack,
  };
}

/** Whether a certificate expires within `days` of `now`. */
export function renewalDue(certPem: string, days: number, now: Date): boolean {
  return describeCertificate(certPem).notAfter.getTime() - now.getTime() < days * 24 * 60 * 60 * 1000;
}

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** A random password of `length` characters, generated once. */
export function newPassword(length: number): string {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
}

export interface CaInputs {
  commonName: string;
  validityDays: number;
  /** kraftlab:security.caGeneration: a new value makes a new CA. */
  generation: number;
}
export interface CaOutputs extends CaInputs {
  certPem: string;
  keyPem: string;
  /** The CA this one replaced, trusted until the rotation completes (see converge/tls.ts). */
  previousCertPems: string[];
}
export interface NodeCertificateInputs {
  caCertPem: string;
  caKeyPem: string;
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  validityDays: number;
  keystorePassword: string;
  /** Reissued on the first `up` within this many days of its expiry. */
  renewBeforeDays: number;
  /** kraftlab:security.certificateRotation: a new value reissues it now. */
  rotation: number;
}

export interface AccessInputs {
  /** Where the nodes run (the names their listeners advertise). */
  runtime: RuntimeSpec;
  /** The Kafka distribution the cluster client runs on (absent in a state written by an earlier release). */
  kafkaHome?: string;
  /** The INTERNAL listeners, where the program connects as the nodes do. */
  bootstrapServers: string;
  /** operator.properties: how it connects there. */
  commandConfig: string;
  acls: AclConfig[];
  quotas: Quotas;
  /** SCRAM-SHA-256 or -512 when clients use SCRAM, with the users' passwords (secret). */
  scramMechanism?: string;
  scramUsers: Record<string, string>;
}

type Granted = Pick<AccessInputs, "acls" | "quotas" | "scramMechanism" | "scramUsers">;

async function applyAccess(before: Granted, after: AccessInputs): Promise<void> {
  const client = labClient({
    runtime: after.runtime,
    kafkaHome: after.kafkaHome,
    bootstrapServers: after.bootstrapServers,
    commandConfig: after.commandConfig,
  });
  // A mechanism change drops the old credentials and sets all of the new ones.
  if (before.scramMechanism && before.scramMechanism !== after.scramMechanism) {
    const { deletions } = scramChanges(before.scramMechanism, before.scramUsers, {});
    if (deletions.length) await client.alterScram([], deletions);
  }
  if (after.scramMechanism) {
    const had = before.scramMechanism === after.scramMechanism ? before.scramUsers : {};
    const { upserts, deletions } = scramChanges(after.scramMechanism, had, after.scramUsers);
    if (upserts.length + deletions.length) await client.alterScram(upserts, deletions);
  }
  const { remove, add } = aclChanges(before.acls, after.acls);
  if (remove.length) await client.deleteAcls(remove.map(aclOf));
  if (add.length) await client.createAcls(add.map(aclOf));
  for (const change of quotaChanges(before.quotas, after.quotas)) await client.alterQuotas(change.user, change.set, change.remove);
}

const clusterAccess: Handler = {
  async create(inputs: AccessInputs) {
    await applyAccess({ acls: [], quotas: {}, scramUsers: {} }, inputs);
    return { id: "access", outs: inputs };
  },
  async diff(_id, olds: AccessInputs, news: AccessInputs) {
    const keys: (keyof AccessInputs)[] = ["acls", "quotas", "scramMechanism", "scramUsers", "commandConfig", "bootstrapServers"];
    return { changes: keys.some((k) => !same(olds[k], news[k])) };
  },
  async update(_id, olds: AccessInputs, news: AccessInputs) {
    await applyAccess(olds, news);
    return { outs: news };
  },
  async delete(_id, olds: AccessInputs) {
    // Security removed from a lab that stays (a whole-lab destroy skips this: deletedWith).
    await applyAccess(olds, { ...olds, acls: [], quotas: {}, scramMechanism: undefined, scramUsers: {} });
  },
  read: readBack,
};

/** The lab's CA: made once, and again for a new generation, remembering the one it replaces. */
const certificateAuthority: Handler = {
  async create(inputs: CaInputs) {
    return { id: inputs.commonName, outs: { ...inputs, ...createCa(inputs), previousCertPems: [] } };
  },
  async diff(_id, olds: CaOutputs, news: CaInputs) {
    return { changes: (["commonName", "validityDays", "generation"] as const).some((k) => !same(olds[k], news[k])) };
  },
  async update(_id, olds: CaOutputs, news: CaInputs) {
    const renewed = news.generation !== olds.generation || news.commonName !== olds.commonName;
    if (!renewed) return { outs: { ...olds, ...news } };
    return { outs: { ...news, ...createCa(news), previousCertPems: [olds.certPem] } };
  },
  async delete() {},
  read: readBack,
};

export const securityHandlers = {
  password: generated(
    (inputs: { length: number }) => ({ value: newPassword(inputs.length) }),
    () => "password",
  ),
  certificateAuthority,
  nodeCertificate: generated(
    (inputs: NodeCertificateInputs) => {
      const leaf = issueLeaf({ certPem: inputs.caCertPem, keyPem: inputs.caKeyPem }, inputs);
      return { ...leaf, keystore: pkcs12Keystore(leaf, inputs.caCertPem, inputs.keystorePassword, inputs.commonName) };
    },
    (inputs) => inputs.commonName,
    (outs, now) => renewalDue(outs.certPem, outs.renewBeforeDays, now),
  ),
  clusterAccess,
};
