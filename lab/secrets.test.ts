import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { madeWithEmptyPassphrase, passphraseFile, secretsEnv, stateSalt, withoutStateSalt } from "./secrets";

// The salt Pulumi wrote for the empty passphrase (a dev stack's, made by an earlier release),
// and one it wrote for another passphrase.
const EMPTY = "v1:QgoeJK4m4Eo=:v1:qPRz3hCNx/oS7/AK:/Hk0D4DtyXGUrQemaGy6h/LsIz6YWw==";
const OTHER = "v1:HarcbuDuXu0=:v1:a+6zCRi+LWpJmLDX:SH4Iu2FSNxIWsVB1yOj/sioHjpJngQ==";

describe("where a stack's secrets key comes from", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-secrets-"));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const cacheDir = path.join(root, "cache");
  const projectDir = path.join(root, "project");
  fs.mkdirSync(projectDir);

  it("generates one passphrase per machine, in a file only its owner reads, and keeps it", () => {
    const file = passphraseFile(cacheDir);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600");
    const first = fs.readFileSync(file, "utf8");
    expect(first.trim()).toHaveLength(44);
    expect(fs.readFileSync(passphraseFile(cacheDir), "utf8")).toBe(first);
  });

  it("tells a salt made with the empty passphrase from another", () => {
    expect(madeWithEmptyPassphrase(EMPTY)).toBe(true);
    expect(madeWithEmptyPassphrase(OTHER)).toBe(false);
    expect(madeWithEmptyPassphrase("nonsense")).toBe(false);
  });

  it("lets the user's passphrase win, keeps an old empty-passphrase stack working, and gives every other stack the file", () => {
    const env = (stack: string, given: Record<string, string> = {}) => secretsEnv({ cacheDir, projectDir, stack, given });
    expect(env("dev", { PULUMI_CONFIG_PASSPHRASE: "mine" })).toEqual({});
    expect(env("dev", { PULUMI_CONFIG_PASSPHRASE_FILE: "/my/file" })).toEqual({});
    fs.writeFileSync(path.join(projectDir, "Pulumi.old.yaml"), `config: {}\nencryptionsalt: ${EMPTY}\n`);
    expect(env("old")).toEqual({ PULUMI_CONFIG_PASSPHRASE: "" });
    fs.writeFileSync(path.join(projectDir, "Pulumi.other.yaml"), `config: {}\nencryptionsalt: ${OTHER}\n`);
    expect(env("other")).toEqual({ PULUMI_CONFIG_PASSPHRASE_FILE: path.join(cacheDir, "passphrase") });
    expect(env("new")).toEqual({ PULUMI_CONFIG_PASSPHRASE_FILE: path.join(cacheDir, "passphrase") });
  });

  it("finds the salt a passphrase stack's state holds, and takes exactly that line out of its file", () => {
    const backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "kraftlab-backend-"));
    const checkpoint = path.join(backendDir, ".pulumi", "stacks", "kraftlab", "dev.json");
    fs.mkdirSync(path.dirname(checkpoint), { recursive: true });
    fs.writeFileSync(checkpoint, JSON.stringify({ checkpoint: { latest: { secrets_providers: { type: "passphrase", state: { salt: OTHER } } } } }));
    expect(stateSalt({ backendDir, stack: "dev" })).toBe(OTHER);
    expect(stateSalt({ backendDir, stack: "gone" })).toBeUndefined();
    fs.rmSync(backendDir, { recursive: true, force: true });

    const file = "# the lab\nconfig:\n  kraftlab:heap: 512m\n";
    expect(withoutStateSalt(`${file}encryptionsalt: ${OTHER}\n`, OTHER)).toBe(file);
    // Another salt, no salt known, or config secrets sealed with it: the file stays as it is.
    expect(withoutStateSalt(`${file}encryptionsalt: ${EMPTY}\n`, OTHER)).toBe(`${file}encryptionsalt: ${EMPTY}\n`);
    expect(withoutStateSalt(`${file}encryptionsalt: ${OTHER}\n`, undefined)).toBe(`${file}encryptionsalt: ${OTHER}\n`);
    const sealed = `config:\n  kraftlab:x:\n    secure: v1:abc\nencryptionsalt: ${OTHER}\n`;
    expect(withoutStateSalt(sealed, OTHER)).toBe(sealed);
  });
});
