import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  parseSecretsProvider,
  passphraseOf,
  passphraseOpens,
  prepareEnvironmentFile,
  resolveSecretsProvider,
  withProviderSettings,
} from "../../src/deploy/secretsProvider";
import { DEV_FILE, tempDir } from "../harness";

// The passphrase state of Pulumi's own tests (pulumi/pulumi v3.248.0,
// pkg/secrets/passphrase/manager_test.go: passphrase "password").
const PULUMI_STATE = "v1:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==";

function devCopy(): string {
  const file = path.join(tempDir(), "Pulumi.dev.yaml");
  fs.copyFileSync(DEV_FILE, file);
  return file;
}

describe("secrets provider of the environment file", () => {
  it("opens the salt the Pulumi CLI wrote, as the CLI does", () => {
    assert.equal(passphraseOpens("password", PULUMI_STATE), true);
  });

  it("wrong passphrase refused; a new salt opens with its passphrase only @slow", () => {
    assert.equal(passphraseOpens("password123", PULUMI_STATE), false);
    const file = devCopy();
    const original = fs.readFileSync(file, "utf8");
    const first = prepareEnvironmentFile(file, undefined, true, { PULUMI_CONFIG_PASSPHRASE: "pw" });
    assert.equal(first.wrote, true);
    const initialized = fs.readFileSync(file, "utf8");
    assert.ok(initialized.startsWith(original), "comments and layout kept");
    assert.equal(passphraseOpens("pw", first.settings.encryptionsalt!), true);
    const again = prepareEnvironmentFile(file, undefined, true, { PULUMI_CONFIG_PASSPHRASE: "pw" });
    assert.equal(again.wrote, false);
    assert.equal(fs.readFileSync(file, "utf8"), initialized, "byte-identical on every later run");
    assert.throws(
      () => prepareEnvironmentFile(file, undefined, true, { PULUMI_CONFIG_PASSPHRASE: "other" }),
      /PULUMI_CONFIG_PASSPHRASE: incorrect passphrase for the encryptionsalt of/,
    );
  });

  it("refuses an empty or missing passphrase, and an empty passphrase file, naming the variable", () => {
    assert.throws(
      () => passphraseOf({ PULUMI_CONFIG_PASSPHRASE: "" }),
      /PULUMI_CONFIG_PASSPHRASE is empty/,
    );
    assert.throws(() => passphraseOf({}), /PULUMI_CONFIG_PASSPHRASE is not set/);
    const empty = path.join(tempDir(), "empty");
    fs.writeFileSync(empty, "");
    assert.throws(
      () => passphraseOf({ PULUMI_CONFIG_PASSPHRASE_FILE: empty }),
      /PULUMI_CONFIG_PASSPHRASE_FILE .*: is empty/,
    );
    assert.equal(passphraseOf({ PULUMI_CONFIG_PASSPHRASE: "x" }), "x");
    const file = devCopy();
    const before = fs.readFileSync(file, "utf8");
    assert.throws(
      () => prepareEnvironmentFile(file, undefined, true, { PULUMI_CONFIG_PASSPHRASE: "" }),
      /PULUMI_CONFIG_PASSPHRASE is empty/,
    );
    assert.equal(fs.readFileSync(file, "utf8"), before, "nothing written");
  });

  it("Pulumi Cloud's default provider writes nothing; a KMS provider waits for its data key", () => {
    const file = devCopy();
    const before = fs.readFileSync(file, "utf8");
    const cloud = prepareEnvironmentFile(file, undefined, false, {});
    assert.deepEqual([cloud.choice, cloud.wrote], [{ kind: "default" }, false]);
    const url = "awskms://alias/secrets-hub-state?region=us-east-1";
    const kms = prepareEnvironmentFile(
      file,
      parseSecretsProvider(url, "--secrets-provider"),
      true,
      {},
    );
    assert.deepEqual(
      [kms.choice, kms.needsEncryptedKey, kms.wrote],
      [{ kind: "awskms", url }, true, false],
    );
    assert.equal(fs.readFileSync(file, "utf8"), before);
  });

  it("parses the choice, and refuses a flag that contradicts the file", () => {
    assert.deepEqual(parseSecretsProvider("passphrase", "--secrets-provider"), {
      kind: "passphrase",
    });
    assert.throws(
      () => parseSecretsProvider("awskms://alias/x", "--secrets-provider"),
      /--secrets-provider: must be passphrase, default or awskms:\/\/<key id or alias\/name>\?region=<region>/,
    );
    assert.throws(
      () =>
        resolveSecretsProvider(
          { kind: "awskms", url: "awskms://k?region=us-east-1" },
          { encryptionsalt: "v1:x" },
          "F",
        ),
      /F already uses passphrase; change it for every stack with `pulumi stack change-secrets-provider`/,
    );
  });

  it("appends settings after the file's text and refuses a top level that cannot take them", () => {
    const text = "# head\nconfig:\n  a: 1 # why\n";
    const out = withProviderSettings(text, { encryptionsalt: "v1:s" }, "F");
    assert.ok(out.startsWith(text));
    assert.match(out, /\nencryptionsalt: "v1:s"\n$/);
    assert.throws(
      () => withProviderSettings("{config: {}}", { encryptionsalt: "v1:s" }, "F"),
      /block map/,
    );
  });
});
