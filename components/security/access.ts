// ACLs and quotas as Kafka CLI arguments, and what to change to get from one declared set to another.
// Pure: handlers.ts runs the commands.
import type { AclConfig, SecurityConfig } from "../config";

export type Quotas = SecurityConfig["quotas"];

/** kafka-acls arguments naming one ACL (for --add or --remove). */
export function aclArgs(acl: AclConfig): string[] {
  const who =
    acl.permission === "Allow" ? ["--allow-principal", acl.principal, "--allow-host", acl.host] : ["--deny-principal", acl.principal, "--deny-host", acl.host];
  const resource: Record<AclConfig["resourceType"], string[]> = {
    Topic: ["--topic", acl.resourceName],
    Group: ["--group", acl.resourceName],
    Cluster: ["--cluster"],
    TransactionalId: ["--transactional-id", acl.resourceName],
  };
  return [...who, "--operation", acl.operation, ...resource[acl.resourceType], "--resource-pattern-type", acl.patternType.toLowerCase()];
}

const aclKey = (acl: AclConfig) => JSON.stringify(aclArgs(acl));
const patternKey = (acl: AclConfig) => `${acl.resourceType}:${acl.patternType}:${acl.resourceName}`;

/**
 * The ACLs to put on the cluster. With allow.everyone.if.no.acl.found=true, any ACL on a resource
 * pattern (even a Deny on TOPIC:*) makes "no ACL found" false for it, so everyone else loses access
 * too. A pattern that has only Deny ACLs therefore also gets `Allow User:* All`: deny still wins, so
 * the lab's "alice may not write" means only that.
 */
export function effectiveAcls(security: Pick<SecurityConfig, "acls" | "allowEveryoneIfNoAclFound">): AclConfig[] {
  if (!security.allowEveryoneIfNoAclFound) return security.acls;
  const allowed = new Set(security.acls.filter((a) => a.permission === "Allow").map(patternKey));
  const denyOnly = new Map<string, AclConfig>();
  for (const acl of security.acls) if (acl.permission === "Deny" && !allowed.has(patternKey(acl))) denyOnly.set(patternKey(acl), acl);
  const everyone = [...denyOnly.values()].map((acl): AclConfig => ({ ...acl, principal: "User:*", permission: "Allow", operation: "All", host: "*" }));
  return [...security.acls, ...everyone];
}

/**
 * kafka-acls arguments for `acls`, one invocation (one JVM) per principal, permission, host and
 * resource pattern: their operations go together, as kafka-acls applies every --operation to it.
 */
export function aclBatches(acls: AclConfig[]): string[][] {
  const batches = new Map<string, string[]>();
  for (const acl of acls) {
    const args = aclArgs(acl);
    const at = args.indexOf("--operation");
    const key = JSON.stringify([...args.slice(0, at), ...args.slice(at + 2)]);
    const batch = batches.get(key);
    if (batch) batch.splice(batch.lastIndexOf("--operation") + 2, 0, "--operation", acl.operation);
    else batches.set(key, args);
  }
  return [...batches.values()];
}

/** ACLs to remove and to add to go from `before` to `after`. */
export function aclChanges(before: AclConfig[], after: AclConfig[]): { remove: AclConfig[]; add: AclConfig[] } {
  const had = new Set(before.map(aclKey));
  const want = new Set(after.map(aclKey));
  return { remove: before.filter((a) => !want.has(aclKey(a))), add: after.filter((a) => !had.has(aclKey(a))) };
}

const QUOTA_KEYS = { producerByteRate: "producer_byte_rate", consumerByteRate: "consumer_byte_rate" } as const;

/** Per user, the kafka-configs arguments that turn quotas `before` into `after`. */
export function quotaCommands(before: Quotas, after: Quotas): string[][] {
  const users = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return users.flatMap((user) => {
    const add: string[] = [];
    const remove: string[] = [];
    for (const [key, name] of Object.entries(QUOTA_KEYS) as [keyof typeof QUOTA_KEYS, string][]) {
      const want = after[user]?.[key];
      if (want !== undefined && want !== before[user]?.[key]) add.push(`${name}=${want}`);
      if (want === undefined && before[user]?.[key] !== undefined) remove.push(name);
    }
    if (add.length === 0 && remove.length === 0) return [];
    // One kafka-configs (one JVM) per user: --add-config and --delete-config go together.
    return [
      [
        "--alter",
        ...(add.length ? ["--add-config", add.join(",")] : []),
        ...(remove.length ? ["--delete-config", remove.join(",")] : []),
        "--entity-type",
        "users",
        "--entity-name",
        user,
      ],
    ];
  });
}

/** kafka-configs arguments that turn SCRAM credentials `before` into `after` (user -> password). */
export function scramCommands(mechanism: string, before: Record<string, string>, after: Record<string, string>): string[][] {
  const entity = (user: string) => ["--entity-type", "users", "--entity-name", user];
  const set = Object.entries(after)
    .filter(([user, password]) => before[user] !== password)
    .map(([user, password]) => ["--alter", "--add-config", `${mechanism}=[iterations=8192,password=${password}]`, ...entity(user)]);
  const removed = Object.keys(before)
    .filter((user) => !(user in after))
    .map((user) => ["--alter", "--delete-config", mechanism, ...entity(user)]);
  return [...set, ...removed];
}
