/**
 * The topology of an environment: which stacks it has, what each stack name selects, and
 * which stack updates run in which order. The programs, the offline plan, the deploy
 * orchestrator and the benchmark all take these facts from here, and from nowhere else.
 *
 * SDK-free on purpose: `npm run deploy` loads it without the mock engine or any provider.
 */
import type { Environment, Workload } from "./config/schema";
import { ConfigError } from "./config/errors";
import { connectivityMode, modeOf } from "./connectivity";
import type { ModePhase } from "./connectivity/mode";
import { secretArnPatternIn } from "./names";

/** The central stack of an environment: `<env>-central`. */
export function centralStack(env: Pick<Environment, "environment">): string {
  return `${env.environment}-central`;
}

/** The stack of one workload account: `<env>-<workload>`. */
export function workloadStack(env: Pick<Environment, "environment">, workload: string): string {
  return `${env.environment}-${workload}`;
}

/** Every stack of an environment: central first, then the workloads in file order. */
export function stackNames(env: Environment): string[] {
  return [centralStack(env), ...env.workloads.map((w) => workloadStack(env, w.name))];
}

/** What a stack name selects in an environment. */
export type StackTarget = { kind: "central" } | { kind: "workload"; workload: Workload };

/**
 * Derives the account from the stack name `<environment>-<account>` and refuses a stack
 * that the environment file does not describe.
 */
export function resolveStack(env: Environment, stackName: string): StackTarget {
  if (stackName === centralStack(env)) return { kind: "central" };
  const workload = env.workloads.find((w) => workloadStack(env, w.name) === stackName);
  if (workload) return { kind: "workload", workload };
  throw new ConfigError([
    `stack '${stackName}' is not described by the environment file of '${env.environment}'; allowed stacks: ${stackNames(env).join(", ")}`,
  ]);
}

/** The account a stack belongs to: its region and account id, as the environment file says. */
export function stackAccount(
  env: Environment,
  stackName: string,
): { account: string; accountId: string; region: string } {
  const target = resolveStack(env, stackName);
  const spec = target.kind === "central" ? env.central : target.workload;
  return {
    account: target.kind === "central" ? "central" : target.workload.name,
    accountId: spec.accountId,
    region: spec.region,
  };
}

/** One phase of a deployment: stacks that may run in parallel, and what the phase is for. */
export interface Phase {
  /** 1-based position in the operation. */
  number: number;
  /** What the phase creates, in a few words (printed by the plan and the orchestrator). */
  purpose: string;
  stacks: string[];
}

export type Operation = "up" | "preview" | "destroy";

/**
 * The workloads whose peering central requests in each round (peering mode's rounds, see
 * src/connectivity/peering.ts), whatever the environment's mode.
 */
export function peeringRounds(env: Environment): Workload[][] {
  return connectivityMode("peering").rounds(env);
}

/**
 * The phases of `pulumi up` across the environment, as the connectivity mode plans them
 * (src/connectivity/peering.ts, transitGateway.ts). The program of each stack decides the
 * same from its peers' outputs, so a stack run out of this order only does less, never
 * something premature.
 */
export function deploymentPhases(env: Environment): Phase[] {
  return stacksOf(env, modeOf(env).upPhases(env));
}

/** The phases an operation runs, in order. */
export function operationPhases(env: Environment, operation: Operation): Phase[] {
  // Destroy: the mode knows which side AWS lets go first.
  if (operation === "destroy") return stacksOf(env, modeOf(env).destroyPhases(env));
  const up = deploymentPhases(env);
  if (operation === "up") return up;
  // A preview changes nothing, so a second pass over a stack would show the same as the first.
  const seen = new Set<string>();
  const first: Omit<Phase, "number">[] = [];
  for (const phase of up) {
    const stacks = phase.stacks.filter((s) => !seen.has(s));
    stacks.forEach((s) => seen.add(s));
    if (stacks.length > 0) first.push({ purpose: phase.purpose, stacks });
  }
  return numbered(first);
}

/** The destroy order in a few words, for the confirmation prompts. */
export function destroyOrder(env: Environment): string {
  return modeOf(env).destroyOrder;
}

/** A mode's phases with their stacks named and numbered. */
function stacksOf(env: Environment, phases: ModePhase[]): Phase[] {
  return numbered(
    phases.map((p) => ({
      purpose: p.purpose,
      stacks:
        p.accounts === "central"
          ? [centralStack(env)]
          : p.accounts.map((w) => workloadStack(env, w.name)),
    })),
  );
}

/** Counts that follow from the phases: stack updates and how many run one after another. */
export function operationCost(
  phases: readonly Phase[],
  parallel: number,
): { stackUpdates: number; waves: number } {
  return {
    stackUpdates: phases.reduce((n, p) => n + p.stacks.length, 0),
    waves: phases.reduce((n, p) => n + Math.ceil(p.stacks.length / parallel), 0),
  };
}

function numbered(phases: Omit<Phase, "number">[]): Phase[] {
  return phases.map((p, i) => ({ number: i + 1, ...p }));
}

/**
 * The Regions that hold a replica of every secret and of the key: the disaster-recovery
 * Region first, then each further Region a workload lives in (outside the central and the
 * DR Region), so that every workload reads its secret in its own Region, through its own
 * Secrets Manager endpoint: it has no path to another Region's.
 */
export function replicaRegions(env: Environment): string[] {
  const regions = [env.replicaRegion];
  for (const w of env.workloads) {
    if (w.region !== env.central.region && !regions.includes(w.region)) regions.push(w.region);
  }
  return regions;
}

/**
 * What `secrets-hub:accessAnalyzer` asks for, over the Regions of central's secrets (the
 * central Region, then {@link replicaRegions}): the Regions to create an account analyzer
 * in, and the existing analyzers' ARNs (`npm run verify` reads their findings). One value
 * applies to every Region (one ARN stands for them all, as before the map form); a map
 * gives each Region its own, a Region it leaves out being `create` (the key's default).
 */
export function accessAnalyzers(env: Environment): { create: string[]; existing: string[] } {
  const regions = [env.central.region, ...replicaRegions(env)];
  const setting = env.accessAnalyzer;
  if (typeof setting === "string") {
    if (setting === "create") return { create: regions, existing: [] };
    return { create: [], existing: setting === "none" ? [] : [setting] };
  }
  const each = regions.map((region) => ({ region, value: setting[region] ?? "create" }));
  return {
    create: each.filter((e) => e.value === "create").map((e) => e.region),
    existing: each.map((e) => e.value).filter((v) => v !== "create" && v !== "none"),
  };
}

/**
 * ARN pattern of a secret in a Region. Secrets Manager appends `-` and six random
 * characters to a secret's name in its ARN; `-??????` matches exactly that suffix (AWS's
 * documented way to name a secret in a policy before it exists).
 */
export function secretArnPattern(env: Environment, secretName: string, region: string): string {
  return secretArnPatternIn(env.central.accountId, secretName, region);
}
