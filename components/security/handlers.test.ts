import { describe, expect, it } from "vitest";
import { renewalDue, securityHandlers } from "./handlers";
import { createCa } from "./pki";

const DAY = 24 * 60 * 60 * 1000;

describe("certificate renewal", () => {
  const ca = createCa({ commonName: "test CA", validityDays: 3650 });
  const inputs = {
    caCertPem: ca.certPem,
    caKeyPem: ca.keyPem,
    commonName: "node-1",
    dnsNames: ["localhost"],
    ipAddresses: ["127.0.0.1"],
    validityDays: 365,
    keystorePassword: "secret-pw",
    renewBeforeDays: 30,
    rotation: 0,
  };

  it("is due within renewBeforeDays of the expiry, not before", () => {
    const now = Date.now();
    expect(renewalDue(ca.certPem, 30, new Date(now))).toBe(false);
    expect(renewalDue(ca.certPem, 30, new Date(now + (3650 - 29) * DAY))).toBe(true);
  });

  it("reissues a node certificate on a new rotation value, or when it nears expiry", async () => {
    const { outs } = await securityHandlers.nodeCertificate.create(inputs);
    expect(await securityHandlers.nodeCertificate.diff("node-1", outs, inputs)).toEqual({ changes: false });
    expect(await securityHandlers.nodeCertificate.diff("node-1", outs, { ...inputs, rotation: 1 })).toEqual({ changes: true });
    expect(await securityHandlers.nodeCertificate.diff("node-1", outs, { ...inputs, renewBeforeDays: 366 })).toEqual({ changes: true });
    const { outs: reissued } = await securityHandlers.nodeCertificate.update("node-1", outs, { ...inputs, rotation: 1 });
    expect(reissued.certPem).not.toBe(outs.certPem);
  });
});
