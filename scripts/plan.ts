/**
 * npm run plan -- --env <name> [options]   (npm run plan -- --help lists them)
 * Exit status: 0 no mandatory violation, 1 mandatory violations (or no fixed point),
 * 2 invalid arguments, files or configuration.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Option } from "commander";
import type { PolicyServer } from "../src/offline/policyServer";
import {
  EXIT,
  UsageError,
  defaultText,
  environmentFile,
  existingDirectory,
  existingFile,
  newCommand,
  writableFile,
  runCli,
} from "./lib/cli";
import {
  ComparedPlan,
  DayTwoFinding,
  asComparedPlan,
  compareWithDeployed,
} from "../src/offline/dayTwo";
import { readUtf8File } from "../src/config/textFile";
import { relaunchedPlan } from "./lib/relaunch";

interface Options {
  env: string;
  configFile?: string;
  format: "text" | "json" | "mermaid";
  diagram: "auto" | "full";
  json: boolean;
  output?: string;
  preview: boolean;
  policyConfig?: string;
  policyPack: string[];
  policyPackConfig: string[];
  against?: string;
  debug: boolean;
}

/** Collects a repeatable option's values in order. */
const repeatable = (value: string, previous: string[]) => [...previous, value];

const command = newCommand(
  "plan",
  "The offline plan of an environment: every stack under mocks in phase order, the fixed point, and the policy pack through its real server (docs/plan.md).",
)
  .requiredOption("--env <name>", "environment to plan (required)")
  .option("--config-file <path>", `environment file${defaultText("Pulumi.<env>.yaml")}`)
  .addOption(
    new Option("--format <format>", "output format")
      .choices(["text", "json", "mermaid"])
      .default("text"),
  )
  .addOption(new Option("--json", "same as --format json").default(false))
  .addOption(
    new Option(
      "--diagram <detail>",
      "with --format mermaid: full draws every workload; auto groups them by Region when there are too many to read (docs/plan.md)",
    )
      .choices(["auto", "full"])
      .default("auto"),
  )
  .option("--output <file>", `write the plan to FILE instead of stdout${defaultText("stdout")}`)
  .addOption(new Option("--preview", "record each stack as a first preview sees it").default(false))
  .option(
    "--policy-config <file>",
    `config of secrets-hub-guard, as for pulumi --policy-pack-config${defaultText("none: the policies' defaults")}`,
  )
  .addOption(
    new Option(
      "--policy-pack <dir>",
      "a further CrossGuard pack to evaluate beside secrets-hub-guard, through its own server (repeatable, as for pulumi preview)",
    )
      .argParser(repeatable)
      .default([], "none"),
  )
  .addOption(
    new Option(
      "--policy-pack-config <file>",
      "config of the --policy-pack of the same position (repeatable: give one per --policy-pack, or none)",
    )
      .argParser(repeatable)
      .default([], "none: each pack's defaults"),
  )
  .option(
    "--against <file>",
    `the plan JSON of the file as last deployed: say what this change does to it (removals blocked by protected resources, Region moves, secrets rotated at once; docs/day-two.md)${defaultText("none")}`,
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
  checkPolicyPackArguments(options.policyPack, options.policyPackConfig);
  if (options.against && format === "mermaid")
    throw new UsageError("--against reports in text or JSON, not in --format mermaid", "--against");
  const deployed = options.against ? readDeployedPlan(options.against) : undefined;
  if (options.output) writableFile("--output", options.output);
  const relaunched = relaunchedPlan(file);
  if (relaunched) return relaunched;
  if (!options.debug) {
    // The SDK captures a stack trace for every promise it tracks (and tsx maps each one
    // through source maps): most of the plan's time at scale, and of no use to its output.
    // --debug keeps them for diagnosing a failing program.
    process.setSourceMapsEnabled(false);
    Error.stackTraceLimit = 0;
  } else {
    // runStack turns them off while a program runs unless told to keep them.
    (await import("../src/offline/runStack")).keepTraces();
  }
  // The guard pack's process starts first: it loads its SDK and type-checks the pack (with
  // ts-node, as the CLI runs it) on the other core while this one loads the program and runs
  // the stacks. It ends with the plan, whatever the plan's end (mid-start too: a refused
  // file does not wait for it).
  const { PolicyServer } = await import("../src/offline/policyServer");
  const guard = PolicyServer.owned();
  try {
    return await planWith(options, format, file, deployed, guard.server);
  } finally {
    await guard.end();
  }
}

