/** Picks the program of a stack from its name and runs it. */
import type { Environment } from "../config";
import { resolveStack } from "../topology";
import { centralProgram } from "./central";
import { workloadProgram } from "./workload";

/** Runs the program of `stackName` (`<env>-central` or `<env>-<workload>`) and returns its outputs. */
export async function runAccountProgram(
  env: Environment,
  stackName: string,
): Promise<Record<string, unknown>> {
  const target = resolveStack(env, stackName);
  const outputs =
    target.kind === "central"
      ? await centralProgram(env)
      : await workloadProgram(env, target.workload);
  return { ...outputs };
}
