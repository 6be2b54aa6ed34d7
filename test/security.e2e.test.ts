// Security on real nodes: clients that should get in do, every other kind is kept out with the
// expected error, ACLs and quotas follow the config, and no secret is left in plain text.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheDir } from "../components/host/tools";
import { createCa } from "../components/security/pki";
import { passphraseFile } from "../lab/secrets";
import { consume, createTopic, kafkaTool, type LabOutputs, labProcesses, produce, runKafkaTool, TestLab, toolJvmsDuring } from "./lab";

const PORT = 26092;
const denyAliceWrite = { principal: "User:alice", permission: "Deny", operation: "Write", resourceType: "Topic", resourceName: "*" };
const security = (acls: unknown[], quotas: Record<string, unknown>) => ({ users: { admin: {}, alice: {} }, acls, quotas });
const QUOTA = 1024;

describe("a secure lab", () => {
  let lab: TestLab;
  let outputs: LabOutputs;
  let files: Record<string, string>;

  /** A client file of `lines` on top of the right bootstrap servers and short timeouts, so refusals come fast. */
  const clientFile = (name: string, lines: string[]) => {
    const file = path.join(lab.root, `${name}.properties`);
    fs.writeFileSync(
      file,
      [`bootstrap.servers=${outputs.bootstrapServers}`, "default.api.timeout.ms=10000", "request.timeout.ms=5000", ...lines, ""].join("\n"),
    );
    return file;
  };
  const listTopics = (config: string) => runKafkaTool("kafka-topics", ["--bootstrap-server", outputs.bootstrapServers, "--command-config", config, "--list"]);

  beforeAll(async () => {
    lab = await TestLab.create("secure", {
      nodes: [1, 2, 3].map((id) => ({ id, roles: ["broker", "controller"] })),
      ports: { external: PORT, internal: PORT + 1, controller: PORT + 2 },
      security: security([denyAliceWrite], { alice: { producerByteRate: QUOTA, consumerByteRate: QUOTA } }),
    });
    ({ outputs } = await lab.up());
    files = outputs.clientFiles as Record<string, string>;
  });
  afterAll(async () => lab?.cleanup());

  it("lets admin produce and alice consume over SASL_SSL", async () => {
    expect(outputs.clientProperties).toBe(path.join(lab.certsDir, "admin.properties"));
    expect(fs.readFileSync(files.alice, "utf8")).toContain("security.protocol=SASL_SSL");
    await createTopic(outputs, "secure", 1);
    const sent = await produce(outputs.bootstrapServers, "secure", 100, "admin", files.admin);
    const received = await consume(outputs.bootstrapServers, "secure", 100, files.alice);
    expect(received.sort()).toEqual(sent.sort());
  });

  it("keeps out a client without credentials, with a wrong password, in plaintext, or trusting another CA", async () => {
    const tls = ["ssl.truststore.type=PEM", `ssl.truststore.location=${outputs.caCertificate}`];
    const plain = (user: string, password: string) => [
      "security.protocol=SASL_SSL",
      ...tls,
      "sasl.mechanism=PLAIN",
      `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${user}" password="${password}";`,
    ];
    const otherCa = path.join(lab.root, "other-ca.pem");
    fs.writeFileSync(otherCa, createCa({ commonName: "someone else", validityDays: 1 }).certPem);

    const noCredentials = await listTopics(clientFile("no-credentials", ["security.protocol=SSL", ...tls]));
    expect(noCredentials.code).not.toBe(0);
    expect(noCredentials.stderr).toMatch(/TimeoutException|Timed out/);

    const wrongPassword = await listTopics(clientFile("wrong-password", plain("alice", "not-her-password")));
    expect(wrongPassword.code).not.toBe(0);
    expect(wrongPassword.stderr).toMatch(/SaslAuthenticationException: Authentication failed: Invalid username or password/);

    const plaintext = await listTopics(clientFile("plaintext", ["security.protocol=PLAINTEXT"]));
    expect(plaintext.code).not.toBe(0);
    expect(plaintext.stderr).toMatch(/TimeoutException|Timed out/);

    const alicePassword = (outputs.userPasswords as Record<string, string>).alice;
    const untrusted = await listTopics(
      clientFile("other-ca", [...plain("alice", alicePassword).filter((l) => !l.startsWith("ssl.truststore.location")), `ssl.truststore.location=${otherCa}`]),
    );
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr).toMatch(/SslAuthenticationException: SSL handshake failed/);
  });

  it("denies alice writing, with TopicAuthorizationException", async () => {
    const write = await runKafkaTool(
      "kafka-console-producer",
      ["--bootstrap-server", outputs.bootstrapServers, "--topic", "secure", "--command-config", files.alice],
      "denied\n",
    );
    expect(write.stderr).toMatch(/TopicAuthorizationException: Not authorized to access topics: \[secure\]/);
  });

  it("shows our CA chain and the node's SANs on every listener (openssl s_client)", () => {
    for (const node of outputs.nodes) {
      for (const port of Object.values(node.ports) as number[]) {
        const handshake = execFileSync("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-CAfile", outputs.caCertificate as string, "-showcerts"], {
          input: "",
          encoding: "utf8",
          stdio: ["pipe", "pipe", "ignore"],
        });
        expect(handshake, `port ${port}`).toMatch(/Verify return code: 0 \(ok\)/);
        expect(handshake).toMatch(new RegExp(`subject=CN = node-${node.id}, O = kraftlab`));
        expect(handshake).toMatch(/issuer=CN = kraftlab e2e-secure CA, O = kraftlab/);
        const served = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(handshake)?.[0];
        const sans = execFileSync("openssl", ["x509", "-noout", "-ext", "subjectAltName"], { input: served, encoding: "utf8" });
        expect(sans).toContain(`DNS:localhost, DNS:node-${node.id}, IP Address:127.0.0.1`);
      }
    }
  });

  it("keeps every secret out of state, stack files and logs, and private files at 0600", async () => {
    const state = lab.exportState();
    expect(JSON.parse(state).deployment.secrets_providers.type).toBe("passphrase");
    const stackFile = fs.readFileSync(path.join(lab.stack.workspace.workDir, `Pulumi.${lab.stack.name}.yaml`), "utf8");
    const serverProperties = fs.readFileSync(path.join(lab.labDir, "node-1", "server.properties"), "utf8");
    const secrets = [
      ...Object.values(outputs.userPasswords as Record<string, string>),
      /ssl\.keystore\.password=(\S+)/.exec(serverProperties)?.[1] as string,
      /username\\?="kraftlab-node" password\\?="([^"\\]+)/.exec(serverProperties)?.[1] as string,
    ];
    expect(secrets.every((s) => s && s.length >= 16)).toBe(true);
    const logs = outputs.nodes.map((n) => fs.readFileSync(n.logFile, "utf8")).join("\n");
    for (const secret of secrets) {
      expect(state).not.toContain(secret);
      expect(stackFile).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    expect(state).not.toContain("PRIVATE KEY");
    const privateFiles = [
      ...outputs.nodes.map((n) => path.join(lab.certsDir, `node-${n.id}.p12`)),
      ...outputs.nodes.map((n) => path.join(lab.labDir, `node-${n.id}`, "server.properties")),
      ...Object.values(files),
      outputs.clientProperties,
    ];
    for (const file of privateFiles) expect((fs.statSync(file).mode & 0o777).toString(8), file).toBe("600");
  });

  it("seals the state's secrets with a passphrase kept outside it: the state alone opens nothing, and others read neither", async () => {
    const passphrase = passphraseFile(cacheDir());
    expect((fs.statSync(passphrase).mode & 0o777).toString(8)).toBe("600");
    const stateDir = path.join(lab.root, "state");
    expect((fs.statSync(stateDir).mode & 0o777).toString(8)).toBe("700");
    const stateFiles = (fs.readdirSync(stateDir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(stateDir, f)).isFile());
    expect(stateFiles.length).toBeGreaterThan(0);
    for (const file of stateFiles) expect((fs.statSync(path.join(stateDir, file)).mode & 0o777).toString(8), file).toBe("600");
    // Whoever has the state but not the passphrase file (here: the empty passphrase of an earlier release) cannot decrypt.
    const withoutKey = lab.cli(["stack", "output", "userPasswords", "--show-secrets"], { PULUMI_CONFIG_PASSPHRASE: "" });
    expect(withoutKey.status).not.toBe(0);
    expect(withoutKey.stderr).toMatch(/incorrect passphrase/);
    const withKey = lab.cli(["stack", "output", "userPasswords", "--show-secrets", "--json"], {});
    expect(JSON.parse(withKey.stdout)).toEqual(outputs.userPasswords);
  });

  /** alice's produce rate in bytes/s, as producer-perf-test measures it: one 512-byte record per request. */
  async function aliceProduceRate(): Promise<number> {
    const out = await kafkaTool("kafka-producer-perf-test", [
      "--topic",
      "secure",
      "--num-records",
      "24",
      "--record-size",
      "512",
      "--throughput",
      "-1",
      "--command-config",
      files.alice,
      "--producer-props",
      `bootstrap.servers=${outputs.bootstrapServers}`,
      "acks=1",
      "batch.size=512",
      "linger.ms=0",
      "max.in.flight.requests.per.connection=1",
    ]);
    const recordsPerSecond = Number(/24 records sent, ([\d.]+) records\/sec/.exec(out)?.[1]);
    return recordsPerSecond * 512;
  }

  it("stops denying once the ACL leaves the config, and holds alice to her produce quota, with no Kafka tool JVM", async () => {
    await lab.stack.setConfig("kraftlab:security", { value: JSON.stringify(security([], { alice: { producerByteRate: QUOTA, consumerByteRate: QUOTA } })) });
    const {
      result: { changes, outputs: after },
      tools,
    } = await toolJvmsDuring(() => lab.up());
    expect(tools).toEqual([]);
    expect(changes).toMatchObject({ update: 1 }); // only the ACLs and quotas
    expect(changes.create ?? 0).toBe(0);
    expect(after.nodes.map((n) => n.pid)).toEqual(outputs.nodes.map((n) => n.pid)); // no node restarted
    const rate = await aliceProduceRate();
    expect(rate).toBeLessThan(QUOTA * 1.5);
  });

  it("lets alice produce unthrottled once the quota leaves the config", async () => {
    await lab.stack.setConfig("kraftlab:security", { value: JSON.stringify(security([], {})) });
    await lab.up();
    expect(await aliceProduceRate()).toBeGreaterThan(QUOTA * 4); // connection setup dominates 24 records
  });

  it("adds a PLAIN user (a restart of the nodes, as PLAIN users live in their JAAS config), its file written as an administrator would", async () => {
    // = : # ! and a space are plain text in a .properties value: written as they are, read back by Kafka.
    const password = "b=o:b#!s p@ss";
    await lab.stack.setConfig("kraftlab:security", { value: JSON.stringify({ ...security([], {}), users: { admin: {}, alice: {}, bob: { password } } }) });
    const { outputs: after, changes } = await lab.up();
    expect(changes.update).toBeGreaterThanOrEqual(3); // the three nodes (and the files that list users)
    const bob = (after.clientFiles as Record<string, string>).bob;
    expect(fs.readFileSync(bob, "utf8")).toContain(
      `\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="bob" password="${password}";\n`,
    );
    expect(await kafkaTool("kafka-topics", ["--bootstrap-server", after.bootstrapServers, "--command-config", bob, "--list"])).toContain("secure");
    expect((await consume(after.bootstrapServers, "secure", 100, bob)).filter((m) => m.startsWith("admin-"))).toHaveLength(100);
  });

  it("removes the nodes, the lab and the certificates on destroy", async () => {
    await lab.stack.destroy({ color: "never" });
    expect(labProcesses(lab.labDir)).toEqual([]);
    expect(fs.existsSync(lab.labDir)).toBe(false);
    expect(fs.existsSync(lab.certsDir)).toBe(false);
  });
});

