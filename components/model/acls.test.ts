import { describe, expect, it } from "vitest";
import { denyAliceWrite } from "../testing";
import { effectiveAcls } from "./acls";

describe("effectiveAcls", () => {
  it("keeps everyone else allowed on a pattern that only has Deny ACLs", () => {
    expect(effectiveAcls({ acls: [denyAliceWrite], allowEveryoneIfNoAclFound: true })).toEqual([
      denyAliceWrite,
      { ...denyAliceWrite, principal: "User:*", permission: "Allow", operation: "All" },
    ]);
  });

  it("adds nothing where the config has its own Allow, or when everyone is not allowed by default", () => {
    const allowBobTopics = { ...denyAliceWrite, principal: "User:bob", permission: "Allow" as const, operation: "Read" as const };
    expect(effectiveAcls({ acls: [denyAliceWrite, allowBobTopics], allowEveryoneIfNoAclFound: true })).toEqual([denyAliceWrite, allowBobTopics]);
    expect(effectiveAcls({ acls: [denyAliceWrite], allowEveryoneIfNoAclFound: false })).toEqual([denyAliceWrite]);
  });
});
