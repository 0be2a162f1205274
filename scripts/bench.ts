/**
 * npm run bench [-- --runs N --sizes 3,10,50,125 --connectivity peering|transit-gateway]
 * (npm run bench -- --help). Plans generated environments of several sizes (with the quotas
 * each needs raised in its policy config), each run in a fresh process, and prints:
 * workloads, resources, median wall time, peak memory, and both as a ratio to a floor
 * measured in the same run (a process that only loads the Pulumi SDK and the provider
 * packages); plus the phases and stack updates the deploy orchestrator would run.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Option } from "commander";
import { EXIT, UsageError, newCommand, runCli, wholeNumber } from "./lib/cli";
import { CONNECTIVITY_MODES, type Connectivity } from "../src/config/transitGateway";
import { connectivityMode } from "../src/connectivity";

const ROOT = path.join(__dirname, "..");
const PARALLEL = 4;

interface Sample {
  ms: number;
  rssKb: number;
  status: number | null;
  stdout: string;
}

function measure(args: string[], dir: string): Sample {
  const rssFile = path.join(dir, `rss-${process.hrtime.bigint()}`);
  const start = process.hrtime.bigint();
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", "--require", path.join(__dirname, "lib", "report-rss.cjs"), ...args],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, BENCH_RSS_FILE: rssFile },
      maxBuffer: 1 << 30,
    },
  );
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rssKb = Number(fs.readFileSync(rssFile, "utf8").trim().split("\n").pop());
  return { ms, rssKb, status: child.status, stdout: child.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Workloads per generated environment: peering serves at most 125 (AWS's maximum of
 * active peerings per VPC), a transit gateway up to 5,000 (src/bench/generate.ts). */
function sizeList(value: string): number[] {
  const parse = wholeNumber("--sizes", 1, 5000);
  const sizes = value.split(",").map((s) => {
    try {
      return parse(s);
    } catch {
      throw new UsageError(
        `--sizes must be whole numbers from 1 to 5000 separated by commas, got '${value}'`,
        "--sizes",
      );
    }
  });
  return sizes;
}

const command = newCommand(
  "bench",
  "Plans generated environments of several sizes, each run in a fresh process, and prints the medians beside a floor measured in the same run (docs/scale.md).",
)
  .addOption(
    new Option("--runs <n>", "runs per size (the median is printed)")
      .argParser(wholeNumber("--runs", 1, 100))
      .default(3),
  )
  .addOption(
    new Option(
      "--sizes <list>",
      "workloads per environment, comma-separated (peering at most 125)",
    ).argParser(sizeList),
  )
  .addOption(
    new Option("--connectivity <mode>", "how central reaches the workloads")
      .choices([...CONNECTIVITY_MODES])
      .default("peering"),
  );

