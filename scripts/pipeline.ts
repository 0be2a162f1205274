/**
 * npm run pipeline -- --env <name> [--config-file PATH] [--max-parallel N] [--output FILE] [--pull-request]
 * Generates the GitHub Actions workflows of an environment from its topology.
 * Exit status: 0 written, 2 invalid arguments or configuration.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import {
  MATRIX_LIMIT,
  deployWorkflow,
  pullRequestWorkflow,
  workflowYaml,
} from "../src/pipeline/workflow";

const ROOT = path.join(__dirname, "..");

const USAGE = `usage: npm run pipeline -- --env <name> [options]

Writes the GitHub Actions workflows of an environment (see README, "Running in CI").

  --env <name>          environment to generate for (required)
  --config-file PATH    environment file, inside the repository (default: Pulumi.<env>.yaml)
  --max-parallel N      stack jobs of one phase running at once, 1-${MATRIX_LIMIT} (default: 4)
  --output FILE         write the deploy workflow to FILE and the pull-request workflow
                        beside it as <FILE without extension>-pull-request<extension>
                        (default: print the deploy workflow to stdout)
  --pull-request        without --output: print the pull-request workflow instead (default: off)
  --help                print this help`;

async function main(): Promise<number> {
  let values;
  try {
    values = parseArgs({
      options: {
        env: { type: "string" },
        "config-file": { type: "string" },
        "max-parallel": { type: "string", default: "4" },
        output: { type: "string" },
        "pull-request": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.env) {
    console.error(`--env is required\n${USAGE}`);
    return 2;
  }
  const maxParallel = Number(values["max-parallel"]);
  if (!Number.isInteger(maxParallel) || maxParallel < 1 || maxParallel > MATRIX_LIMIT) {
    console.error(
      `--max-parallel must be a whole number from 1 to ${MATRIX_LIMIT}, got ${values["max-parallel"]}`,
    );
    return 2;
  }
  if (values.output && values["pull-request"]) {
    console.error("--pull-request prints one workflow; --output writes both: give one of them");
    return 2;
  }
  // Loaded once the arguments are good: the config module brings the Pulumi SDK (~1 s).
  const { ConfigError, environmentNamed } = await import("../src/config");
  let loaded;
  try {
    loaded = environmentNamed(values.env, values["config-file"]);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  // The workflow runs in a checkout of this repository: the file must be part of it.
  const configFile = path.relative(ROOT, loaded.file);
  if (configFile.startsWith("..") || path.isAbsolute(configFile)) {
    console.error(`${loaded.file}: the environment file must be inside the repository (${ROOT})`);
    return 2;
  }
  const options = { configFile: configFile.split(path.sep).join("/"), maxParallel };
  const command = ["npm run pipeline --", ...process.argv.slice(2)].join(" ");
  const deploy = workflowYaml(deployWorkflow(loaded.env, options), command);
  const pullRequest = workflowYaml(pullRequestWorkflow(loaded.env, options), command);
  if (!values.output) {
    process.stdout.write(values["pull-request"] ? pullRequest : deploy);
    return 0;
  }
  const output = path.resolve(values.output);
  const extension = path.extname(output);
  const beside = `${output.slice(0, output.length - extension.length)}-pull-request${extension}`;
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, deploy);
  fs.writeFileSync(beside, pullRequest);
  console.log(`wrote ${output}\nwrote ${beside}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 3;
  },
);
