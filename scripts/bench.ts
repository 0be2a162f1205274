/**
 * npm run bench [-- --runs N --sizes 3,10,50,125 --connectivity peering|transit-gateway|all
 * --write-docs] (npm run bench -- --help). Plans generated environments of several sizes
 * (with the quotas each needs raised in its policy config), each run in a fresh process, and
 * prints the dev plan's medians and, per size: resources, median wall and CPU time, time per
 * workload, peak memory, each beside a floor measured in the same run, alternately with the
 * plans; the key policy size;
 * the phases and stack updates the deploy orchestrator would run. A size whose plan fails
 * prints its reason in its row. `--write-docs` writes the rows, with the date and the
 * machine, into docs/scale.md between its generated markers.
 *
 * The floor is a process that only loads what the program loads from the Pulumi SDK and the
 * provider packages: `@pulumi/pulumi`, and every resource class of `@pulumi/aws`,
 * `@pulumi/aws-native` and `@pulumi/random` that the plans of the run register (the provider
 * packages load their modules lazily, so this is what the program pays for them), in plain
 * Node.js with the same preload as the plans, without the program's own modules or tsx.
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
const DOCS = path.join(ROOT, "docs", "scale.md");
export const BENCH_MARKERS = ["<!-- generated:bench -->", "<!-- /generated:bench -->"] as const;
const TIME = "/usr/bin/time";

/** Peering serves at most 125 workloads (AWS's maximum of active peerings per VPC). */

