import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { lockDirOf, stateFileOf, stateOutputs } from "./checkpoint";

const SIG = "4dabf18193072939515e22adb298388d";
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A file backend holding stack `dev` with `outputs` on its root resource. */
function backend(outputs: Record<string, unknown>, version = 3): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-checkpoint-"));
  dirs.push(dir);
  const resources = [
    { urn: "urn:pulumi:dev::kraftlab::pulumi:pulumi:Stack::kraftlab-dev", type: "pulumi:pulumi:Stack", outputs },
    { urn: "urn:pulumi:dev::kraftlab::kraftlab:index:KafkaCluster::kafka", type: "kraftlab:index:KafkaCluster", outputs: { other: 1 } },
  ];
  fs.mkdirSync(path.dirname(stateFileOf(dir, "dev")), { recursive: true });
  fs.writeFileSync(stateFileOf(dir, "dev"), JSON.stringify({ version, checkpoint: { stack: "dev", latest: { resources } } }));
  return dir;
}

describe("stateOutputs", () => {
  it("reads the root stack's outputs, leaving each secret out", () => {
    const dir = backend({
      bootstrapServers: "127.0.0.1:9092",
      password: { [SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:…" },
      nodes: [{ id: 1 }],
    });
    expect(stateOutputs(dir, "dev")).toEqual({ outputs: { bootstrapServers: "127.0.0.1:9092", nodes: [{ id: 1 }] } });
  });

  it("reads a gzipped state as the CLI writes it with PULUMI_SELF_MANAGED_STATE_GZIP", () => {
    const dir = backend({ a: 1 });
    const file = stateFileOf(dir, "dev");
    fs.writeFileSync(`${file}.gz`, gzipSync(fs.readFileSync(file)));
    fs.rmSync(file);
    expect(stateOutputs(dir, "dev")).toEqual({ outputs: { a: 1 } });
  });

  it("leaves to the CLI a stack an update holds, another schema, or no state", () => {
    const locked = backend({ a: 1 });
    fs.mkdirSync(lockDirOf(locked, "dev"), { recursive: true });
    fs.writeFileSync(path.join(lockDirOf(locked, "dev"), "b3f1.json"), "{}");
    expect(stateOutputs(locked, "dev")).toEqual({ unavailable: "an update holds stack dev's lock (b3f1.json)" });
    expect(stateOutputs(backend({ a: 1 }, 4), "dev")).toEqual({ unavailable: "the state of stack dev has schema version 4" });
    expect(stateOutputs(backend({}), "other")).toMatchObject({ unavailable: expect.stringMatching(/^the state of stack other cannot be read in /) });
  });
});
