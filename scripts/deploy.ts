/**
 * npm run deploy -- --env <name> [options]   (npm run deploy -- --help lists them)
 * The real deployment through the Pulumi Automation API (needs the Pulumi CLI and AWS
 * credentials). Every argument and file is checked before any stack is created.
 * Exit status: 0 success, 1 a stack failed or an apply was not confirmed, 2 invalid
 * arguments, files or configuration, no terminal and no --yes, an empty passphrase or no
 * Pulumi CLI (docs/deploy-run.md).
 */
import * as path from "node:path";
import * as readline from "node:readline/promises";
import { Option } from "commander";
import {
  EXIT,
  UsageError,
  defaultText,
  environmentFile,
  existingFile,
  newCommand,
  runCli,
  wholeNumber,
} from "./lib/cli";

const ROOT = path.join(__dirname, "..");

interface Options {
  env: string;
  configFile?: string;
  preview: boolean;
  destroy: boolean;
  yes: boolean;
  stack: string[];
  secretsProvider?: string;
  parallel: number;
  policyConfig?: string;
  refresh: boolean;
  expectNoChanges: boolean;
  installCli: boolean;
  debug: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const command = newCommand(
  "deploy",
  "Previews, then deploys every stack of an environment in phase order through the Pulumi Automation API, with the policy pack on every preview and update (docs/deploy-run.md).",
)
  .requiredOption("--env <name>", "environment to deploy (required)")
  .option("--config-file <path>", `environment file${defaultText("Pulumi.<env>.yaml")}`)
  .addOption(
    new Option("--preview", "only preview each stack once, change nothing")
      .default(false)
      .conflicts("destroy"),
  )
  .addOption(
    new Option(
      "--destroy",
      "destroy every stack (workloads or central first, as the connectivity needs), after showing what it deletes",
    ).default(false),
  )
  .addOption(
    new Option(
      "-y, --yes",
      "apply without asking (needed where there is no terminal to ask on)",
    ).default(false),
  )
  .option(
    "--stack <name>",
    `only this stack (repeatable), in phase order${defaultText("every stack of the environment")}`,
    collect,
    [],
  )
  .option(
    "--secrets-provider <provider>",
    `passphrase, default or awskms://<key id or alias/name>?region=<region>, written once into the environment file (docs/secrets-provider.md)${defaultText("what the file says, else passphrase on a self-managed backend, Pulumi Cloud's keys there")}`,
  )
  .addOption(
    new Option("--parallel <n>", "stacks of one phase at once (1-64)")
      .argParser(wholeNumber("--parallel", 1, 64))
      .default(4),
  )
  .option(
    "--policy-config <file>",
    `config of secrets-hub-guard (--policy-pack-config)${defaultText("none: the policies' defaults")}`,
  )
  .addOption(
    new Option("--refresh", "refresh each stack's state before its operation").default(false),
  )
  .addOption(
    new Option(
      "--expect-no-changes",
      "fail a preview or update that would change anything",
    ).default(false),
  )
  .addOption(
    new Option(
      "--install-cli",
      "install the Pulumi CLI of the SDK's version (under ~/.pulumi/versions) when it is not on PATH",
    ).default(false),
  )
  .addHelpText(
    "after",
    "\nExit status: 0 success, 1 a stack failed or an apply was not confirmed, 2 invalid arguments, files or configuration, no terminal and no --yes, an empty passphrase or no Pulumi CLI.",
  );

const interactive = () => Boolean(process.stdin.isTTY && process.stderr.isTTY);

async function ask(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** The terminal question before applying: yes for a phase of up, the name for a destroy. */
async function confirmOnTerminal(
  env: string,
  request: import("../src/deploy/orchestrator").ConfirmRequest,
  format: (r: typeof request) => string[],
): Promise<boolean> {
  for (const line of format(request)) console.error(line);
  if (request.mode === "destroy")
    return (await ask(`Type the environment name '${env}' to destroy it: `)) === env;
  const answer = await ask(`Apply phase ${request.phases[0].number}? (yes/no) `);
  return /^y(es)?$/i.test(answer);
}

async function main(options: Options): Promise<number> {
  const file = environmentFile(options.env, options.configFile);
  existingFile("--policy-config", options.policyConfig);
  if (options.expectNoChanges && options.destroy)
    throw new UsageError(
      "--expect-no-changes applies to up and --preview, not --destroy",
      "--expect-no-changes",
    );
  const mode = options.destroy ? "destroy" : options.preview ? "preview" : "up";

  // Loaded once the arguments are good: these bring the Pulumi SDK.
  const { environmentNamed, environmentView, optInRegionNotes } = await import("../src/config");
  const { checkGuardConfig } = await import("./lib/policyConfigFile");
  const orchestrator = await import("../src/deploy/orchestrator");
  const secrets = await import("../src/deploy/secretsProvider");
  const { env, file: configFile } = environmentNamed(options.env, file);
  // Not errors: each opt-in Region must be enabled in its account before a stack runs there.
  for (const note of optInRegionNotes(environmentView(env)))
    process.stderr.write(`note: ${note}\n`);
  await checkGuardConfig(options.policyConfig);
  if (mode !== "preview" && !options.yes && !interactive())
    throw new UsageError(
      `${mode === "destroy" ? "--destroy" : "deploy"} of '${env.environment}' asks before it changes anything and there is no terminal to ask on: pass --yes to apply without asking (or --preview to change nothing)`,
      "--yes",
      false,
    );
  const asUsage = (error: unknown): never => {
    if (error instanceof secrets.SecretsProviderError)
      throw new UsageError(error.message, error.key, false);
    if (error instanceof orchestrator.StackSelectionError)
      throw new UsageError(error.message, "--stack", false);
    throw error;
  };
  let flag: import("../src/deploy/secretsProvider").SecretsProviderChoice | undefined;
  try {
    orchestrator.checkStackSelection(env, options.stack);
    flag =
      options.secretsProvider === undefined
        ? undefined
        : secrets.parseSecretsProvider(options.secretsProvider, "--secrets-provider");
  } catch (error) {
    asUsage(error);
  }

  const automation = await import("../src/deploy/automation");
  const pulumiCommand = await pulumiCli(options.installCli);
  let prepared!: import("../src/deploy/secretsProvider").PreparedProvider;
  try {
    const probe = await automation.openWorkspace(ROOT, pulumiCommand);
    const selfManaged = automation.isSelfManaged(await automation.backendUrlOf(probe));
    // Before any stack exists or runs: the file gets its provider once, an empty passphrase exits 2.
    prepared = secrets.prepareEnvironmentFile(configFile, flag, selfManaged, process.env);
  } catch (error) {
    asUsage(error);
  }
  if (prepared.wrote)
    console.error(
      `${path.relative(process.cwd(), configFile)}: wrote its secrets provider (${secrets.describe(prepared.choice)}) once; commit it with the file`,
    );
  const workspace = await automation.openWorkspace(ROOT, pulumiCommand, prepared);
  let report: import("../src/deploy/orchestrator").DeployReport;
  try {
    report = await orchestrator.deployEnvironment(
      env,
      automation.stackFactory(workspace, configFile, prepared),
      {
        mode,
        configFile,
        policyPack: path.join(ROOT, "policy-pack"),
        policyPackConfig: options.policyConfig ? path.resolve(options.policyConfig) : undefined,
        parallel: options.parallel,
        stacks: options.stack,
        refresh: options.refresh,
        expectNoChanges: options.expectNoChanges,
        ...(options.yes
          ? {}
          : {
              confirm: (request) =>
                confirmOnTerminal(env.environment, request, orchestrator.formatConfirmation),
            }),
        beforeRun: (stacks) => automation.requireEncryptedKey(configFile, prepared, ROOT, stacks),
        log: (line) => console.log(line),
      },
    );
  } catch (error) {
    return asUsage(error);
  }
  console.log(orchestrator.formatReport(report));
  return report.ok ? EXIT.ok : EXIT.failed;
}

/**
 * The Pulumi CLI, found on PATH before any stack is created, or installed with --install-cli
 * at the SDK's version (package.json pins @pulumi/pulumi exactly, so that version is pinned too).
 */
async function pulumiCli(install: boolean) {
  const { PulumiCommand } = await import("@pulumi/pulumi/automation");
  try {
    return await PulumiCommand.get();
  } catch (error) {
    if (!/ENOENT/.test(String((error as Error).message))) throw error;
    if (!install)
      throw new UsageError(
        "the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/iac/download-install/, e.g. curl -fsSL https://get.pulumi.com | sh) or run again with --install-cli",
        "--install-cli",
        false,
      );
  }
  const semver = await import("semver");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require("@pulumi/pulumi/package.json") as { version: string };
  console.error(`installing the Pulumi CLI ${version} under ~/.pulumi/versions/${version}`);
  return PulumiCommand.install({ version: new semver.SemVer(version) });
}

runCli(command, main);