async function planWith(
  options: Options,
  format: string,
  file: string,
  deployed: { file: string; plan: ComparedPlan } | undefined,
  guard: Promise<PolicyServer>,
): Promise<number> {
  // Loaded once the arguments are good: these bring the Pulumi SDK.
  const { environmentNamed, environmentView, optInRegionNotes } = await import("../src/config");
  const { checkGuardConfig } = await import("./lib/policyConfigFile");
  const env = environmentNamed(options.env, file).env;
  // Not errors: each opt-in Region must be enabled in its account before a stack runs there.
  for (const note of optInRegionNotes(environmentView(env)))
    process.stderr.write(`note: ${note}\n`);
  // Checked before any stack runs: a bad policy config fails in a second, not after the plan.
  const { config: policyConfig } = await checkGuardConfig(options.policyConfig);
  // Every further pack started and configured before any stack runs, for the same reason.
  const packs = await startPolicyPacks(options.policyPack, options.policyPackConfig);

  const { formatPlan, planEnvironment } = await import("../src/offline/plan");
  const progress = progressReporter();
  let plan;
  try {
    plan = await planEnvironment(env, {
      preview: options.preview,
      policyConfig,
      packs,
      server: guard,
      progress: progress.report,
    });
  } finally {
    await Promise.all(packs.map((p) => p.stop()));
  }
  progress.clear();
  const color = !options.output && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const { mermaidTopology } = await import("../src/offline/mermaid");
  const findings = deployed ? compareWithDeployed(deployed.plan, plan) : undefined;
  const text =
    format === "json"
      ? JSON.stringify(
          deployed ? { ...plan, against: { file: deployed.file, findings } } : plan,
          null,
          2,
        )
      : format === "mermaid"
        ? mermaidTopology(plan, { full: options.diagram === "full" })
        : formatPlan(plan, { color }) + (deployed ? formatFindings(deployed.file, findings!) : "");
  if (options.output) fs.writeFileSync(options.output, `${text}\n`);
  else process.stdout.write(`${text}\n`);
  const mandatory = plan.violations.some((v) => v.level === "mandatory");
  return mandatory || !plan.converged ? EXIT.failed : EXIT.ok;
}

/** The `--against` plan, read and checked before any stack runs. */
function readDeployedPlan(file: string): { file: string; plan: ComparedPlan } {
  existingFile("--against", file);
  const text = readUtf8File(file, `--against ${file}`);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--against ${file}: not JSON: ${(error as Error).message}`, "--against");
  }
  try {
    return { file, plan: asComparedPlan(document, `--against ${file}`) };
  } catch (error) {
    throw new UsageError((error as Error).message, "--against");
  }
}

function formatFindings(file: string, findings: DayTwoFinding[]): string {
  if (findings.length === 0)
    return `\n\nAgainst ${file}: nothing deployed is removed, moved or rotated.`;
  return `\n\nAgainst ${file}:\n${findings.map((f) => `  ${f.message}`).join("\n")}`;
}

/** Pack folders and their configs, as `pulumi preview` takes them: the Nth config is the Nth pack's. */
function checkPolicyPackArguments(dirs: string[], configs: string[]): void {
  for (const dir of dirs) {
    existingDirectory("--policy-pack", dir);
    if (!fs.existsSync(path.join(dir, "PulumiPolicy.yaml")))
      throw new UsageError(
        `--policy-pack ${dir}: not a policy pack (no PulumiPolicy.yaml)`,
        "--policy-pack",
      );
  }
  for (const file of configs) existingFile("--policy-pack-config", file);
  if (configs.length > 0 && configs.length !== dirs.length)
    throw new UsageError(
      `the number of --policy-pack-config files (${configs.length}) must match the number of --policy-pack folders (${dirs.length})`,
      "--policy-pack-config",
    );
}

/**
 * Starts each further pack through its real server and configures it (validated as the
 * engine does: a PolicyConfigError, exit 2, names the file); stops them all on a failure.
 */
async function startPolicyPacks(dirs: string[], configs: string[]) {
  const { PolicyServer } = await import("../src/offline/policyServer");
  const { readPolicyConfig } = await import("./lib/policyConfigFile");
  const started = await Promise.allSettled(
    dirs.map((dir) => PolicyServer.start(path.resolve(dir))),
  );
  const servers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  try {
    started.forEach((s, i) => {
      if (s.status === "rejected")
        throw new UsageError(
          `--policy-pack ${dirs[i]}: the pack does not start: ${(s.reason as Error).message}`,
          "--policy-pack",
          false,
        );
    });
    for (const [i, server] of servers.entries()) {
      const file = configs[i];
      await server.configure(file ? readPolicyConfig(file) : {}, file);
    }
    return servers;
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
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
