/**
 * npm run plan -- --env <name> [options]   (npm run plan -- --help lists them)
 * Exit status: 0 no mandatory violation, 1 mandatory violations (or no fixed point),
 * 2 invalid arguments, files or configuration.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Option } from "commander";
import {
  EXIT,
  UsageError,
  defaultText,
  environmentFile,
  existingFile,
  newCommand,
  runCli,
} from "./lib/cli";

interface Options {
  env: string;
  configFile?: string;
  format: "text" | "json" | "mermaid";
  json: boolean;
  output?: string;
  preview: boolean;
  policyConfig?: string;
  debug: boolean;
}

const command = newCommand(
  "plan",
  'The offline plan of an environment: every stack under mocks in phase order, the fixed point, and the policy pack through its real server (README, "The offline plan").',
)
  .requiredOption("--env <name>", "environment to plan (required)")
  .option("--config-file <path>", `environment file${defaultText("Pulumi.<env>.yaml")}`)
  .addOption(
    new Option("--format <format>", "output format")
      .choices(["text", "json", "mermaid"])
      .default("text"),
  )
  .addOption(new Option("--json", "same as --format json").default(false))
  .option("--output <file>", `write the plan to FILE instead of stdout${defaultText("stdout")}`)
  .addOption(new Option("--preview", "record each stack as a first preview sees it").default(false))
  .option(
    "--policy-config <file>",
    `config of secrets-hub-guard, as for pulumi --policy-pack-config${defaultText("none: the policies' defaults")}`,
  )
  .addHelpText(
    "after",
    "\nExit status: 0 no mandatory violation, 1 mandatory violations or no fixed point, 2 invalid arguments, files or configuration.\nFor a pipe, silence npm's banner: npm run -s plan -- --env dev --json | jq .converged",
  );

async function main(options: Options): Promise<number> {
  const format = options.json ? "json" : options.format;
  if (options.json && options.format !== "text" && options.format !== "json")
    throw new UsageError(`--json and --format ${options.format} disagree: give one`, "--format");
  const file = environmentFile(options.env, options.configFile);
  existingFile("--policy-config", options.policyConfig);
  if (options.output && !fs.existsSync(path.dirname(path.resolve(options.output))))
    throw new UsageError(`--output ${options.output}: no such directory`, "--output");
  if (!options.debug) {
    // The SDK captures a stack trace for every promise it tracks (and tsx maps each one
    // through source maps): most of the plan's time at scale, and of no use to its output.
    // --debug keeps them for diagnosing a failing program.
    process.setSourceMapsEnabled(false);
    Error.stackTraceLimit = 0;
  }
  // Loaded once the arguments are good: these bring the Pulumi SDK.
  const { environmentNamed } = await import("../src/config");
  const { checkGuardConfig } = await import("./lib/policyConfigFile");
  const env = environmentNamed(options.env, file).env;
  // Checked before any stack runs: a bad policy config fails in a second, not after the plan.
  const { config: policyConfig } = await checkGuardConfig(options.policyConfig);

  const { formatPlan, planEnvironment } = await import("../src/offline/plan");
  const progress = progressReporter();
  const plan = await planEnvironment(env, {
    preview: options.preview,
    policyConfig,
    progress: progress.report,
  });
  progress.clear();
  const color = !options.output && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const { mermaidTopology } = await import("../src/offline/mermaid");
  const text =
    format === "json"
      ? JSON.stringify(plan, null, 2)
      : format === "mermaid"
        ? mermaidTopology(plan)
        : formatPlan(plan, { color });
  if (options.output) fs.writeFileSync(options.output, `${text}\n`);
  else process.stdout.write(`${text}\n`);
  const mandatory = plan.violations.some((v) => v.level === "mandatory");
  return mandatory || !plan.converged ? EXIT.failed : EXIT.ok;
}

/**
 * Progress on stderr once a plan has run for a few seconds (a large environment takes
 * minutes): on a terminal one line rewritten in place, elsewhere a line every few seconds.
 */
function progressReporter(): { report: (line: string) => void; clear: () => void } {
  const started = Date.now();
  const tty = Boolean(process.stderr.isTTY);
  let last = 0;
  let shown = false;
  const clear = () => {
    if (tty && shown) process.stderr.write("\r\x1b[K");
  };
  const report = (line: string) => {
    const now = Date.now();
    if (now - started < 3000 || (!tty && now - last < 5000)) return;
    last = now;
    shown = true;
    const text = `plan: ${line} (${Math.round((now - started) / 1000)} s)`;
    process.stderr.write(tty ? `\r\x1b[K${text}` : `${text}\n`);
  };
  return { report, clear };
}

runCli(command, main);
