/**
 * npm run deploy -- --env <name> [options]   (npm run deploy -- --help lists them)
 * The real deployment through the Pulumi Automation API (needs the Pulumi CLI and AWS
 * credentials). Every argument and file is checked before any stack is created.
 * Exit status: 0 success, 1 a stack failed, 2 invalid arguments, files or configuration,
 * a refused destroy or no Pulumi CLI.
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
  parallel: number;
  policyConfig?: string;
  refresh: boolean;
  expectNoChanges: boolean;
  installCli: boolean;
  debug: boolean;
}

const command = newCommand(
  "deploy",
  "Deploys every stack of an environment in phase order through the Pulumi Automation API, with the policy pack on every preview and update (docs/deploy.md).",
)
  .requiredOption("--env <name>", "environment to deploy (required)")
  .option("--config-file <path>", `environment file${defaultText("Pulumi.<env>.yaml")}`)
  .addOption(new Option("--preview", "preview each stack once").default(false).conflicts("destroy"))
  .addOption(
    new Option("--destroy", "destroy central, then the workloads (asks, or needs --yes)").default(
      false,
    ),
  )
  .addOption(new Option("-y, --yes", "confirm --destroy without asking").default(false))
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
    "\nExit status: 0 success, 1 a stack failed, 2 invalid arguments, files or configuration, a refused destroy or no Pulumi CLI.",
  );

/** Asks on a terminal to type the environment's name; false anywhere else. */
async function confirmDestroy(env: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `This destroys every stack of '${env}' (central first). Type the environment name to confirm: `,
    );
    return answer.trim() === env;
  } finally {
    rl.close();
  }
}

async function main(options: Options): Promise<number> {
  const file = environmentFile(options.env, options.configFile);
  existingFile("--policy-config", options.policyConfig);
  if (options.expectNoChanges && options.destroy)
    throw new UsageError(
      "--expect-no-changes applies to up and --preview, not --destroy",
      "--expect-no-changes",
    );

  // Loaded once the arguments are good: these bring the Pulumi SDK.
  const { environmentNamed } = await import("../src/config");
  const { checkGuardConfig } = await import("./lib/policyConfigFile");
  const { env, file: configFile } = environmentNamed(options.env, file);
  await checkGuardConfig(options.policyConfig);

  if (options.destroy && !options.yes && !(await confirmDestroy(env.environment)))
    throw new UsageError(
      `--destroy of '${env.environment}' not confirmed: nothing was touched (pass --yes, or run it on a terminal and type the name)`,
      "--yes",
      false,
    );

  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  const pulumiCommand = await pulumiCli(options.installCli);
  const { deployEnvironment, formatReport } = await import("../src/deploy/orchestrator");
  const report = await deployEnvironment(
    env,
    (stackName) =>
      LocalWorkspace.createOrSelectStack({ stackName, workDir: ROOT }, { pulumiCommand }),
    {
      mode: options.destroy ? "destroy" : options.preview ? "preview" : "up",
      configFile,
      policyPack: path.join(ROOT, "policy-pack"),
      policyPackConfig: options.policyConfig ? path.resolve(options.policyConfig) : undefined,
      parallel: options.parallel,
      refresh: options.refresh,
      expectNoChanges: options.expectNoChanges,
      log: (line) => console.log(line),
    },
  );
  console.log(formatReport(report));
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
