import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nodesOnDisk } from "../runtime/localChecks";
import { quorumChangeRefusals, removalRefusals, unknownDrains } from "./removal";

const p = (topic: string, partition: number, replicas: number[]) => ({ topic, partition, leader: replicas[0], replicas, isr: replicas });

describe("removalRefusals", () => {
  const all = [p("orders", 0, [1, 2, 4]), p("orders", 1, [4, 3, 1]), p("audit", 0, [1, 2, 3])];

  it("refuses a broker that holds replicas unless it is drained, naming them and both fixes", () => {
    expect(removalRefusals([{ id: 4, roles: ["broker"] }], [], all, "dynamic")).toEqual([
      "broker 4 still holds 2 replica(s) (orders-0, orders-1); add 4 to kraftlab:drainBrokers to move them away first, or put node 4 back in kraftlab:nodes",
    ]);
    expect(removalRefusals([{ id: 4, roles: ["broker"] }], [4], all, "dynamic")).toEqual([]);
    expect(removalRefusals([{ id: 5, roles: ["broker"] }], [], all, "static")).toEqual([]);
  });

  it("refuses a controller of a static quorum, naming the migration; a dynamic quorum lets it leave (its broker part still drains)", () => {
    expect(removalRefusals([{ id: 3, roles: ["broker", "controller"] }], [3], [], "static")).toEqual([
      "node 3 is a controller of this lab's static quorum (controller.quorum.voters), which no controller can leave; " +
        "put node 3 back in kraftlab:nodes, or set kraftlab:quorum: dynamic first (kraftlab migrates the quorum, then controllers can come and go)",
    ]);
    expect(removalRefusals([{ id: 5, roles: ["controller"] }], [], all, "dynamic")).toEqual([]);
    expect(removalRefusals([{ id: 4, roles: ["broker", "controller"] }], [], all, "dynamic")).toHaveLength(1);
  });
});

describe("nodesOnDisk", () => {
  const labDir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-leaving-"));
  afterAll(() => fs.rmSync(labDir, { recursive: true, force: true }));

  it("finds the nodes of a lab directory with their roles, and nothing in a directory without server.properties", () => {
    for (const [id, roles] of [
      [1, "broker,controller"],
      [4, "broker"],
    ] as const) {
      fs.mkdirSync(path.join(labDir, `node-${id}`), { recursive: true });
      fs.writeFileSync(path.join(labDir, `node-${id}`, "server.properties"), `process.roles=${roles}\nnode.id=${id}\n`);
    }
    fs.mkdirSync(path.join(labDir, "node-7")); // never written: not a node of this lab
    expect(nodesOnDisk(labDir)).toEqual([
      { id: 1, roles: ["broker", "controller"] },
      { id: 4, roles: ["broker"] },
    ]);
  });
});

describe("unknownDrains", () => {
  it("accepts brokers leaving now and brokers drained before, and names the ones that can be drained otherwise", () => {
    expect(unknownDrains([4, 5], [4], [5])).toEqual([]);
    expect(unknownDrains([4, 7], [4], [])).toEqual([
      "kraftlab:drainBrokers[1]: node 7 is not a node of this lab, so there is nothing to drain; only a broker removed from kraftlab:nodes can be drained (here: 4); remove 7 from kraftlab:drainBrokers",
    ]);
    expect(unknownDrains([9], [], [])).toEqual([
      "kraftlab:drainBrokers[0]: node 9 is not a node of this lab, so there is nothing to drain; only a broker removed from kraftlab:nodes can be drained (here: none); remove 9 from kraftlab:drainBrokers",
    ]);
  });
});

describe("quorumChangeRefusals", () => {
  const running = [
    { id: 1, roles: ["broker", "controller"] },
    { id: 2, roles: ["broker", "controller"] },
    { id: 3, roles: ["controller", "broker"] },
  ];

  it("takes any topology for a new lab, and a new broker or unchanged roles for a running one", () => {
    expect(quorumChangeRefusals([], [{ id: 9, roles: ["controller"] }], "static")).toEqual([]);
    expect(quorumChangeRefusals(running, [...running, { id: 4, roles: ["broker"] }], "static")).toEqual([]);
  });

  it("takes a new controller into a dynamic quorum", () => {
    expect(quorumChangeRefusals(running, [...running, { id: 4, roles: ["controller"] }], "dynamic")).toEqual([]);
  });

  it("refuses a running node whose roles change (with the steps), and a new controller of a static quorum (with the migration)", () => {
    expect(quorumChangeRefusals(running, [running[0], { id: 2, roles: ["broker"] }, running[2], { id: 4, roles: ["controller"] }], "static")).toEqual([
      "kraftlab:nodes[1].roles: node 2 runs as [broker, controller] in this lab and cannot become [broker] in place: a node keeps the roles it was formatted with; " +
        "put its roles back to [broker, controller], then add a new node with the roles you want, run `pulumi up`, and remove node 2 (in kraftlab:drainBrokers if it holds replicas) with another `pulumi up`",
      "kraftlab:nodes[3]: node 4 would join the controllers of a running lab whose quorum is static (fixed when the lab was created); " +
        "set kraftlab:quorum: dynamic to migrate the quorum first (then controllers can join), or give node 4 roles [broker]",
    ]);
  });
});