describe("a lab with SCRAM users", () => {
  let lab: TestLab;
  let outputs: LabOutputs;
  const users = (names: string[]) => ({ mechanism: "SCRAM-SHA-512", users: Object.fromEntries(names.map((n) => [n, {}])) });

  beforeAll(async () => {
    lab = await TestLab.create("scram", {
      nodes: [{ id: 1, roles: ["broker", "controller"] }],
      ports: { external: 27092, internal: 27093, controller: 27094 },
      security: users(["admin", "alice"]),
    });
    ({ outputs } = await lab.up());
  });
  afterAll(async () => lab?.cleanup());

  it("lets admin produce and alice consume with SCRAM-SHA-512", async () => {
    const files = outputs.clientFiles as Record<string, string>;
    expect(fs.readFileSync(files.alice, "utf8")).toContain("sasl.mechanism=SCRAM-SHA-512");
    const sent = await produce(outputs.bootstrapServers, "scram", 50, "admin", files.admin);
    expect((await consume(outputs.bootstrapServers, "scram", 50, files.alice)).sort()).toEqual(sent.sort());
  });

  it("adds and removes a user on the running cluster without restarting a node or starting a Kafka tool JVM", async () => {
    await lab.stack.setConfig("kraftlab:security", { value: JSON.stringify(users(["admin", "alice", "bob"])) });
    const { result: added, tools } = await toolJvmsDuring(() => lab.up());
    expect(tools).toEqual([]);
    expect(added.outputs.nodes[0].pid).toBe(outputs.nodes[0].pid);
    const bobFile = (added.outputs.clientFiles as Record<string, string>).bob;
    const kept = path.join(lab.root, "bob.properties");
    fs.copyFileSync(bobFile, kept);
    const list = ["--bootstrap-server", outputs.bootstrapServers, "--command-config", kept, "--list"];
    expect(await kafkaTool("kafka-topics", list)).toContain("scram");

    await lab.stack.setConfig("kraftlab:security", { value: JSON.stringify(users(["admin", "alice"])) });
    const removed = await lab.up();
    expect(removed.outputs.nodes[0].pid).toBe(outputs.nodes[0].pid);
    expect(fs.existsSync(bobFile)).toBe(false);
    fs.appendFileSync(kept, "request.timeout.ms=5000\ndefault.api.timeout.ms=10000\n");
    const refused = await runKafkaTool("kafka-topics", list);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr, refused.stderr).toMatch(
      /SaslAuthenticationException: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512/,
    );
  });
});
