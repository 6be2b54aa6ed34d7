// Leaf certificate rotation on a secure lab under a continuous SASL_SSL producer: broker-only nodes
// reload their keystore in place, nodes with the CONTROLLER listener roll one at a time.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkaTool, TestLab, type LabOutputs } from "./lab";
import { LoadRun, type LoadReport } from "./load";

const PORT = 15092;
const TOPIC = "payments";

/** The serial number of the certificate served on 127.0.0.1:`port`, verified against `caFile`. */
function servedSerial(port: number, caFile: string): string {
  const handshake = execFileSync("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-CAfile", caFile], {
    input: "",
    encoding: "utf8",
    stdio: ["pipe", "pipe", "ignore"],
  });
  expect(handshake, `port ${port}`).toMatch(/Verify return code: 0 \(ok\)/);
  const served = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(handshake)?.[0];
  return execFileSync("openssl", ["x509", "-noout", "-serial"], { input: served, encoding: "utf8" }).trim();
}

describe("certificate rotation under load", () => {
  let lab: TestLab;
  let outputs: LabOutputs;
  const nodes = [...[1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] })), { id: 4, roles: ["broker"] }];
  const security = (rotation: number) => ({ users: { admin: {} }, certificateRotation: rotation });
  const serials = () => Object.fromEntries(outputs.nodes.map((n) => [n.id, servedSerial(n.ports.external as number, outputs.caCertificate as string)]));

  beforeAll(async () => {
    lab = await TestLab.create("rotation", { nodes, ports: { external: PORT, internal: PORT + 1, controller: PORT + 2 }, security: security(0) });
    ({ outputs } = await lab.up());
    await kafkaTool("kafka-topics", [
      "--bootstrap-server", outputs.bootstrapServers, "--command-config", outputs.clientProperties,
      "--create", "--topic", TOPIC, "--partitions", "4", "--replication-factor", "3", "--config", "min.insync.replicas=2",
    ]);
  });
  afterAll(async () => lab?.cleanup());

  it("reissues every node certificate: the broker reloads it in place, controllers roll; nothing is lost", async () => {
    const before = serials();
    await lab.configure({ security: security(1) });
    const load = await LoadRun.start({ bootstrap: outputs.bootstrapServers, topic: TOPIC, clientConfig: outputs.clientProperties });
    let after: LabOutputs;
    let report: LoadReport;
    try {
      ({ outputs: after } = await lab.up());
    } finally {
      report = await load.stop();
    }
    expect(report.acked).toBeGreaterThan(0);
    expect(report.lost).toEqual([]);
    expect(report.duplicated).toEqual([]);
    expect(report.outOfOrder).toEqual([]);
    expect(report.produceErrors).toEqual([]);

    const pid = (o: LabOutputs, id: number) => o.nodes.find((n) => n.id === id)?.pid;
    expect(pid(after, 4)).toBe(pid(outputs, 4)); // reloaded, not restarted
    for (const id of [1, 2, 3]) expect(pid(after, id)).not.toBe(pid(outputs, id));
    outputs = after;
    const now = serials();
    for (const id of [1, 2, 3, 4]) expect(now[id], `node ${id}`).not.toBe(before[id]);
  });
});
