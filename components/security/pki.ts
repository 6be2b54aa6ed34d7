// The lab's own PKI with node-forge: a CA, leaf certificates for the nodes, PKCS12 keystores.
// Pure functions of their inputs (keys come from Node's native RSA generator, which is fast).
import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";

export interface Pem {
  certPem: string;
  /** PKCS#8 private key. */
  keyPem: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function newKey(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pkcs8: string } {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e), pkcs8: privateKey };
}

function newCertificate(publicKey: forge.pki.PublicKey, validityDays: number, now: Date): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // Positive 16-byte serial: the high bit cleared so DER does not read it as negative.
  cert.serialNumber = `0${randomBytes(16).toString("hex").slice(1)}`;
  cert.validity.notBefore = new Date(now.getTime() - 5 * 60 * 1000); // tolerate small clock skew
  cert.validity.notAfter = new Date(now.getTime() + validityDays * DAY_MS);
  return cert;
}

/** A self-signed CA able to sign server and client certificates. */
export function createCa(opts: { commonName: string; validityDays: number; now?: Date }): Pem {
  const key = newKey();
  const cert = newCertificate(key.publicKey, opts.validityDays, opts.now ?? new Date());
  const subject = [
    { name: "commonName", value: opts.commonName },
    { name: "organizationName", value: "kraftlab" },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(key.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.pkcs8 };
}

export interface LeafRequest {
  commonName: string;
  /** DNS names; `localhost` belongs here for a lab. */
  dnsNames: string[];
  /** IP addresses, e.g. 127.0.0.1. */
  ipAddresses: string[];
  validityDays: number;
  now?: Date;
}

/** A server-and-client certificate for a node, signed by `ca`. */
export function issueLeaf(ca: Pem, req: LeafRequest): Pem {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const key = newKey();
  const cert = newCertificate(key.publicKey, req.validityDays, req.now ?? new Date());
  cert.setSubject([
    { name: "commonName", value: req.commonName },
    { name: "organizationName", value: "kraftlab" },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true, clientAuth: true },
    {
      name: "subjectAltName",
      altNames: [...req.dnsNames.map((value) => ({ type: 2, value })), ...req.ipAddresses.map((ip) => ({ type: 7, ip }))],
    },
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.pkcs8 };
}

/** A PKCS12 keystore (base64) holding the leaf's key and its chain up to the CA. */
export function pkcs12Keystore(leaf: Pem, caCertPem: string, password: string, alias: string): string {
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(leaf.keyPem),
    [forge.pki.certificateFromPem(leaf.certPem), forge.pki.certificateFromPem(caCertPem)],
    password,
    { algorithm: "aes256", friendlyName: alias },
  );
  return forge.util.encode64(forge.asn1.toDer(asn1).getBytes());
}

/** Subject, issuer, SANs and expiry of a certificate, for checks and outputs. */
export function describeCertificate(certPem: string): { subject: string; issuer: string; dnsNames: string[]; ipAddresses: string[]; notAfter: Date } {
  const cert = forge.pki.certificateFromPem(certPem);
  const name = (attrs: forge.pki.CertificateField[]) => attrs.map((a) => `${a.shortName}=${a.value}`).join(",");
  const san = (cert.getExtension("subjectAltName") as { altNames?: { type: number; value?: string; ip?: string }[] } | null)?.altNames ?? [];
  return {
    subject: name(cert.subject.attributes),
    issuer: name(cert.issuer.attributes),
    dnsNames: san.filter((n) => n.type === 2).map((n) => n.value as string),
    ipAddresses: san.filter((n) => n.type === 7).map((n) => n.ip as string),
    notAfter: cert.validity.notAfter,
  };
}
