import { getProperties } from "properties-file";
import { describe, expect, it } from "vitest";
import { COMBINED_3, labConfig } from "../testing";
import {
  brokerTlsListeners,
  clientSecurityProperties,
  nodePrincipal,
  operatorProperties,
  PLAINTEXT_LISTENERS,
  PRINCIPAL_MAPPING,
  plainJaas,
  superUsers,
} from "./listeners";
import { renderClientProperties, renderServerProperties } from "./render";
import { planCluster } from "./topology";

const secure = (security: Record<string, unknown> = {}) => labConfig(COMBINED_3, { security: { users: { admin: {}, alice: {} }, ...security } });
const secrets = {
  nodePassword: "nodepw",
  keystorePassword: "kspw",
  userPasswords: { admin: "adminpw", alice: "alicepw" },
  keystoreFile: "/certs/node-1.p12",
  truststoreFile: "/certs/ca.pem",
};

describe("principals", () => {
  it("nodes are one principal, by SASL or by their certificate with mTLS, so a new node changes no other", () => {
    expect(nodePrincipal("SASL_SSL")).toBe("User:kraftlab-node");
    expect(nodePrincipal("SSL")).toBe("User:kraftlab-node");
    expect(nodePrincipal("PLAINTEXT")).toBe("User:ANONYMOUS");
    expect(PRINCIPAL_MAPPING).toBe("RULE:^CN=node-[0-9]+,O=kraftlab$/kraftlab-node/,DEFAULT");
  });

  it("makes the nodes' principal and the configured users super users, never ANONYMOUS", () => {
    const cfg = secure().security!;
    expect(superUsers(cfg)).toEqual(["User:kraftlab-node", "User:admin"]);
    expect(superUsers({ ...cfg, listeners: { ...cfg.listeners, controller: "SSL" } })).toEqual(["User:kraftlab-node", "User:admin"]);
  });

  it("names the broker listeners whose TLS material reloads in place", () => {
    const cfg = secure().security!;
    expect(brokerTlsListeners(cfg.listeners)).toEqual(["external", "internal"]);
    expect(brokerTlsListeners(PLAINTEXT_LISTENERS)).toEqual([]);
    expect(brokerTlsListeners({ ...cfg.listeners, external: "SASL_PLAINTEXT" })).toEqual(["internal"]);
  });
});

describe("plainJaas", () => {
  it("lists the node's own identity and the accepted users, quoting values", () => {
    expect(plainJaas({ username: "n", password: 'p"w' }, { a: "x\\y" })).toBe(
      'org.apache.kafka.common.security.plain.PlainLoginModule required username="n" password="p\\"w" user_a="x\\\\y";',
    );
  });
});

describe("secure server.properties", () => {
  const plan = planCluster(secure(), "/lab", "dev");
  const props = getProperties(renderServerProperties(plan, plan.nodes[0], "dev", secrets));

  it("puts SASL_SSL on every listener with PKCS12 keystore and PEM truststore", () => {
    expect(props["listener.security.protocol.map"]).toBe("EXTERNAL:SASL_SSL,INTERNAL:SASL_SSL,CONTROLLER:SASL_SSL");
    expect(props).toMatchObject({
      "ssl.keystore.type": "PKCS12",
      "ssl.keystore.location": "/certs/node-1.p12",
      "ssl.keystore.password": "kspw",
      "ssl.truststore.type": "PEM",
      "ssl.truststore.location": "/certs/ca.pem",
      "sasl.mechanism.inter.broker.protocol": "PLAIN",
      "sasl.mechanism.controller.protocol": "PLAIN",
    });
  });

  it("lets nodes authenticate to each other and clients to EXTERNAL", () => {
    expect(props["listener.name.controller.plain.sasl.jaas.config"]).toBe(
      'org.apache.kafka.common.security.plain.PlainLoginModule required username="kraftlab-node" password="nodepw" user_kraftlab-node="nodepw";',
    );
    expect(props["listener.name.internal.plain.sasl.jaas.config"]).toBe(props["listener.name.controller.plain.sasl.jaas.config"]);
    expect(props["listener.name.external.plain.sasl.jaas.config"]).toBe(
      'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="adminpw" user_alice="alicepw";',
    );
  });

  it("switches on the StandardAuthorizer with the right super users", () => {
    expect(props).toMatchObject({
      "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
      "super.users": "User:kraftlab-node;User:admin",
      "allow.everyone.if.no.acl.found": "true",
    });
  });

  it("requires client certificates on node listeners that use SSL", () => {
    const mtls = planCluster(secure({ listeners: { internal: "SSL", controller: "SSL" } }), "/lab", "dev");
    const p = getProperties(renderServerProperties(mtls, mtls.nodes[0], "dev", secrets));
    expect(p["listener.name.internal.ssl.client.auth"]).toBe("required");
    expect(p["listener.name.controller.ssl.client.auth"]).toBe("required");
    expect(p["listener.name.controller.plain.sasl.jaas.config"]).toBeUndefined();
    expect(p["super.users"]).toBe("User:kraftlab-node;User:admin");
  });
});

