import { describe, expect, it } from "vitest";
import { chooseQuorum, formatFlags, initialControllers, initialIds, shrinkRefusals, voterChanges, votersToCheck } from "./plan";

describe("chooseQuorum", () => {
  it("makes a new lab dynamic unless asked for static, and keeps a lab made before the record static", () => {
    expect(chooseQuorum(undefined, undefined, false)).toEqual({ mode: "dynamic", migrating: false });
    expect(chooseQuorum("static", undefined, false)).toEqual({ mode: "static", migrating: false });
    expect(chooseQuorum(undefined, undefined, true)).toEqual({ mode: "static", migrating: false });
    expect(chooseQuorum(undefined, "dynamic", true)).toEqual({ mode: "dynamic", migrating: false });
  });

  it("migrates a static lab asked to be dynamic, and refuses to go back, saying why", () => {
    expect(chooseQuorum("dynamic", "static", true)).toEqual({ mode: "dynamic", migrating: true });
    expect(chooseQuorum("dynamic", undefined, true)).toEqual({ mode: "dynamic", migrating: true });
    expect(chooseQuorum("static", "dynamic", true)).toEqual({
      problem:
        "kraftlab:quorum: this lab's quorum is dynamic (kraft.version 1) and cannot become static: Kafka cannot downgrade kraft.version; " +
        "remove kraftlab:quorum (or set it to dynamic), or destroy the lab and create it again with quorum: static",
    });
  });
});

describe("formatFlags", () => {
  const initial = initialControllers(
    [
      { id: 1, host: "127.0.0.1", port: 9094 },
      { id: 2, host: "127.0.0.1", port: 9194 },
    ],
    { "1": "AAAAAAAAAAAAAAAAAAAAAQ", "2": "AAAAAAAAAAAAAAAAAAAAAg" },
  );

  it("writes id@host:port:directoryId for each first controller", () => {
    expect(initial).toBe("1@127.0.0.1:9094:AAAAAAAAAAAAAAAAAAAAAQ,2@127.0.0.1:9194:AAAAAAAAAAAAAAAAAAAAAg");
    expect(initialIds(initial)).toEqual([1, 2]);
  });

  it("gives the first controllers of a new dynamic lab the same --initial-controllers, later controllers --no-initial-controllers, brokers nothing", () => {
    const creating = { mode: "dynamic" as const, creating: true, initialControllers: initial };
    expect(formatFlags({ id: 1, roles: ["broker", "controller"] }, creating)).toEqual(["--initial-controllers", initial]);
    expect(formatFlags({ id: 2, roles: ["controller"] }, creating)).toEqual(["--initial-controllers", initial]);
    expect(formatFlags({ id: 3, roles: ["controller"] }, creating)).toEqual(["--no-initial-controllers"]);
    expect(formatFlags({ id: 4, roles: ["broker"] }, creating)).toEqual([]);
    // A controller formatted after creation (new, or wiped) joins as an observer, even a first one.
    expect(formatFlags({ id: 1, roles: ["controller"] }, { ...creating, creating: false })).toEqual(["--no-initial-controllers"]);
  });

  it("gives no flag at all with a static quorum: the voters are in the config", () => {
    expect(formatFlags({ id: 1, roles: ["controller"] }, { mode: "static", creating: true, initialControllers: "" })).toEqual([]);
  });
});

describe("voterChanges", () => {
  const voters = [
    { id: 1, directoryId: "a" },
    { id: 2, directoryId: "b" },
    { id: 3, directoryId: "c" },
  ];

  it("changes nothing when the voters are the planned controllers with their directories", () => {
    expect(voterChanges(voters, voters)).toEqual({ remove: [], add: [] });
  });

  it("removes a leaving controller's voter and adds a new controller", () => {
    expect(voterChanges([voters[0], voters[1], { id: 4, directoryId: "d" }], voters)).toEqual({ remove: [voters[2]], add: [4] });
  });

  it("replaces the voter of a controller formatted again: the old directory leaves, the new one joins", () => {
    expect(voterChanges([voters[0], { id: 2, directoryId: "b2" }, voters[2]], voters)).toEqual({ remove: [voters[1]], add: [2] });
  });
});

describe("votersToCheck", () => {
  it("asks the quorum when no voters were seen, the controllers changed, or a controller started", () => {
    expect(votersToCheck([1, 2, 3], [], undefined)).toBe(true);
    expect(votersToCheck([1, 2, 3, 4], [], [1, 2, 3])).toBe(true);
    expect(votersToCheck([1, 2], [], [1, 2, 3])).toBe(true);
    expect(votersToCheck([1, 2, 3], [2], [1, 2, 3])).toBe(true);
  });

  it("does not when the voters last seen are the controllers and none of them started (a roll, a broker added)", () => {
    expect(votersToCheck([3, 1, 2], [], [1, 2, 3])).toBe(false);
    expect(votersToCheck([1, 2, 3], [4], [1, 2, 3])).toBe(false);
  });
});

describe("shrinkRefusals", () => {
  it("lets one controller leave at a time, and a minority at once", () => {
    expect(shrinkRefusals([1, 2, 3], [3])).toEqual([]);
    expect(shrinkRefusals([1, 2, 3, 4, 5], [4, 5])).toEqual([]);
    expect(shrinkRefusals([1, 2], [2])).toEqual([]);
    expect(shrinkRefusals([1, 2, 3], [7])).toEqual([]);
  });

  it("refuses a majority at once, and the last controller, naming what to do", () => {
    expect(shrinkRefusals([1, 2, 3], [2, 3])).toEqual([
      "kraftlab:nodes: removing controllers 2, 3 at once would leave 1 of 3 voters, fewer than a majority (2); remove them one `pulumi up` at a time",
    ]);
    expect(shrinkRefusals([1], [1])).toEqual([
      "kraftlab:nodes: removing controller(s) 1 would leave no controller; keep at least one node with the controller role",
    ]);
  });
});
