/**
 * npm run pipeline -- --env <name> [options]   (npm run pipeline -- --help lists them)
 * Generates the GitHub Actions workflows of an environment from its topology.
 * Exit status: 0 written, 2 invalid arguments or configuration.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Option } from "commander";
import {
  MATRIX_LIMIT,
  deployWorkflow,
  pullRequestWorkflow,
  workflowYaml,
} from "../src/pipeline/workflow";
import {
  EXIT,
  PROJECT_ROOT,
  UsageError,
  defaultText,
  environmentFile,
  newCommand,
  runCli,
  wholeNumber,
} from "./lib/cli";

interface Options {
  env: string;
  configFile?: string;
  maxParallel: number;
  output?: string;
  pullRequest: boolean;
}

const command = newCommand(
  "pipeline",
  "Writes the GitHub Actions workflows of an environment (docs/ci.md).",
)
  .requiredOption("--env <name>", "environment to generate for (required)")
  .option(
    "--config-file <path>",
    `environment file, inside the repository${defaultText("Pulumi.<env>.yaml")}`,
  )
  .addOption(
    new Option("--max-parallel <n>", `stack jobs of one phase at once, 1-${MATRIX_LIMIT}`)
      .argParser(wholeNumber("--max-parallel", 1, MATRIX_LIMIT))
      .default(4),
  )
  .option(
    "--output <file>",
    `write the deploy workflow to FILE and the pull-request workflow beside it as <FILE without extension>-pull-request<extension>${defaultText("print the deploy workflow to stdout")}`,
  )
  .addOption(
    new Option("--pull-request", "without --output: print the pull-request workflow instead")
      .default(false)
      .conflicts("output"),
  )
  .addHelpText("after", "\nExit status: 0 written, 2 invalid arguments or configuration.");

async function main(options: Options): Promise<number> {
  const file = environmentFile(options.env, options.configFile);
  // The workflow runs in a checkout of this repository: the file must be part of it.
  const configFile = path.relative(PROJECT_ROOT, file);
  if (configFile.startsWith("..") || path.isAbsolute(configFile))
    throw new UsageError(
      `${file}: the environment file must be inside the repository (${PROJECT_ROOT})`,
      "--config-file",
    );
  // Loaded once the arguments are good: the config module brings the Pulumi SDK (~1 s).
  const { environmentNamed } = await import("../src/config");
  const loaded = environmentNamed(options.env, file);
  const workflowOptions = {
    configFile: configFile.split(path.sep).join("/"),
    maxParallel: options.maxParallel,
  };
  const commandLine = ["npm run pipeline --", ...process.argv.slice(2)].join(" ");
  const deploy = workflowYaml(deployWorkflow(loaded.env, workflowOptions), commandLine);
  const pullRequest = workflowYaml(pullRequestWorkflow(loaded.env, workflowOptions), commandLine);
  if (!options.output) {
    process.stdout.write(options.pullRequest ? pullRequest : deploy);
    return EXIT.ok;
  }
  const output = path.resolve(options.output);
  const extension = path.extname(output);
  const beside = `${output.slice(0, output.length - extension.length)}-pull-request${extension}`;
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, deploy);
  fs.writeFileSync(beside, pullRequest);
  console.log(`wrote ${output}\nwrote ${beside}`);
  return EXIT.ok;
}

runCli(command, main);
