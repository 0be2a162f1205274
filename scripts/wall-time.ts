/**
 * npx tsx scripts/wall-time.ts
 * The wall-time estimates of the README ("Running in CI"): a first `up` of generated
 * environments of 3, 50 and 125 workloads, by hand, with `npm run deploy` and with the
 * generated pipeline, from the phases of src/topology.ts and the durations below.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateEnvironmentFile } from "../src/bench/generate";
import { environmentFromFile } from "../src/config";
import { stackJobChain } from "../src/pipeline/workflow";
import { centralStack, operationPhases } from "../src/topology";

/** Minutes per stack update (assumptions, stated in the README). */
const MINUTES = {
  /** A workload's first update of the run: creates the VPC and the RDS instance. */
  workloadFirst: 12,
  /** Any later update of a workload (peering accepter, routes, identity policy). */
  workloadLater: 4,
  central: 6,
  /** Per pipeline job: runner start, checkout, npm ci (cached), Pulumi CLI, credentials. */
  jobSetup: 1.5,
  /** The pipeline's init job: setup, plus `pulumi stack select --create` per stack (~2 s). */
  initPerStack: 2 / 60,
};

const SIZES = [3, 50, 125];
const PARALLEL = [4, 20, 60];

function estimate(workloads: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-hub-wall-"));
  const file = path.join(dir, `Pulumi.est${workloads}.yaml`);
  fs.writeFileSync(file, generateEnvironmentFile(`est${workloads}`, workloads));
  const env = environmentFromFile(file);
  const seen = new Set<string>();
  /** Minutes of each stack update of a phase, in order, counting first appearances. */
  const durations = (stacks: string[]) =>
    stacks.map((s) => {
      const first = !seen.has(s);
      seen.add(s);
      return s === centralStack(env)
        ? MINUTES.central
        : first
          ? MINUTES.workloadFirst
          : MINUTES.workloadLater;
    });
  const phases = operationPhases(env, "up").map((p) => durations(p.stacks));
  // Uniform durations within a phase: n updates at p at a time take ceil(n / p) waves;
  // in the pipeline every matrix job also sets itself up.
  const waves = (d: number[], p: number, setup = 0) =>
    Math.ceil(d.length / p) * (setup + Math.max(...d));
  const manual = phases.flat().reduce((a, b) => a + b, 0);
  const deploy = phases.reduce((t, d) => t + waves(d, 4), 0);
  const stacks = new Set(operationPhases(env, "up").flatMap((p) => p.stacks)).size;
  const init = MINUTES.jobSetup + stacks * MINUTES.initPerStack;
  const pipeline = PARALLEL.map((p) => {
    seen.clear();
    return (
      init +
      stackJobChain(env, "up").reduce(
        (t, job) => t + waves(durations(job.stacks), p, MINUTES.jobSetup),
        0,
      )
    );
  });
  const updates = phases.reduce((n, d) => n + d.length, 0);
  return { workloads, phases: phases.length, updates, manual, deploy, pipeline };
}

const hours = (m: number) => (m < 60 ? `${Math.round(m)} min` : `${(m / 60).toFixed(1)} h`);
console.log(
  `| workloads | phases | stack updates | by hand, one at a time | \`npm run deploy\` (--parallel 4) | ${PARALLEL.map((p) => `pipeline (--max-parallel ${p})`).join(" | ")} |`,
);
console.log(`|${"---|".repeat(5 + PARALLEL.length)}`);
for (const n of SIZES) {
  const e = estimate(n);
  console.log(
    `| ${e.workloads} | ${e.phases} | ${e.updates} | ${hours(e.manual)} | ${hours(e.deploy)} | ${e.pipeline.map(hours).join(" | ")} |`,
  );
}
