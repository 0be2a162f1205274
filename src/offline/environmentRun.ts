/** Runs the stacks of an environment under mocks, in deployment phase order. */
import { PROJECT, Environment } from "../config";
import { runAccountProgram } from "../stacks";
import type { CentralPlainOutputs } from "../contract";
import { PeerReading, centralReading, checkedCentral } from "../peers";
import { centralStack, deploymentPhases, stackNames, workloadStack } from "../topology";
import { diffView, mockWorldOf, readBack } from "./mockCloud";
import { StackOutputs, StackRun, runStack } from "./runStack";

/** Runs one stack of `env` with the given peer outputs. */
export function runEnvironmentStack(
  env: Environment,
  stack: string,
  peers: ReadonlyMap<string, StackOutputs>,
  preview = false,
): Promise<StackRun> {
  return runStack({
    project: PROJECT,
    stack,
    peers,
    preview,
    program: () => runAccountProgram(env, stack),
    world: mockWorldOf(env),
  });
}

/** One stack update of the deployment, compared with that stack's previous update. */
export interface Step {
  phase: number;
  stack: string;
  /** Resources this update creates. */
  adds: string[];
  /** Resources whose inputs or options this update changes. */
  changes: string[];
  /** Resources this update deletes. */
  removes: string[];
}

export interface EnvironmentRun {
  phases: string[][];
  /** Every stack update in deploy order, with what it does. */
  steps: Step[];
  /** The last run of each stack. */
  runs: Map<string, StackRun>;
  /** Outputs of every stack after the last phase. */
  outputs: Map<string, StackOutputs>;
  /**
   * True when one more pass over every stack changed no registration and no output;
   * undefined when the pass was skipped (`fixedPoint: false`).
   */
  converged: boolean | undefined;
  /** Stacks whose extra pass differed, with the first difference. */
  drift: string[];
  /**
   * The stacks the extra pass ran again, because a stack they read exported something new
   * after their last run; the others' last runs stand for their re-runs (see below).
   */
  rerun: string[];
}

/**
 * Runs the phases in order, feeding each stack reference from the outputs of the runs
 * before it, then runs every stack once more to prove that a re-run changes nothing.
 *
 * A program is a function of the environment file and of the outputs it reads through its
 * stack references (the mocks answer from the file too; tests/offline/environmentRun.test.ts
 * holds every shipped stack to that). So in the extra pass, a stack none of whose
 * references changed since its last run would register what that run registered: the pass
 * compares that run with itself (the engine's diff of the state read back, as for any
 * re-run) instead of running it again. At a thousand workloads that is a third of the
 * runs: every workload's last run already read central's final outputs.
 */
