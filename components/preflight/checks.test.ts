import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hostBindProblems } from "../host/thisMachine";
import { directoryProblems } from "./checks";
import { portHolder } from "./portHolder";

describe("hostBindProblems", () => {
  it("accepts an address of this machine and names kraftlab:host for one that is not (by a bind, sending nothing)", async () => {
    expect(await hostBindProblems("127.0.0.1")).toEqual([]);
    expect(await hostBindProblems("localhost")).toEqual([]);
    // 192.0.2.0/24 is TEST-NET-1, never assigned to a machine.
    expect(await hostBindProblems("192.0.2.10")).toEqual([
      "kraftlab:host: 192.0.2.10 is not an address of this machine; every node binds and advertises kraftlab:host, so set it to an address of this machine, e.g. 127.0.0.1",
    ]);
  });
});

describe("directoryProblems", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-preflight-"));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("refuses one directory for both labDir and certsDir", () => {
    const dir = path.join(root, "both");
    expect(
      directoryProblems(
        [
          { key: "kraftlab:labDir", dir },
          { key: "kraftlab:certsDir", dir },
        ],
        "kraftlab/dev",
      ),
    ).toEqual([`kraftlab:certsDir: ${dir} is also kraftlab:labDir; give each its own directory`]);
  });

  it("refuses a directory with files kraftlab did not create", () => {
    fs.mkdirSync(path.join(root, "used"));
    fs.writeFileSync(path.join(root, "used", "keep.txt"), "x");
    expect(directoryProblems([{ key: "kraftlab:labDir", dir: path.join(root, "used") }], "kraftlab/dev")).toEqual([
      expect.stringMatching(/^kraftlab:labDir: .*used already holds files that kraftlab did not create \(keep\.txt\)/),
    ]);
  });
});

describe("portHolder", () => {
  it("finds the process listening on a port, with its command line", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const holder = portHolder((server.address() as net.AddressInfo).port);
      expect(holder?.pid).toBe(process.pid);
      expect(holder?.node).toBeUndefined();
    } finally {
      server.close();
    }
  });
});
