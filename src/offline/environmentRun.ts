/** Runs the stacks of an environment under mocks, in deployment phase order. */
import { PROJECT, Environment } from "../config";
import { runAccountProgram } from "../stacks";
import { deploymentPhases, stackNames } from "../topology";
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
  });
}

export interface EnvironmentRun {
  phases: string[][];
  /** The last run of each stack. */
  runs: Map<string, StackRun>;
  /** Outputs of every stack after the last phase. */
  outputs: Map<string, StackOutputs>;
  /** True when one more pass over every stack changed no registration and no output. */
  converged: boolean;
  /** Stacks whose extra pass differed, with the first difference. */
  drift: string[];
}

/**
 * Runs the phases in order, feeding each stack reference from the outputs of the runs
 * before it, then runs every stack once more to prove that a re-run changes nothing.
 */
export async function runEnvironment(env: Environment, preview = false): Promise<EnvironmentRun> {
  const phases = deploymentPhases(env).map((p) => p.stacks);
  const outputs = new Map<string, StackOutputs>();
  const runs = new Map<string, StackRun>();
  const deployed = new Map<string, StackRun>();
  for (const phase of phases) {
    for (const stack of phase) {
      const run = await runEnvironmentStack(env, stack, outputs);
      // A first preview of a stack sees its peers' real outputs (they were deployed in the
      // phases before) but nothing of its own resources: record that view in preview mode.
      runs.set(stack, preview ? await runEnvironmentStack(env, stack, outputs, true) : run);
      deployed.set(stack, run);
      outputs.set(stack, { outputs: run.outputs, secretOutputNames: run.secretOutputNames });
    }
  }
  const drift: string[] = [];
  for (const stack of stackNames(env)) {
    const again = await runEnvironmentStack(env, stack, outputs);
    const before = deployed.get(stack)!;
    const difference = firstDifference(before, again);
    if (difference) drift.push(`${stack}: ${difference}`);
  }
  return { phases, runs, outputs, converged: drift.length === 0, drift };
}

function firstDifference(a: StackRun, b: StackRun): string | undefined {
  const strip = (run: StackRun) =>
    run.resources.map((r) => JSON.stringify({ urn: r.urn, inputs: r.inputs, protect: r.protect }));
  const left = new Set(strip(a));
  const right = new Set(strip(b));
  for (const item of right)
    if (!left.has(item)) return `changed or added ${JSON.parse(item).urn as string}`;
  for (const item of left) if (!right.has(item)) return `removed ${JSON.parse(item).urn as string}`;
  if (JSON.stringify(a.outputs) !== JSON.stringify(b.outputs)) return "outputs changed";
  return undefined;
}
