import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { madeWithEmptyPassphrase, passphraseFile, secretsEnv } from "./secrets";

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
});