interface Sample {
  ms: number;
  /** User + system CPU of the process and the processes it waited for (the policy server). */
  cpuMs?: number;
  rssKb: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The Node.js options `npm run plan` runs the plan with (package.json), so that the bench
 * measures the command a user runs: `node <options> scripts/plan.ts`.
 */
function planNodeOptions(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const words = pkg.scripts.plan.split(/\s+/);
  const script = words.indexOf("scripts/plan.ts");
  if (words[0] !== "node" || script < 0)
    throw new Error(
      `package.json scripts.plan is not "node [options] scripts/plan.ts": ${pkg.scripts.plan}`,
    );
  return words.slice(1, script);
}

/** Runs `node <options> --require report-rss.cjs ...args` and measures it. */
function measure(args: string[], dir: string, options: string[] = []): Sample {
  const stamp = process.hrtime.bigint();
  const rssFile = path.join(dir, `rss-${stamp}`);
  const timeFile = path.join(dir, `time-${stamp}`);
  const node = [
    process.execPath,
    ...options,
    "--require",
    path.join(__dirname, "lib", "report-rss.cjs"),
    ...args,
  ];
  // GNU time reports the CPU of the child and of the children it waited for; without it,
  // the CPU column stays empty.
  const timed = fs.existsSync(TIME) ? [TIME, "-f", "%U %S", "-o", timeFile, ...node] : node;
  const start = process.hrtime.bigint();
  const child = spawnSync(timed[0], timed.slice(1), {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, BENCH_RSS_FILE: rssFile },
    maxBuffer: 1 << 30,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");
  // The plan's and, for a large environment, the child it relaunches itself in (scripts/lib/relaunch.ts).
  const rssKb = Math.max(...read(rssFile).trim().split("\n").map(Number));
  const times = /^([\d.]+) ([\d.]+)\s*$/m.exec(read(timeFile));
  return {
    ms,
    cpuMs: times ? (Number(times[1]) + Number(times[2])) * 1000 : undefined,
    rssKb,
    status: child.status,
    stdout: child.stdout,
    stderr: child.stderr,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The medians of a set of samples: wall ms, CPU ms (when every sample has it), peak kB. */
function medians(samples: Sample[]): { ms: number; cpuMs?: number; kb: number } {
  return {
    ms: median(samples.map((s) => s.ms)),
    cpuMs: samples.every((s) => s.cpuMs !== undefined)
      ? median(samples.map((s) => s.cpuMs!))
      : undefined,
    kb: median(samples.map((s) => s.rssKb)),
  };
}

/** Workloads per generated environment, 1 to 5,000 (the attachments a transit gateway takes). */
function sizeList(value: string): number[] {
  const parse = wholeNumber("--sizes", 1, 5000);
  return value.split(",").map((s) => {
    try {
      return parse(s);
    } catch {
      throw new UsageError(
        `--sizes must be whole numbers from 1 to 5000 separated by commas, got '${value}'`,
        "--sizes",
      );
    }
  });
}

const command = newCommand(
  "bench",
  "Plans generated environments of several sizes, each run in a fresh process, and prints the medians beside a floor measured alternately in the same run (docs/scale.md).",
)
  .addOption(
    new Option("--runs <n>", "runs per size (the median is printed)")
      .argParser(wholeNumber("--runs", 1, 100))
      .default(3),
  )
  .addOption(
    new Option(
      "--sizes <list>",
      `workloads per environment, comma-separated; default: ${CONNECTIVITY_MODES.map((m) => `${connectivityMode(m).scale.benchSizes.join(",")} with ${connectivityMode(m).diagram.label}`).join("; ")}`,
    ).argParser(sizeList),
  )
  .addOption(
    new Option("--connectivity <mode>", "how central reaches the workloads; all: both modes")
      .choices([...CONNECTIVITY_MODES, "all"])
      .default("peering"),
  )
  .addOption(
    new Option(
      "--write-docs",
      `write the rows, the date and the machine into ${path.relative(ROOT, DOCS)} between ${BENCH_MARKERS.join(" and ")}`,
    ).default(false),
  );

/** A plan's JSON document, as far as the bench reads it. */
interface PlanDocument {
  converged: boolean;
  stacks: {
    name: string;
    resources: { type: string; name: string; inputs: Record<string, unknown> }[];
  }[];
  violations: { level: string }[];
}

/** Why a sample has no plan: the first error the plan printed, else its last stderr line. */
function failure(sample: Sample): string {
  try {
    const doc = JSON.parse(sample.stdout) as { errors?: { key?: string; message: string }[] };
    const error = doc.errors?.[0];
    if (error) return `${error.key ? `${error.key}: ` : ""}${error.message}`;
  } catch {
    // not a JSON document: fall back to stderr
  }
  const lines = sample.stderr.trim().split("\n").filter(Boolean);
  return `exit ${sample.status}: ${lines.pop() ?? "no output"}`;
}

function planOf(sample: Sample): PlanDocument | undefined {
  try {
    const doc = JSON.parse(sample.stdout) as Partial<PlanDocument>;
    return Array.isArray(doc.stacks) ? (doc as PlanDocument) : undefined;
  } catch {
    return undefined;
  }
}

/** `@pulumi/<package>` resource classes of a type token, as `[package, module, class]`. */
function classOf(type: string): [string, string, string] | undefined {
  const [pkg, module, name] = type.split(":");
  const mod = module?.split("/")[0];
  if (!name || !mod || !["aws", "aws-native", "random"].includes(pkg)) return undefined;
  return [pkg, mod, name];
}

/** Used before any plan has registered a resource (or when none does). */
const FALLBACK_TYPES = [
  "aws:ec2/vpc:Vpc",
  "aws:kms/key:Key",
  "aws:secretsmanager/secret:Secret",
  "aws:iam/role:Role",
  "aws:rds/instance:Instance",
  "aws-native:accessanalyzer:Analyzer",
  "random:index/randomPassword:RandomPassword",
];

/** The floor program: the SDK, and each resource class of the provider packages in `types`. */
function floorProgram(types: Iterable<string>): string {
  // Resolved from the project, as the program resolves them (the script lives in a temp dir).
  const resolve = (name: string) => JSON.stringify(require.resolve(name, { paths: [ROOT] }));
  const packages = {
    aws: "@pulumi/aws",
    "aws-native": "@pulumi/aws-native",
    random: "@pulumi/random",
  };
  const touched = new Set<string>();
  for (const type of types) {
    const c = classOf(type);
    if (!c) continue;
    const [pkg, mod, name] = c;
    touched.add(
      mod === "index"
        ? `p[${JSON.stringify(pkg)}].${name}`
        : `p[${JSON.stringify(pkg)}].${mod}.${name}`,
    );
  }
  return [
    `require(${resolve("@pulumi/pulumi")});`,
    `const p = { ${Object.entries(packages)
      .map(([k, v]) => `${JSON.stringify(k)}: require(${resolve(v)})`)
      .join(", ")} };`,
    `void [${[...touched].sort().join(", ")}];`,
    "",
  ].join("\n");
}

interface Row {
  mode: Connectivity;
  workloads: number;
  cells?: string[];
  reason?: string;
}

const HEADER = [
  "workloads",
  "resources",
  "wall s",
  "× floor",
  "CPU s",
  "× floor",
  "ms per workload",
  "peak MiB",
  "× floor",
  "key policy B",
  "mandatory",
  "converged",
  "phases",
  "stack updates",
  `waves (-p ${PARALLEL})`,
];

function table(rows: string[][]): string[] {
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${HEADER.map((_, i) => (cells[i] ?? "").padStart(widths[i])).join(" | ")} |`;
  return [line(HEADER), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)];
}

async function main(options: {
  runs: number;
  sizes?: number[];
  connectivity: Connectivity | "all";
  writeDocs: boolean;
}): Promise<number> {
  const { runs, connectivity } = options;
  const modes: Connectivity[] = connectivity === "all" ? [...CONNECTIVITY_MODES] : [connectivity];
  const plans = modes.flatMap((mode) =>
    (options.sizes ?? connectivityMode(mode).scale.benchSizes).map((workloads) => ({
      mode,
      workloads,
    })),
  );
  const tooMany = plans.find((p) => p.workloads > connectivityMode(p.mode).scale.maxWorkloads);
  if (tooMany) {
    const { scale } = connectivityMode(tooMany.mode);
    const wider = CONNECTIVITY_MODES.filter(
      (m) => connectivityMode(m).scale.maxWorkloads > scale.maxWorkloads,
    );
    throw new UsageError(
      `--sizes: ${tooMany.mode} serves at most ${scale.maxWorkloads} workloads (AWS's maximum of ${scale.limit}), got ${tooMany.workloads}${wider.length > 0 ? `; use --connectivity ${wider.join(" or ")} for more` : ""}`,
      "--sizes",
    );
  }
  if (options.writeDocs && !fs.existsSync(DOCS))
    throw new UsageError(`--write-docs: no ${path.relative(ROOT, DOCS)}`, "--write-docs");
  // Loaded once the arguments are good: these bring the Pulumi SDK.
  const { generateEnvironmentFile, raisedQuotaConfig } = await import("../src/bench/generate");
  const { environmentFromFile } = await import("../src/config");
  const { operationCost, operationPhases } = await import("../src/topology");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-hub-bench-"));
  try {
    const jobs = plans.map(({ mode, workloads }) => {
      const { scale } = connectivityMode(mode);
      const name = `bench${mode[0]}${workloads}`;
      const envFile = path.join(dir, `Pulumi.${name}.yaml`);
      const policyFile = path.join(dir, `policy-${name}.json`);
      fs.writeFileSync(
        envFile,
        // No summaryPrefixes: routes and egress by the workload CIDRs' exact aggregate, as a
        // user's file has them unless it writes its own.
        generateEnvironmentFile(name, workloads, {
          connectivity: mode,
          organization: scale.organization,
        }),
      );
      fs.writeFileSync(policyFile, JSON.stringify(raisedQuotaConfig(workloads, mode)));
      const args = [
        ...["scripts/plan.ts", "--env", name, "--config-file", envFile],
        ...["--policy-config", policyFile, "--json"],
      ];
      return { mode, workloads, envFile, args, samples: [] as Sample[] };
    });

    const planOptions = planNodeOptions();
    // The README's main job, the plan of the shipped dev environment, measured beside them.
    const dev = {
      args: ["scripts/plan.ts", "--env", "dev", "--json"],
      samples: [] as Sample[],
    };

    // Alternate: every round plans dev and each size once, then runs the floor once, so that
    // the load of the machine weighs on all alike. The floor touches what the plans registered.
    const floorScript = path.join(dir, "floor.js");
    const types = new Set<string>();
    const floor: Sample[] = [];
    for (let round = 0; round < runs; round++) {
      dev.samples.push(measure(dev.args, dir, planOptions));
      for (const job of jobs) {
        const sample = measure(job.args, dir, planOptions);
        job.samples.push(sample);
        for (const s of planOf(sample)?.stacks ?? [])
          for (const r of s.resources) if (classOf(r.type)) types.add(r.type);
      }
      fs.writeFileSync(floorScript, floorProgram(types.size > 0 ? types : FALLBACK_TYPES));
      const sample = measure([floorScript], dir);
      // A floor that failed to load the packages would flatter every ratio.
      if (sample.status !== 0) throw new Error(`the floor process failed: ${failure(sample)}`);
      floor.push(sample);
    }
    const { ms: floorMs, cpuMs: floorCpu, kb: floorKb } = medians(floor);

    const rows: Row[] = jobs.map((job) => {
      const plan = planOf(job.samples[0]);
      if (!plan)
        return { mode: job.mode, workloads: job.workloads, reason: failure(job.samples[0]) };
      const resources = plan.stacks.reduce(
        (sum, s) =>
          sum +
          s.resources.filter(
            (r) => !r.type.startsWith("secrets-hub:") && r.type !== "pulumi:pulumi:Stack",
          ).length,
        0,
      );
      const key = plan.stacks
        .find((s) => s.name.endsWith("-central"))
        ?.resources.find((r) => r.type === "aws:kms/key:Key" && r.name === "secrets-key");
      const phases = operationPhases(environmentFromFile(job.envFile), "up");
      const cost = operationCost(phases, PARALLEL);
      const { ms, cpuMs: cpu, kb } = medians(job.samples);
      return {
        mode: job.mode,
        workloads: job.workloads,
        cells: [
          String(job.workloads),
          String(resources),
          (ms / 1000).toFixed(2),
          (ms / floorMs).toFixed(1),
          cpu === undefined ? "" : (cpu / 1000).toFixed(2),
          cpu === undefined || floorCpu === undefined ? "" : (cpu / floorCpu).toFixed(1),
          (ms / job.workloads).toFixed(0),
          (kb / 1024).toFixed(0),
          (kb / floorKb).toFixed(1),
          key ? `${Buffer.byteLength(String(key.inputs.policy))} / 32768` : "",
          String(plan.violations.filter((v) => v.level === "mandatory").length),
          plan.converged ? "yes" : "no",
          String(phases.length),
          String(cost.stackUpdates),
          String(cost.waves),
        ],
      };
    });

    const cpus = os.cpus();
    const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, node ${process.version}`;
    const lines = [
      `${new Date().toISOString().slice(0, 10)}, ${machine}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} at the end`,
      `floor (node + the SDK and the provider resource classes the plans register): ${(floorMs / 1000).toFixed(2)} s wall${floorCpu === undefined ? "" : `, ${(floorCpu / 1000).toFixed(2)} s CPU`}, ${(floorKb / 1024).toFixed(0)} MiB; ${runs} run(s) per size alternated with the floor, median`,
      devLine(dev.samples, { ms: floorMs, cpuMs: floorCpu }),
    ];
    for (const mode of modes) {
      const of = rows.filter((r) => r.mode === mode);
      lines.push(
        "",
        connectivityMode(mode).scale.benchHeading,
        "",
        ...table(of.map((r) => r.cells ?? [String(r.workloads), `fails: ${r.reason}`])),
      );
    }
    console.log(lines.join("\n"));
    if (options.writeDocs) {
      await writeGenerated(DOCS, lines.join("\n"));
      console.log(`\nwrote ${path.relative(process.cwd(), DOCS)}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return EXIT.ok;
}

/** The dev plan's medians beside the floor's, or why it failed. */
function devLine(samples: Sample[], floor: { ms: number; cpuMs?: number }): string {
  const label = "dev (Pulumi.dev.yaml, the README's plan)";
  if (!planOf(samples[0])) return `${label}: fails: ${failure(samples[0])}`;
  const { ms, cpuMs: cpu, kb } = medians(samples);
  const cpuText =
    cpu === undefined || floor.cpuMs === undefined
      ? ""
      : `, ${(cpu / 1000).toFixed(2)} s CPU (${(cpu / floor.cpuMs).toFixed(1)} × floor)`;
  return `${label}: ${(ms / 1000).toFixed(2)} s wall (${(ms / floor.ms).toFixed(1)} × floor)${cpuText}, ${(kb / 1024).toFixed(0)} MiB`;
}

/**
 * Replaces what lies between the bench markers of `file` with `text`, formatted by Prettier
 * with the project's settings. Only the block: the rest of the file holds blocks that
 * `npm run docs` generates in its own form, which `docs --check` compares byte for byte.
 */
export async function writeGenerated(file: string, text: string): Promise<void> {
  const doc = fs.readFileSync(file, "utf8");
  const [open, close] = BENCH_MARKERS;
  const start = doc.indexOf(open);
  const end = doc.indexOf(close);
  if (start < 0 || end < start)
    throw new UsageError(`--write-docs: ${file} has no ${open} … ${close} block`, "--write-docs");
  const prettier = await import("prettier");
  const options = (await prettier.resolveConfig(file)) ?? {};
  const block = (await prettier.format(text, { ...options, filepath: file })).trimEnd();
  fs.writeFileSync(file, `${doc.slice(0, start + open.length)}\n\n${block}\n\n${doc.slice(end)}`);
}

runCli(command, main);
