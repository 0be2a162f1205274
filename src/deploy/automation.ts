/**
 * The orchestrator's `StackOps` over the Pulumi Automation API (@pulumi/pulumi 3.248.0), and
 * the stack creation that keeps the environment file the one owner of the secrets provider.
 *
 * `pulumi stack init` never reads `--config-file`: it reads and writes the stack's own
 * `Pulumi.<stack>.yaml` (pulumi/pulumi v3.248.0, pkg/cmd/pulumi/stack/stack_new.go passes
 * `""` as the config file to `CreateStack`; pkg/cmd/pulumi/stack/secrets.go
 * `createSecretsManagerForNewStack` → `readStackConfiguration` → `DetectProjectStack`), and
 * it stores the provider's state in the new stack's first deployment
 * (pkg/cmd/pulumi/stack/io.go `CreateStack`). So before creating a stack this writes
 * `Pulumi.<stack>.yaml` with the environment file's provider settings (the CLI then uses
 * them and has nothing to save), and removes it afterwards. For a KMS provider without a
 * data key yet, the first `stack init --secrets-provider awskms://…` makes it
 * (pkg/secrets/cloud/manager.go `NewCloudSecretsManager`: KMS-encrypts a new data key into
 * `encryptedkey`) and this copies it into the environment file, once.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  LocalWorkspace,
  PulumiCommand,
  Stack,
  StackNotFoundError,
} from "@pulumi/pulumi/automation";
import type { StackFactory, StackOps } from "./orchestrator";
import { cliError } from "./orchestrator";
import {
  PreparedProvider,
  SecretsProviderError,
  describe,
  readProviderSettings,
  recordEncryptedKey,
  settingsFileText,
} from "./secretsProvider";

/** Pulumi Cloud (and a self-hosted Pulumi Cloud) is https; file://, s3://, gs://, azblob://… are self-managed. */
export function isSelfManaged(backendUrl: string): boolean {
  return !/^https?:\/\//i.test(backendUrl);
}

/** The backend the CLI is logged in to (`pulumi whoami --json`), or exit 2 with the CLI's error. */
export async function backendUrlOf(workspace: LocalWorkspace): Promise<string> {
  try {
    const who = await workspace.whoAmI();
    if (!who.url) throw new Error("pulumi whoami --json printed no url");
    return who.url;
  } catch (error) {
    throw new SecretsProviderError(
      `pulumi whoami: ${cliError(error).split("\n")[0]} (log in first: pulumi login, pulumi login s3://<bucket> or pulumi login file://<dir>)`,
      "pulumi login",
    );
  }
}

export async function openWorkspace(
  workDir: string,
  pulumiCommand: PulumiCommand,
  provider?: PreparedProvider,
): Promise<LocalWorkspace> {
  const secretsProvider =
    provider && provider.choice.kind !== "default" ? describe(provider.choice) : undefined;
  return LocalWorkspace.create({
    workDir,
    pulumiCommand,
    ...(secretsProvider ? { secretsProvider } : {}),
  });
}

/**
 * Selects each stack, or creates it with the environment file's provider settings (see the
 * module comment). Stacks are created one at a time (the orchestrator's creation loop).
 */
export function stackFactory(
  workspace: LocalWorkspace,
  environmentFile: string,
  provider: PreparedProvider,
): StackFactory {
  const workDir = workspace.workDir;
  return async (name) => {
    try {
      return ops(await Stack.select(name, workspace));
    } catch (error) {
      if (!(error instanceof StackNotFoundError)) throw error;
    }
    const own = path.join(workDir, `Pulumi.${name}.yaml`);
    const ours = !fs.existsSync(own);
    const settings = readProviderSettings(
      fs.readFileSync(environmentFile, "utf8"),
      environmentFile,
    );
    const kms = provider.choice.kind === "awskms" ? provider.choice.url : undefined;
    const shared = { ...settings, ...(kms ? { secretsprovider: kms } : {}) };
    if (ours && Object.keys(shared).length > 0) fs.writeFileSync(own, settingsFileText(shared));
    try {
      const stack = await Stack.create(name, workspace);
      if (kms && !settings.encryptedkey) {
        const made = fs.existsSync(own)
          ? readProviderSettings(fs.readFileSync(own, "utf8"), own)
          : {};
        if (!made.encryptedkey || made.secretsprovider !== kms)
          throw new SecretsProviderError(
            `pulumi stack init ${name} --secrets-provider ${kms} wrote no encryptedkey into ${own}`,
            "--secrets-provider",
          );
        recordEncryptedKey(environmentFile, kms, made.encryptedkey);
      }
      return ops(stack);
    } finally {
      if (ours) fs.rmSync(own, { force: true });
    }
  };
}

/**
 * After every stack exists: a KMS provider must have its data key in the environment file
 * by now (made by the first new stack); with no new stack, one of the stacks' own files may
 * hold it, else there is nothing to copy it from.
 */
export function requireEncryptedKey(
  environmentFile: string,
  provider: PreparedProvider,
  workDir: string,
  stacks: readonly string[],
): void {
  if (provider.choice.kind !== "awskms") return;
  const url = provider.choice.url;
  if (readProviderSettings(fs.readFileSync(environmentFile, "utf8"), environmentFile).encryptedkey)
    return;
  for (const stack of stacks) {
    const own = path.join(workDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(own)) continue;
    const settings = readProviderSettings(fs.readFileSync(own, "utf8"), own);
    if (settings.secretsprovider === url && settings.encryptedkey) {
      recordEncryptedKey(environmentFile, url, settings.encryptedkey);
      return;
    }
  }
  throw new SecretsProviderError(
    `${environmentFile}: secretsprovider ${url} has no encryptedkey and every stack exists already: run \`pulumi stack change-secrets-provider --stack ${stacks[0]} "${url}"\` and copy its encryptedkey from Pulumi.${stacks[0]}.yaml into ${path.basename(environmentFile)} (docs/secrets-provider.md)`,
    "encryptedkey",
  );
}

function ops(stack: Stack): StackOps {
  return {
    name: stack.name,
    up: (opts) => stack.up(opts),
    preview: (opts) => stack.preview(opts as Parameters<Stack["preview"]>[0]),
    previewDestroy: (opts) => stack.previewDestroy(opts as Parameters<Stack["previewDestroy"]>[0]),
    destroy: (opts) => stack.destroy(opts),
  };
}