async function main(options: {
  runs: number;
  sizes?: number[];
  connectivity: Connectivity;
}): Promise<number> {
  const { runs, connectivity } = options;
  const { scale } = connectivityMode(connectivity);
  // Defaults: 3,10,50,125 with peering; 125,250,500 with a transit gateway.
  const sizes = options.sizes ?? scale.benchSizes;
  // Where the mode can summarize the workload CIDRs, the benchmark does (one prefix).
  const summaryPrefixes = scale.summaryPrefix !== undefined;
  if (sizes.some((n) => n > scale.maxWorkloads)) {
    const wider = CONNECTIVITY_MODES.filter(
      (m) => connectivityMode(m).scale.maxWorkloads > scale.maxWorkloads,
    );
    throw new UsageError(
      `--sizes: ${connectivity} serves at most ${scale.maxWorkloads} workloads (AWS's maximum of ${scale.limit})${wider.length > 0 ? `; use --connectivity ${wider.join(" or ")} for more` : ""}`,
      "--sizes",
    );
  }
  // Loaded once the arguments are good: these bring the Pulumi SDK.
  const { generateEnvironmentFile, raisedQuotaConfig } = await import("../src/bench/generate");
  const { environmentFromFile } = await import("../src/config");
  const { operationCost, operationPhases } = await import("../src/topology");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-hub-bench-"));

  const floorScript = path.join(dir, "floor.ts");
  // The provider packages load their modules lazily: touch every module the programs use.
  fs.writeFileSync(
    floorScript,
    [
      'require("@pulumi/pulumi");',
      'const aws = require("@pulumi/aws");',
      'const native = require("@pulumi/aws-native");',
      'const random = require("@pulumi/random");',
      "void [aws.ec2.Vpc, aws.vpc.SecurityGroupIngressRule, aws.kms.Key, aws.secretsmanager.Secret, aws.iam.Role, aws.rds.Instance, aws.serverlessrepository.CloudFormationStack, native.accessanalyzer.Analyzer, random.RandomPassword];",
      ...(scale.sdkModules.length > 0 ? [`void [${scale.sdkModules.join(", ")}];`] : []),
    ].join("\n"),
  );
  const floor = Array.from({ length: runs }, () => measure([floorScript], dir));
  const floorMs = median(floor.map((s) => s.ms));
  const floorKb = median(floor.map((s) => s.rssKb));

  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  console.log(
    `floor (load SDK + providers): ${(floorMs / 1000).toFixed(2)} s, ${(floorKb / 1024).toFixed(0)} MiB; ${runs} runs per size, median; connectivity: ${connectivity}${summaryPrefixes ? " (one summary prefix)" : ""}\n`,
  );
  const header = [
    "workloads",
    "resources",
    "wall s",
    "× floor",
    "peak MiB",
    "× floor",
    "key policy B",
    "mandatory",
    "converged",
    "phases",
    "stack updates",
    `waves (-p ${PARALLEL})`,
  ];
  const rows: string[][] = [];
  for (const n of sizes) {
    const name = `bench${n}`;
    const envFile = path.join(dir, `Pulumi.${name}.yaml`);
    const policyFile = path.join(dir, `policy-${n}.json`);
    fs.writeFileSync(envFile, generateEnvironmentFile(name, n, { connectivity, summaryPrefixes }));
    fs.writeFileSync(policyFile, JSON.stringify(raisedQuotaConfig(n, connectivity)));
    const samples = Array.from({ length: runs }, () =>
      measure(
        [
          path.join("scripts", "plan.ts"),
          "--env",
          name,
          "--config-file",
          envFile,
          "--policy-config",
          policyFile,
          "--json",
        ],
        dir,
      ),
    );
    const plan = JSON.parse(samples[0].stdout) as {
      converged: boolean;
      stacks: {
        name: string;
        resources: { type: string; name: string; inputs: Record<string, unknown> }[];
      }[];
      violations: { level: string }[];
    };
    const resources = plan.stacks.reduce(
      (sum, s) =>
        sum +
        s.resources.filter(
          (r) => !r.type.startsWith("secrets-hub:") && r.type !== "pulumi:pulumi:Stack",
        ).length,
      0,
    );
    const key = plan.stacks
      .find((s) => s.name.endsWith("-central"))!
      .resources.find((r) => r.type === "aws:kms/key:Key" && r.name === "secrets-key")!;
    const phases = operationPhases(environmentFromFile(envFile), "up");
    const cost = operationCost(phases, PARALLEL);
    const ms = median(samples.map((s) => s.ms));
    const kb = median(samples.map((s) => s.rssKb));
    rows.push([
      String(n),
      String(resources),
      (ms / 1000).toFixed(2),
      (ms / floorMs).toFixed(1),
      (kb / 1024).toFixed(0),
      (kb / floorKb).toFixed(1),
      `${Buffer.byteLength(String(key.inputs.policy))} / 32768`,
      String(plan.violations.filter((v) => v.level === "mandatory").length),
      plan.converged ? "yes" : "no",
      String(phases.length),
      String(cost.stackUpdates),
      String(cost.waves),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(r));
  fs.rmSync(dir, { recursive: true, force: true });
  return EXIT.ok;
}

runCli(command, main);
