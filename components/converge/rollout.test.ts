import { describe, expect, it } from "vitest";
import { createCa } from "../security/pki";
import { nodeRun } from "../testing";
import { nodeAction, reconfiguration, restartOrder, splitPems, tlsAction, trustBundles } from "./rollout";

const running = (configHash: string, alive = true) => ({ ref: "42", configHash, keystoreHash: "k", trustHash: "t", alive });

describe("nodeAction", () => {
  const combined = nodeRun(1, ["broker", "controller"]);

  it("starts a node that is new or dead, restarts one on an older config, keeps the rest", () => {
    expect(nodeAction(combined, undefined)).toBe("start");
    expect(nodeAction(combined, running("c2", false))).toBe("start");
    expect(nodeAction(combined, running("c1"))).toBe("restart");
    expect(nodeAction(combined, running("c2"))).toBe("keep");
  });

  it("reconfigures a broker whose tunables changed (known from its record); a controller, or an older record, restarts", () => {
    const record = { ...running("c1"), staticHash: "s2", tunables: { "log.retention.ms": "500" } };
    expect(nodeAction(combined, record)).toBe("reconfigure");
    expect(nodeAction(nodeRun(2, ["controller"]), record)).toBe("restart");
    expect(nodeAction(combined, running("c1"))).toBe("restart");
    expect(nodeAction(combined, { ...record, tunables: { "log.retention.ms": "1000" } })).toBe("restart");
  });
});

describe("reconfiguration", () => {
  const dynamic = (key: string) => key !== "queued.max.requests";

  it("sets changed dynamic keys, removes dropped ones, and names the read-only ones that need a restart", () => {
    expect(reconfiguration({ "log.retention.ms": "1", "num.io.threads": "4" }, { "log.retention.ms": "2" }, dynamic)).toEqual({
      set: { "log.retention.ms": "2" },
      remove: ["num.io.threads"],
      readOnly: [],
    });
    expect(reconfiguration({}, { "log.retention.ms": "2", "queued.max.requests": "600" }, dynamic)).toEqual({
      set: { "log.retention.ms": "2" },
      remove: [],
      readOnly: ["queued.max.requests"],
    });
  });

  it("reloads new TLS material in place on brokers, restarts what the CONTROLLER channel holds", () => {
    const had = { keystoreHash: "k1", trustHash: "t1" };
    const newCert = { keystoreHash: "k2", trustHash: "t1" };
    const newTrust = { keystoreHash: "k1", trustHash: "t2" };
    expect(tlsAction(["broker"], had, had, "SASL_SSL")).toBe("keep");
    expect(tlsAction(["broker"], had, newCert, "SASL_SSL")).toBe("reload");
    expect(tlsAction(["broker"], had, newCert, "SSL")).toBe("restart"); // it presents its certificate to the controllers
    expect(tlsAction(["broker"], had, newTrust, "SASL_SSL")).toBe("restart"); // it must trust the controllers' new certificates
    expect(tlsAction(["broker", "controller"], had, newCert, "SASL_SSL")).toBe("restart");
    expect(tlsAction(["broker", "controller"], had, newTrust, "SASL_PLAINTEXT")).toBe("reload");
  });
});

describe("trustBundles", () => {
  const [oldCa, newCa] = ["old", "new"].map((commonName) => splitPems(createCa({ commonName, validityDays: 10 }).certPem)[0]);

  it("trusts old + new first, the new CA alone at the end", () => {
    const { first, final } = trustBundles(oldCa, { caPem: newCa, previousCaPems: [oldCa] });
    expect(splitPems(first)).toEqual([newCa, oldCa]);
    expect(final).toBe(newCa);
  });

  it("resumes an interrupted rotation from the bundle on disk, and is a no-op without one", () => {
    const both = newCa + oldCa;
    expect(trustBundles(both, { caPem: newCa, previousCaPems: [oldCa] })).toEqual({ first: both, final: newCa });
    expect(trustBundles(newCa, { caPem: newCa, previousCaPems: [] })).toEqual({ first: newCa, final: newCa });
    expect(trustBundles(undefined, { caPem: newCa, previousCaPems: [] })).toEqual({ first: newCa, final: newCa });
  });
});

describe("restartOrder", () => {
  it("restarts brokers, then controllers, the active controller last", () => {
    const nodes = [nodeRun(1, ["broker", "controller"]), nodeRun(2, ["broker", "controller"]), nodeRun(3, ["controller"]), nodeRun(4, ["broker"])];
    expect(restartOrder(nodes, 1)).toEqual([4, 2, 3, 1]);
    expect(restartOrder(nodes, 3)).toEqual([4, 1, 2, 3]);
  });
});