describe("client properties", () => {
  it("gives a user SASL_SSL with PLAIN, its own credentials and the CA", () => {
    const plan = planCluster(secure(), "/lab", "dev");
    expect(getProperties(renderClientProperties(plan, "dev", { user: "alice", password: "alicepw", truststoreFile: "/certs/ca.pem" }))).toEqual({
      "bootstrap.servers": "127.0.0.1:9092,127.0.0.1:9192,127.0.0.1:9292",
      "security.protocol": "SASL_SSL",
      "ssl.truststore.type": "PEM",
      "ssl.truststore.location": "/certs/ca.pem",
      "sasl.mechanism": "PLAIN",
      "sasl.jaas.config": 'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="alicepw";',
    });
  });

  it('writes the JAAS line as an administrator would: no backslash before = or "', () => {
    const plan = planCluster(secure(), "/lab", "dev");
    const text = renderClientProperties(plan, "dev", { user: "alice", password: "a=b:c#!x", truststoreFile: "/certs/ca.pem" });
    expect(text).toContain('\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="a=b:c#!x";\n');
    expect(text).toContain("\nbootstrap.servers=127.0.0.1:9092,127.0.0.1:9192,127.0.0.1:9292\n");
  });

  it("needs no credentials on an SSL listener", () => {
    expect(
      clientSecurityProperties({ ...secure().security!, listeners: { external: "SSL", internal: "SASL_SSL", controller: "SASL_SSL" } }, "a", "p", "/ca.pem"),
    ).toEqual([
      ["security.protocol", "SSL"],
      ["ssl.truststore.type", "PEM"],
      ["ssl.truststore.location", "/ca.pem"],
    ]);
  });
});

describe("SCRAM for clients", () => {
  const plan = planCluster(secure({ mechanism: "SCRAM-SHA-512" }), "/lab", "dev");
  const props = getProperties(renderServerProperties(plan, plan.nodes[0], "dev", secrets));

  it("enables SCRAM on EXTERNAL only, users kept in the cluster rather than in JAAS", () => {
    expect(props["listener.name.external.sasl.enabled.mechanisms"]).toBe("SCRAM-SHA-512");
    expect(props["listener.name.external.scram-sha-512.sasl.jaas.config"]).toBe("org.apache.kafka.common.security.scram.ScramLoginModule required;");
    expect(props["listener.name.external.plain.sasl.jaas.config"]).toBeUndefined();
    expect(props["listener.name.controller.sasl.enabled.mechanisms"]).toBe("PLAIN");
    expect(props["sasl.mechanism.controller.protocol"]).toBe("PLAIN");
  });

  it("gives clients the SCRAM login module", () => {
    expect(Object.fromEntries(clientSecurityProperties(plan.security!, "alice", "pw", "/ca.pem"))).toMatchObject({
      "sasl.mechanism": "SCRAM-SHA-512",
      "sasl.jaas.config": 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="pw";',
    });
  });
});

describe("operatorProperties", () => {
  it("connects as the nodes do: PLAIN node user on SASL, node keystore on mTLS", () => {
    expect(Object.fromEntries(operatorProperties(secure().security!, secrets))).toEqual({
      "security.protocol": "SASL_SSL",
      "ssl.truststore.type": "PEM",
      "ssl.truststore.location": "/certs/ca.pem",
      "sasl.mechanism": "PLAIN",
      "sasl.jaas.config": 'org.apache.kafka.common.security.plain.PlainLoginModule required username="kraftlab-node" password="nodepw";',
    });
    expect(Object.fromEntries(operatorProperties(secure({ listeners: { internal: "SSL" } }).security!, secrets))).toMatchObject({
      "security.protocol": "SSL",
      "ssl.keystore.location": "/certs/node-1.p12",
      "ssl.keystore.password": "kspw",
    });
  });
});
