/**
 * The secrets provider of an environment, owned by its environment file.
 *
 * Every stack of an environment runs with `--config-file Pulumi.<env>.yaml`, and the Pulumi
 * CLI reads the stack's secrets-provider settings (`encryptionsalt`, or `secretsprovider`
 * with `encryptedkey`) only from that file (pulumi/pulumi v3.248.0,
 * pkg/cmd/pulumi/stack/io.go `LoadProjectStack`: with a config file, nothing else is read).
 * When the file has none, `SecretsManagerLoader.GetSecretsManager`
 * (pkg/cmd/pulumi/stack/secrets.go) falls back to the backend's default manager, a fresh
 * passphrase salt on a self-managed backend, and saves it into the file
 * (`SaveProjectStack` → `ProjectStack.Save`, sdk/go/common/workspace/project.go, which
 * re-marshals the whole file and drops its comments), in every stack of a phase at once.
 * So the file gets its provider settings once, here, before any stack runs, appended as
 * text (the rest of the file, comments included, stays byte for byte), and then no run
 * has anything to write.
 *
 * The passphrase state is computed as the CLI computes it (pkg/secrets/passphrase/manager.go
 * `NewPassphraseSecretsManager`, sdk/go/common/resource/config/crypt.go): an 8-byte random
 * salt, a key from PBKDF2-SHA256 with 1,000,000 iterations, and the word `pulumi`
 * encrypted with AES-256-GCM under a 12-byte nonce, written
 * `v1:<base64 salt>:v1:<base64 nonce>:<base64 ciphertext+tag>`. A KMS data key needs KMS,
 * so its `encryptedkey` comes from the CLI itself (see `src/deploy/automation.ts`).
 *
 * SDK-free: only node:crypto and the `yaml` package.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import YAML from "yaml";

/** The secrets provider a user chooses (`--secrets-provider`, or `secretsprovider:` in the file). */
export type SecretsProviderChoice =
  | { kind: "passphrase" }
  | { kind: "awskms"; url: string }
  /** The backend's default: Pulumi Cloud's own keys there, the passphrase provider elsewhere. */
  | { kind: "default" };

/** The provider settings of a stack config file (the CLI's `ProjectStack` fields). */
export interface ProviderSettings {
  secretsprovider?: string;
  encryptionsalt?: string;
  encryptedkey?: string;
}

export const SETTING_KEYS = ["secretsprovider", "encryptionsalt", "encryptedkey"] as const;

/** A mistake in the choice or the file: the caller turns it into exit 2. */
export class SecretsProviderError extends Error {
  constructor(
    message: string,
    public readonly key: string,
  ) {
    super(message);
    this.name = "SecretsProviderError";
  }
}

// awskms://<key id, alias/<name> or key ARN>?region=<region> (gocloud.dev/secrets/awskms,
// which the CLI's cloud secrets manager opens: pkg/secrets/cloud/manager.go).
const AWSKMS = /^awskms:\/\/[^?\s]+\?(?:[^\s]*&)?region=[a-z]{2}(?:-[a-z]+)+-\d(?:&[^\s]*)?$/;

/** Parses `--secrets-provider` / `secretsprovider:`. */
export function parseSecretsProvider(value: string, key: string): SecretsProviderChoice {
  if (value === "passphrase") return { kind: "passphrase" };
  if (value === "default") return { kind: "default" };
  if (AWSKMS.test(value)) return { kind: "awskms", url: value };
  throw new SecretsProviderError(
    `${key}: must be passphrase, default or awskms://<key id or alias/name>?region=<region> (got '${value.length > 80 ? `${value.slice(0, 80)}…` : value}')`,
    key,
  );
}

/** The provider settings written at the top level of a stack config file. */
export function readProviderSettings(text: string, file: string): ProviderSettings {
  const document = YAML.parseDocument(text);
  if (document.errors.length > 0)
    throw new SecretsProviderError(
      `${file}: cannot be read as YAML (${document.errors[0].message})`,
      file,
    );
  const settings: ProviderSettings = {};
  for (const key of SETTING_KEYS) {
    const value: unknown = document.get(key);
    if (value === undefined || value === null) continue;
    if (typeof value !== "string" || value === "")
      throw new SecretsProviderError(`${file}: ${key}: must be a non-empty string`, key);
    settings[key] = value;
  }
  return settings;
}