export async function runEnvironment(
  env: Environment,
  preview = false,
  /** Called after each stack run: `done` of `total` runs (phases and the fixed-point pass). */
  progress?: (done: number, total: number, stack: string) => void,
  /** Run the fixed-point pass (every stack once more). Default: true. */
  fixedPoint = true,
  /**
   * Called once the phases have run, before the fixed-point pass, with the runs the result
   * reports (that pass adds none): work on them can overlap the pass.
   */
  phasesDone?: (runs: ReadonlyMap<string, StackRun>) => void,
  /**
   * Called for each stack once its last phase has run, with the run the result reports for
   * it: work on one stack can start while the others still run.
   */
  finalRun?: (stack: string, run: StackRun) => void,
): Promise<EnvironmentRun> {
  const phases = deploymentPhases(env);
  const total =
    phases.reduce((n, p) => n + p.stacks.length, 0) + (fixedPoint ? stackNames(env).length : 0);
  let done = 0;
  const ran = (stack: string) => progress?.(++done, total, stack);
  const outputs = new Map<string, StackOutputs>();
  const runs = new Map<string, StackRun>();
  const deployed = new Map<string, StackRun>();
  // What each stack's last run read of each stack it references.
  const seen = (reader: string, peer: string) => readingOf(env, reader, peer, outputs);
  const read = new Map<string, Map<string, string>>();
  const readings = (stack: string, run: StackRun) =>
    new Map(run.references.map((peer) => [peer, seen(stack, peer)]));
  const steps: Step[] = [];
  const lastPhase = new Map<string, number>();
  for (const phase of phases) for (const stack of phase.stacks) lastPhase.set(stack, phase.number);
  for (const phase of phases) {
    for (const stack of phase.stacks) {
      const run = await runEnvironmentStack(env, stack, outputs);
      steps.push({ phase: phase.number, stack, ...compare(deployed.get(stack), run) });
      // A first preview of a stack sees its peers' real outputs (they were deployed in the
      // phases before) but nothing of its own resources: record that view in preview mode.
      runs.set(stack, preview ? await runEnvironmentStack(env, stack, outputs, true) : run);
      deployed.set(stack, run);
      read.set(stack, readings(stack, run));
      outputs.set(stack, { outputs: run.outputs, secretOutputNames: run.secretOutputNames });
      ran(stack);
      if (lastPhase.get(stack) === phase.number) finalRun?.(stack, runs.get(stack)!);
    }
  }
  phasesDone?.(runs);
  const drift: string[] = [];
  const rerun: string[] = [];
  for (const stack of fixedPoint ? stackNames(env) : []) {
    const last = deployed.get(stack)!;
    const unchanged = [...read.get(stack)!].every(([peer, r]) => seen(stack, peer) === r);
    if (!unchanged) rerun.push(stack);
    const again = unchanged ? last : await runEnvironmentStack(env, stack, outputs);
    ran(stack);
    const difference = compare(last, again);
    const first =
      difference.adds.map((u) => `added ${u}`)[0] ??
      difference.changes.map((u) => `changed ${u}`)[0] ??
      difference.removes.map((u) => `removed ${u}`)[0] ??
      (JSON.stringify(last.outputs) !== JSON.stringify(again.outputs)
        ? "outputs changed"
        : undefined);
    if (first) drift.push(`${stack}: ${first}`);
  }
  return {
    phases: phases.map((p) => p.stacks),
    steps,
    runs,
    outputs,
    converged: fixedPoint ? drift.length === 0 : undefined,
    drift,
    rerun,
  };
}

/**
 * What `reader`'s program sees of `peer`'s outputs, as text to compare: a workload sees
 * its {@link centralReading} of central (the contract's keys and its own peering, not the
 * maps of every workload's secrets); any other reference, every output.
 */
export function readingOf(
  env: Environment,
  reader: string,
  peer: string,
  outputs: ReadonlyMap<string, StackOutputs>,
): string {
  const peerOutputs = outputs.get(peer);
  const workload = peer === centralStack(env) ? workloadsByStack(env).get(reader) : undefined;
  if (workload === undefined) return JSON.stringify(peerOutputs ?? null);
  return JSON.stringify(centralReading(checkedOnce(peerOutputs), workload));
}

/** Central's outputs checked against the contract once per run of it, for all its readers. */
const checked = new WeakMap<StackOutputs, PeerReading<CentralPlainOutputs>>();
const NO_OUTPUTS = checkedCentral({});
function checkedOnce(outputs: StackOutputs | undefined): PeerReading<CentralPlainOutputs> {
  if (!outputs) return NO_OUTPUTS;
  let reading = checked.get(outputs);
  if (!reading) {
    reading = checkedCentral(outputs.outputs);
    checked.set(outputs, reading);
  }
  return reading;
}

const stackWorkloads = new WeakMap<Environment, Map<string, string>>();
function workloadsByStack(env: Environment): Map<string, string> {
  let byStack = stackWorkloads.get(env);
  if (!byStack) {
    byStack = new Map(env.workloads.map((w) => [workloadStack(env, w.name), w.name]));
    stackWorkloads.set(env, byStack);
  }
  return byStack;
}

/**
 * What an update does to a stack's resources (its custom resources, providers included):
 * as the engine diffs, the new inputs against the state the provider read back after the
 * previous update (`readBack`), not against the previous inputs.
 */
export function compare(
  before: StackRun | undefined,
  after: StackRun,
): Omit<Step, "phase" | "stack"> {
  const state = (run: StackRun | undefined, view: typeof readBack) =>
    new Map(
      (run?.resources ?? [])
        .filter((r) => r.custom)
        .map((r) => [
          r.urn,
          JSON.stringify({ inputs: view(r.type, r.inputs), protect: r.protect }),
        ]),
    );
  const old = state(before, readBack);
  const now = state(after, diffView);
  return {
    adds: [...now.keys()].filter((urn) => !old.has(urn)),
    changes: [...now.keys()].filter((urn) => old.has(urn) && old.get(urn) !== now.get(urn)),
    removes: [...old.keys()].filter((urn) => !now.has(urn)),
  };
}
