// ACLs, quotas and SCRAM credentials: what to change to get from one declared set to another.
// Pure: handlers.ts applies the changes through the cluster client.
import type { Acl, ScramUpsert } from "../client/cluster";
import type { AclConfig, SecurityConfig } from "../model/config";

export type Quotas = SecurityConfig["quotas"];

/** One ACL as the cluster client takes it, defaults filled in. */
export const aclOf = (acl: AclConfig): Acl => ({
  principal: acl.principal,
  host: acl.host,
  operation: acl.operation,
  permission: acl.permission,
  resourceType: acl.resourceType,
  resourceName: acl.resourceType === "Cluster" ? "kafka-cluster" : acl.resourceName,
  patternType: acl.resourceType === "Cluster" ? "Literal" : acl.patternType,
});

const aclKey = (acl: AclConfig) => JSON.stringify(aclOf(acl));
/** ACLs to remove and to add to go from `before` to `after`. */
export function aclChanges(before: AclConfig[], after: AclConfig[]): { remove: AclConfig[]; add: AclConfig[] } {
  const had = new Set(before.map(aclKey));
  const want = new Set(after.map(aclKey));
  return { remove: before.filter((a) => !want.has(aclKey(a))), add: after.filter((a) => !had.has(aclKey(a))) };
}

const QUOTA_KEYS = { producerByteRate: "producer_byte_rate", consumerByteRate: "consumer_byte_rate" } as const;

/** Per user whose quotas change, the quotas to set and to remove to turn `before` into `after`. */
export function quotaChanges(before: Quotas, after: Quotas): { user: string; set: Record<string, number>; remove: string[] }[] {
  const users = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return users.flatMap((user) => {
    const set: Record<string, number> = {};
    const remove: string[] = [];
    for (const [key, name] of Object.entries(QUOTA_KEYS) as [keyof typeof QUOTA_KEYS, string][]) {
      const want = after[user]?.[key];
      if (want !== undefined && want !== before[user]?.[key]) set[name] = want;
      if (want === undefined && before[user]?.[key] !== undefined) remove.push(name);
    }
    return Object.keys(set).length === 0 && remove.length === 0 ? [] : [{ user, set, remove }];
  });
}

/** Kafka's default SCRAM iteration count, as kafka-configs sets it. */
export const SCRAM_ITERATIONS = 8192;

/** The SCRAM credentials to set and to delete to turn `before` into `after` (user -> password). */
export function scramChanges(
  mechanism: string,
  before: Record<string, string>,
  after: Record<string, string>,
): { upserts: ScramUpsert[]; deletions: { user: string; mechanism: string }[] } {
  return {
    upserts: Object.entries(after)
      .filter(([user, password]) => before[user] !== password)
      .map(([user, password]) => ({ user, mechanism, iterations: SCRAM_ITERATIONS, password })),
    deletions: Object.keys(before)
      .filter((user) => !(user in after))
      .map((user) => ({ user, mechanism })),
  };
}