/** The provider the file says, and whether the flag may add to it. */
export function resolveSecretsProvider(
  flag: SecretsProviderChoice | undefined,
  settings: ProviderSettings,
  file: string,
): SecretsProviderChoice {
  const inFile: SecretsProviderChoice | undefined = settings.secretsprovider
    ? parseSecretsProvider(settings.secretsprovider, `${file}: secretsprovider`)
    : settings.encryptionsalt
      ? { kind: "passphrase" }
      : undefined;
  if (inFile && flag && !sameChoice(inFile, flag))
    throw new SecretsProviderError(
      `--secrets-provider ${describe(flag)}: ${file} already uses ${describe(inFile)}; change it for every stack with \`pulumi stack change-secrets-provider\` (docs/secrets-provider.md), not with this flag`,
      "--secrets-provider",
    );
  if (inFile?.kind === "passphrase" && settings.encryptedkey)
    throw new SecretsProviderError(
      `${file}: encryptedkey belongs to a KMS provider, but the file has no secretsprovider: awskms://…`,
      "encryptedkey",
    );
  return inFile ?? flag ?? { kind: "default" };
}

function sameChoice(a: SecretsProviderChoice, b: SecretsProviderChoice): boolean {
  return describe(a) === describe(b);
}

export function describe(choice: SecretsProviderChoice): string {
  return choice.kind === "awskms" ? choice.url : choice.kind;
}

/**
 * The passphrase the CLI will use: PULUMI_CONFIG_PASSPHRASE, else the contents of
 * PULUMI_CONFIG_PASSPHRASE_FILE (pkg/secrets/passphrase/manager.go `readPassphrase`).
 * The CLI accepts an empty one (TestPassphraseManagerEmptyPassphraseIsValid), and GitHub
 * expands a missing secret to an empty string: an empty passphrase is refused here.
 */
export function passphraseOf(env: NodeJS.ProcessEnv): string {
  const phrase = env.PULUMI_CONFIG_PASSPHRASE;
  if (phrase !== undefined) {
    if (phrase === "")
      throw new SecretsProviderError(
        "PULUMI_CONFIG_PASSPHRASE is empty: the passphrase provider would encrypt every secret with an empty passphrase; set it to the environment's passphrase (in CI, the repository secret PULUMI_CONFIG_PASSPHRASE)",
        "PULUMI_CONFIG_PASSPHRASE",
      );
    return phrase;
  }
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (error) {
      throw new SecretsProviderError(
        `PULUMI_CONFIG_PASSPHRASE_FILE ${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        "PULUMI_CONFIG_PASSPHRASE_FILE",
      );
    }
    if (text === "")
      throw new SecretsProviderError(
        `PULUMI_CONFIG_PASSPHRASE_FILE ${file}: is empty; put the environment's passphrase in it`,
        "PULUMI_CONFIG_PASSPHRASE_FILE",
      );
    return text;
  }
  throw new SecretsProviderError(
    "PULUMI_CONFIG_PASSPHRASE is not set: the passphrase provider needs it (or PULUMI_CONFIG_PASSPHRASE_FILE), the same for every stack of the environment",
    "PULUMI_CONFIG_PASSPHRASE",
  );
}

const PBKDF2_ITERATIONS = 1_000_000;
const KEY_BYTES = 32;

function keyOf(passphrase: string, salt: Buffer): Buffer {
  return crypto.pbkdf2Sync(passphrase, salt, PBKDF2_ITERATIONS, KEY_BYTES, "sha256");
}

