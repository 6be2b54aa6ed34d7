import { X509Certificate } from "node:crypto";
import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { createCa, describeCertificate, issueLeaf, pkcs12Keystore } from "./pki";

const now = new Date("2026-11-21T12:00:00Z");
const ca = createCa({ commonName: "kraftlab dev CA", validityDays: 3650, now });
const leaf = issueLeaf(ca, { commonName: "node-1", dnsNames: ["localhost", "node-1"], ipAddresses: ["127.0.0.1"], validityDays: 365, now });

describe("createCa", () => {
  it("makes a self-signed CA with the requested validity", () => {
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(new Date(cert.validTo).getUTCFullYear()).toBe(2036);
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });
});

describe("issueLeaf", () => {
  it("signs a leaf with the node's SANs that the CA verifies", () => {
    const cert = new X509Certificate(leaf.certPem);
    const caCert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe("DNS:localhost, DNS:node-1, IP Address:127.0.0.1");
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.checkHost("localhost")).toBe("localhost");
    expect(leaf.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/); // PKCS#8, as Kafka's PEM support needs
  });

  it("is described with subject, issuer, SANs and expiry", () => {
    expect(describeCertificate(leaf.certPem)).toEqual({
      subject: "CN=node-1,O=kraftlab",
      issuer: "CN=kraftlab dev CA,O=kraftlab",
      dnsNames: ["localhost", "node-1"],
      ipAddresses: ["127.0.0.1"],
      notAfter: new Date(now.getTime() + 365 * 86400_000),
    });
  });
});

describe("pkcs12Keystore", () => {
  it("holds the key and the chain, readable with the password only", () => {
    const der = forge.util.decode64(pkcs12Keystore(leaf, ca.certPem, "s3cret", "node-1"));
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), "s3cret");
    const certs = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
    const keys = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? [];
    expect(certs.map((b) => b.cert?.subject.getField("CN").value)).toEqual(["node-1", "kraftlab dev CA"]);
    expect(keys).toHaveLength(1);
    expect(() => forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), "wrong")).toThrow();
  });
});
