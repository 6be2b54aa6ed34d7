// Leaf certificate rotation on a secure lab under a continuous SASL_SSL producer: broker-only nodes
// reload their keystore in place, nodes with the CONTROLLER listener roll one at a time.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentsServing, createTopic, type LabOutputs, TestLab } from "./lab";
import { expectNothingLost, underLoad } from "./underLoad";

const PORT = 15092;
const TOPIC = "payments";

/** The serial number and issuer of the certificate served on 127.0.0.1:`port`, verified against `caFile`. */
function served(port: number, caFile: string): { serial: string; issuer: string } {
  const handshake = execFileSync("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-CAfile", caFile], {
    input: "",
    encoding: "utf8",
    stdio: ["pipe", "pipe", "ignore"],
  });
  expect(handshake, `port ${port}`).toMatch(/Verify return code: 0 \(ok\)/);
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(handshake)?.[0];
  const [serial, issuer] = execFileSync("openssl", ["x509", "-noout", "-serial", "-issuer"], { input: pem, encoding: "utf8" }).trim().split("\n");
  return { serial, issuer };
}

const certificatesIn = (file: string) => (fs.readFileSync(file, "utf8").match(/BEGIN CERTIFICATE/g) ?? []).length;

describe("certificate rotation under load", () => {
  let lab: TestLab;
  let outputs: LabOutputs;
  const nodes = [...[1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] })), { id: 4, roles: ["broker"] }];
  const security = (extra: Record<string, unknown>) => ({ users: { admin: {} }, ...extra });
  const servedBy = () => Object.fromEntries(outputs.nodes.map((n) => [n.id, served(n.ports.external as number, outputs.caCertificate as string)]));
  const pid = (o: LabOutputs, id: number) => o.nodes.find((n) => n.id === id)?.pid;
  /**
   * `up` with `config` while a SASL_SSL producer runs; every acked record must come back once, in order.
   * With `interruptAt`, through an `npm run up` SIGKILLed once it says that, and the next one.
   */
  async function upUnderLoad(config: Record<string, unknown>, interruptAt?: RegExp): Promise<LabOutputs> {
    await lab.configure(config);
    const load = { bootstrap: outputs.bootstrapServers, topic: TOPIC, clientConfig: outputs.clientProperties };
    const up = async () => (interruptAt ? await lab.upInterruptedAt(interruptAt) : await lab.up()).outputs;
    const { result, report } = await underLoad(load, up);
    expectNothingLost(report);
    return result;
  }

  beforeAll(async () => {
    lab = await TestLab.create("rotation", { nodes, ports: { external: PORT, internal: PORT + 1, controller: PORT + 2 }, security: security({}) });
    ({ outputs } = await lab.up());
    await createTopic(outputs, TOPIC, 4, ["min.insync.replicas=2"]);
  });
  afterAll(async () => lab?.cleanup());

  it("reissues every node certificate: the broker reloads it in place, controllers roll; nothing is lost", async () => {
    const before = servedBy();
    const after = await upUnderLoad({ security: security({ certificateRotation: 1 }) });
    expect(pid(after, 4)).toBe(pid(outputs, 4)); // reloaded, not restarted
    for (const id of [1, 2, 3]) expect(pid(after, id)).not.toBe(pid(outputs, id));
    outputs = after;
    const now = servedBy();
    for (const id of [1, 2, 3, 4]) expect(now[id].serial, `node ${id}`).not.toBe(before[id].serial);
  });

  it("rotates the CA in phases: old + new trusted, certificates reissued, old dropped, through an `npm run up` killed in phase 2; nothing is lost", async () => {
    const caFile = outputs.caCertificate as string;
    const oldIssuer = servedBy()[1].issuer;
    // The lab's agent, which the ups' gates asked through: it trusts the old CA only.
    const agentsBefore = agentsServing(PORT + 1);
    expect(agentsBefore.length).toBeGreaterThan(0);
    // Phase 1 only: every node and client trusts both CAs; nodes still serve certificates of the old one.
    outputs = await upUnderLoad({ security: security({ certificateRotation: 1, caGeneration: 1, caRotationStopAfter: "trust" }) });
    expect(certificatesIn(caFile)).toBe(2);
    for (const cert of Object.values(servedBy())) expect(cert.issuer).toBe(oldIssuer);

    // Phases 2 and 3, with clients that took the two-CA bundle (a new producer reads it), through an
    // `npm run up` killed with its CLI and provider in phase 2, and the next one.
    outputs = await upUnderLoad({ security: security({ certificateRotation: 1, caGeneration: 1 }) }, /CA rotation, phase 2 of 3/);
    expect(certificatesIn(caFile)).toBe(1);
    for (const cert of Object.values(servedBy())) expect(cert.issuer).toBe("issuer=CN = kraftlab e2e-rotation CA 1, O = kraftlab");
    expect(outputs.nodes.every((n) => (n.pid ?? 0) > 0)).toBe(true);
    // Each CA bundle made another agent; those of the old ones went when their files changed.
    for (const pid of agentsBefore) expect(fs.existsSync(`/proc/${pid}`), `agent ${pid} of the old CA`).toBe(false);
    expect(agentsServing(PORT + 1)).toHaveLength(1);
    // Two ups of about ten gated restarts between them (9-10 min on 2 cores): a guard against a hang, not a target.
  }, 1_200_000);
});
