import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fingerprint } from "../model/fingerprint";
import type { ListenerProtocols } from "../model/listeners";
import { cleanUp, fresh, inputs, lab, ROLL, SHAPES, up } from "./fakeLab";
import type { TlsMaterial } from "./rollout";
import { readRunning } from "./running";
import { tlsPending } from "./tls";

const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
const BROKER_TLS: ListenerProtocols = { external: "SSL", internal: "SSL", controller: "PLAINTEXT" };
const ALL_TLS: ListenerProtocols = { external: "SSL", internal: "SSL", controller: "SSL" };

describe.each(SHAPES)("on the %s runtime's shape", (shape) => {
  beforeEach(() => fresh(shape));
  afterEach(cleanUp);

  /** The lab's material from CA `ca` (trusting `previous` too); over SSH each node reads a copy of the bundle beside it. */
  const material = (ca: string, previous: string[] = [], stopAfter?: TlsMaterial["stopAfter"]): TlsMaterial => ({
    caFile: path.join(lab.dir, "certs", "ca.pem"),
    caPem: pem(ca),
    previousCaPems: previous.map(pem),
    stopAfter,
    keystores: Object.fromEntries(
      [1, 2, 3, 4, 5].map((id) => [
        String(id),
        {
          file: path.join(lab.dir, shape === "ssh" ? `node-${id}` : "certs", `node-${id}.p12`),
          ...(shape === "ssh" && { trustFile: path.join(lab.dir, `node-${id}`, "ca.pem") }),
          content: Buffer.from(`keystore of node ${id} from ${ca}`).toString("base64"),
        },
      ]),
    ),
  });
  const withTls = (tls: TlsMaterial, protocols = BROKER_TLS) => inputs("v1", { tls, protocols });
  const loaded = async (tls: TlsMaterial) => {
    const nodes = withTls(tls).nodes;
    return Promise.all(nodes.map((n) => readRunning(lab.fake, n)));
  };
  const bundle = () => fs.readFileSync(path.join(lab.dir, "certs", "ca.pem"), "utf8");

  it("gives a new lab's nodes their files before they start, and records what each loaded", async () => {
    const rt = lab.fake;
    const tls = material("ca1");
    await up(rt, undefined, withTls(tls));
    expect(bundle()).toBe(pem("ca1"));
    for (const [i, record] of (await loaded(tls)).entries()) {
      const keystore = Buffer.from(tls.keystores[String(i + 1)].content, "base64").toString("latin1");
      expect(record).toMatchObject({ keystoreHash: fingerprint(keystore), trustHash: fingerprint(pem("ca1")) });
    }
    expect(await tlsPending(withTls(tls).nodes, await loaded(tls), tls)).toBe(false);
    rt.events.length = 0;
    await up(rt, withTls(tls), withTls(tls));
    expect(rt.events).toEqual([]);
  });

  it("rotates the CA in three phases, brokers' listeners reloading in place when the controllers' is not TLS", async () => {
    const rt = lab.fake;
    await up(rt, undefined, withTls(material("ca1")));
    rt.events.length = 0;
    const next = material("ca2", ["ca1"]);
    expect(await tlsPending(withTls(next).nodes, await loaded(next), next)).toBe(true);
    await up(rt, withTls(material("ca1")), withTls(next));
    const alters = rt.events.map((e) => e.split(" ").slice(0, 3).join(" "));
    const phase = [1, 2, 3, 4, 5].map((id) => `alter broker ${id}`);
    expect(alters).toEqual([...phase, ...phase, ...phase]);
    expect(rt.events[0]).toContain('"listener.name.external.ssl.truststore.location"');
    expect(bundle()).toBe(pem("ca2"));
    expect(await tlsPending(withTls(next).nodes, await loaded(next), next)).toBe(false);
  });

  it("restarts every node in each phase when the controllers talk TLS", async () => {
    const rt = lab.fake;
    await up(rt, undefined, withTls(material("ca1"), ALL_TLS));
    rt.events.length = 0;
    await up(rt, withTls(material("ca1"), ALL_TLS), withTls(material("ca2", ["ca1"]), ALL_TLS));
    expect(rt.events).toEqual([...ROLL, ...ROLL, ...ROLL]);
  });

  it("pauses a rotation after the phase asked, and resumes it on the next up", async () => {
    const rt = lab.fake;
    await up(rt, undefined, withTls(material("ca1")));
    rt.events.length = 0;
    const paused = material("ca2", ["ca1"], "trust");
    await up(rt, withTls(material("ca1")), withTls(paused));
    expect(rt.events).toHaveLength(5);
    expect(bundle()).toBe(pem("ca2") + pem("ca1"));
    rt.events.length = 0;
    const resumed = material("ca2", ["ca1"]);
    await up(rt, withTls(paused), withTls(resumed));
    expect(rt.events).toHaveLength(10);
    expect(bundle()).toBe(pem("ca2"));
  });
});
