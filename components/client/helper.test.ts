import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { atMostEvery, hostsFileText } from "./connect";
import { clientError, connectingAs } from "./helper";

describe("clientError", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-client-"));
  const file = path.join(dir, "operator.properties");
  fs.writeFileSync(
    file,
    'security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="kraftlab-node" password="s3cret";\n',
  );
  const conn = { listener: "INTERNAL", bootstrapServers: "127.0.0.1:9093", commandConfig: file };

  it("names the listener and the user when the connection itself fails, in one line and without the password", () => {
    const err = clientError(conn, "partitions", "SaslAuthenticationException", "Authentication failed: Invalid username or password\n\tat x");
    expect(err.message).toBe(
      "cannot ask the cluster (partitions) on its INTERNAL listener 127.0.0.1:9093 as user kraftlab-node: SaslAuthenticationException: Authentication failed: Invalid username or password",
    );
    expect(err.message).not.toContain("s3cret");
    expect(clientError({ ...conn, commandConfig: undefined }, "quorum", "TimeoutException", "Timed out waiting for a node assignment.").message).toBe(
      "cannot ask the cluster (quorum) on its INTERNAL listener 127.0.0.1:9093 as no credentials: TimeoutException: Timed out waiting for a node assignment.",
    );
  });

  it("gives Kafka's own refusal as it is", () => {
    expect(clientError(conn, "createTopic", "InvalidReplicationFactorException", "Replication factor: 4 larger than available brokers: 3.").message).toBe(
      "createTopic: InvalidReplicationFactorException: Replication factor: 4 larger than available brokers: 3.",
    );
  });

  it("tells a certificate from a SASL user", () => {
    const tlsFile = path.join(dir, "tls.properties");
    fs.writeFileSync(tlsFile, "security.protocol=SSL\nssl.keystore.location=/k.p12\n");
    expect(connectingAs(tlsFile)).toBe("its certificate");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("hostsFileText", () => {
  it("gives each node's address and name a line", () => {
    expect(
      hostsFileText([
        { name: "node-1", address: "172.30.5.2" },
        { name: "node-3", address: "172.30.5.4" },
      ]),
    ).toBe("172.30.5.2 node-1\n172.30.5.4 node-3\n");
  });
});

describe("atMostEvery", () => {
  it("runs once for concurrent callers, and not again within its interval", async () => {
    let runs = 0;
    const refresh = atMostEvery(60_000, async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    await Promise.all([refresh(), refresh(), refresh()]);
    await refresh();
    expect(runs).toBe(1);
  });
});
