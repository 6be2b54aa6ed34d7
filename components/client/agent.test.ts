import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectionFiles, identityOf } from "./agent";
import type { Connection } from "./helper";

describe("an agent's identity", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-agent-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const ca = file("ca.pem", "CA 1");
  const settings = file("admin.properties", `security.protocol=SSL\nssl.truststore.location=${ca}\nssl.keystore.location=${dir}/missing.p12\n`);
  const conn: Connection = { kafkaHome: "/k/4.3.1", classes: "/c/1", bootstrapServers: "127.0.0.1:9093", commandConfig: settings, listener: "INTERNAL" };

  it("reads the settings file and the stores it names that exist", () => {
    expect(connectionFiles(conn)).toEqual([settings, ca]);
    expect(connectionFiles({ commandConfig: undefined })).toEqual([]);
  });

  it("changes with whatever would make its client wrong: the CA's content, the addresses, the release; not with the listener's name", () => {
    const before = identityOf(conn);
    expect(identityOf({ ...conn, listener: "EXTERNAL" })).toBe(before);
    expect(identityOf({ ...conn, bootstrapServers: "127.0.0.1:9193" })).not.toBe(before);
    expect(identityOf({ ...conn, kafkaHome: "/k/4.4.0" })).not.toBe(before);
    expect(identityOf({ ...conn, controllers: true })).not.toBe(before);
    file("ca.pem", "CA 2");
    expect(identityOf(conn)).not.toBe(before);
  });
});