/** A new `encryptionsalt` for a passphrase, as `pulumi stack init` writes it. */
export function newEncryptionSalt(passphrase: string): string {
  const salt = crypto.randomBytes(8);
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", keyOf(passphrase, salt), nonce);
  const sealed = Buffer.concat([
    cipher.update("pulumi", "utf8"),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return `v1:${salt.toString("base64")}:v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
}

/**
 * Whether a passphrase opens an `encryptionsalt` (the CLI's check:
 * `symmetricCrypterFromPhraseAndState` decrypts the word `pulumi`).
 */
export function passphraseOpens(passphrase: string, encryptionSalt: string): boolean {
  const parts = encryptionSalt.split(":");
  if (parts.length !== 5 || parts[0] !== "v1" || parts[2] !== "v1")
    throw new SecretsProviderError(
      `encryptionsalt: is not a passphrase state the CLI writes (v1:<salt>:v1:<nonce>:<ciphertext>)`,
      "encryptionsalt",
    );
  const [, salt, , nonce, sealed] = parts;
  const data = Buffer.from(sealed, "base64");
  if (data.length < 17) return false;
  try {
    const decipher = crypto.createDecipheriv(
      "aes-256-gcm",
      keyOf(passphrase, Buffer.from(salt, "base64")),
      Buffer.from(nonce, "base64"),
    );
    decipher.setAuthTag(data.subarray(data.length - 16));
    const plain = Buffer.concat([
      decipher.update(data.subarray(0, data.length - 16)),
      decipher.final(),
    ]);
    return plain.toString("utf8") === "pulumi";
  } catch {
    return false;
  }
}

/**
 * The file's text with provider settings added at its end, under a comment saying who wrote
 * them. Only appends: the existing text, comments and layout stay byte for byte. Refuses a
 * file whose top level is not a block map (where appending a key would not be YAML), and
 * checks the result reads back with exactly the added values.
 */
export function withProviderSettings(text: string, added: ProviderSettings, file: string): string {
  const document = YAML.parseDocument(text);
  if (!YAML.isMap(document.contents) || document.contents.flow)
    throw new SecretsProviderError(
      `${file}: its top level must be a block map (config: …) to hold the secrets provider`,
      file,
    );
  const lines = Object.entries(added)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  if (lines.length === 0) return text;
  const result = `${text}${text.endsWith("\n") || text === "" ? "" : "\n"}# The secrets provider of every stack of this environment, written once by npm run deploy (docs/secrets-provider.md).\n${lines.join("\n")}\n`;
  const back = readProviderSettings(result, file);
  for (const [k, v] of Object.entries(added))
    if (v !== undefined && back[k as keyof ProviderSettings] !== v)
      throw new Error(`${file}: ${k} did not read back as written`);
  return result;
}

/** What `prepareEnvironmentFile` decided. */
export interface PreparedProvider {
  /** The provider every stack runs with (`default` only on Pulumi Cloud). */
  choice: SecretsProviderChoice;
  /** The file's provider settings after preparation. */
  settings: ProviderSettings;
  /** A KMS provider without its data key yet: the first `stack init` makes it (automation.ts). */
  needsEncryptedKey: boolean;
  /** Whether this call wrote the file (only ever the first initialization). */
  wrote: boolean;
}

/**
 * Makes the environment file own its secrets provider before any stack runs: resolves the
 * choice (`--secrets-provider`, else what the file says, else the backend's default: the
 * passphrase provider on a self-managed backend, pkg/backend/diy/backend.go
 * `DefaultSecretManager`; Pulumi Cloud's own keys there, which write nothing into the file,
 * pkg/secrets/service/manager.go), refuses an empty or wrong passphrase, and appends the
 * passphrase salt when the file has none. A file that already holds its settings is not
 * touched.
 */
export function prepareEnvironmentFile(
  file: string,
  flag: SecretsProviderChoice | undefined,
  selfManaged: boolean,
  env: NodeJS.ProcessEnv,
): PreparedProvider {
  const text = fs.readFileSync(file, "utf8");
  const settings = readProviderSettings(text, file);
  if (settings.encryptedkey && !settings.secretsprovider)
    throw new SecretsProviderError(
      `${file}: encryptedkey needs the secretsprovider: awskms://… it was made with`,
      "encryptedkey",
    );
  const resolved = resolveSecretsProvider(flag, settings, file);
  const choice: SecretsProviderChoice =
    resolved.kind === "default" && selfManaged ? { kind: "passphrase" } : resolved;
  const done = (wrote: boolean, now = settings): PreparedProvider => ({
    choice,
    settings: now,
    needsEncryptedKey: choice.kind === "awskms" && !now.encryptedkey,
    wrote,
  });
  switch (choice.kind) {
    case "default":
      return done(false);
    case "awskms":
      return done(false, { ...settings, secretsprovider: choice.url });
    case "passphrase": {
      const phrase = passphraseOf(env);
      if (settings.encryptionsalt) {
        if (!passphraseOpens(phrase, settings.encryptionsalt))
          throw new SecretsProviderError(
            `PULUMI_CONFIG_PASSPHRASE: incorrect passphrase for the encryptionsalt of ${file} (the passphrase the environment was initialized with)`,
            "PULUMI_CONFIG_PASSPHRASE",
          );
        return done(false);
      }
      const added = { encryptionsalt: newEncryptionSalt(phrase) };
      fs.writeFileSync(file, withProviderSettings(text, added, file));
      return done(true, { ...settings, ...added });
    }
    default: {
      const unknown: never = choice;
      throw new Error(`unknown secrets provider ${JSON.stringify(unknown)}`);
    }
  }
}

/** Adds a KMS provider's settings to the environment file, once (its first `stack init`). */
export function recordEncryptedKey(file: string, url: string, encryptedKey: string): void {
  const text = fs.readFileSync(file, "utf8");
  const settings = readProviderSettings(text, file);
  if (settings.encryptedkey) return;
  const added: ProviderSettings = {
    ...(settings.secretsprovider ? {} : { secretsprovider: url }),
    encryptedkey: encryptedKey,
  };
  fs.writeFileSync(file, withProviderSettings(text, added, file));
}

/** A stack config file holding only provider settings, for `stack init` to read. */
export function settingsFileText(settings: ProviderSettings): string {
  return `# Written by npm run deploy for pulumi stack init, removed after it (docs/secrets-provider.md).\n${YAML.stringify(settings)}`;
}
