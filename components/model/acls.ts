// The ACLs a lab puts on its cluster, from its security config: what validation checks and the
// access resource applies. Pure.
import type { AclConfig, SecurityConfig } from "./config";

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
