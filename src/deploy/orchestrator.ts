/**
 * The multi-stack deployment: creates every stack of an environment first, then runs the
 * phases that `src/topology.ts` computes (the stacks of a phase in parallel), with the
 * environment file as the config file and the policy pack on every preview and update;
 * stops at the first failure; destroys in the order the connectivity mode gives (peering:
 * central first; transit gateway: the workloads first, src/connectivity/).
 *
 * It talks to the Pulumi Automation API through the small `StackOps` surface below, so the
 * ordering, parallelism and failure handling can be tested with a stand-in.
 */
import type { Environment } from "../config/schema";
import { Operation, operationPhases } from "../topology";

export type Mode = Operation;

/** Resource operations by kind (`create`, `update`, `same`, ...), as the Automation API counts them. */
export type ChangeCounts = Record<string, number | undefined>;

/**
 * What the orchestrator reads from an operation's result: `summary.resourceChanges` of an
 * UpResult / DestroyResult, `changeSummary` of a PreviewResult.
 */
export interface OperationResult {
  summary?: { resourceChanges?: ChangeCounts };
  changeSummary?: ChangeCounts;
}

/** The part of an Automation API `Stack` the orchestrator uses. */
export interface StackOps {
  readonly name: string;
  up(opts: OperationOptions & ChangeOptions & PolicyOptions): Promise<OperationResult | unknown>;
  preview(
    opts: OperationOptions & ChangeOptions & PolicyOptions,
  ): Promise<OperationResult | unknown>;
  destroy(
    opts: OperationOptions & Pick<ChangeOptions, "refresh">,
  ): Promise<OperationResult | unknown>;
}

export interface OperationOptions {
  configFile: string;
  onOutput: (line: string) => void;
  color: "never";
}

/** Passed through to `pulumi up` / `preview` (`--refresh`, `--expect-no-changes`) when set. */
export interface ChangeOptions {
  refresh?: boolean;
  expectNoChanges?: boolean;
}

export interface PolicyOptions {
  policyPacks: string[];
  policyPackConfigs?: string[];
}

/** Creates the stack if it does not exist, else selects it. */
export type StackFactory = (stackName: string) => Promise<StackOps>;

export interface DeployOptions {
  mode: Mode;
  /** Path of the environment file, passed as `--config-file` to every operation. */
  configFile: string;
  /** Path of the policy pack, applied to every preview and update. */
  policyPack: string;
  policyPackConfig?: string;
  /** Stacks of one phase run at most this many at a time. Default: 4. */
  parallel?: number;
  /** Refresh each stack's state before its operation (`--refresh`). */
  refresh?: boolean;
  /** Fail a preview or update that would change anything (`--expect-no-changes`). */
  expectNoChanges?: boolean;
  /** Progress lines, prefixed with the stack name. */
  log?: (line: string) => void;
}

export type StepStatus = "succeeded" | "failed" | "skipped";

export interface DeployStep {
  phase: number;
  stack: string;
  status: StepStatus;
  error?: string;
  /** What the operation did (or, for a preview, would do) to the stack's resources. */
  changes?: ChangeCounts;
}

export interface DeployReport {
  mode: Mode;
  ok: boolean;
  steps: DeployStep[];
}

export async function deployEnvironment(
  env: Environment,
  factory: StackFactory,
  options: DeployOptions,
): Promise<DeployReport> {
  const parallel = options.parallel ?? 4;
  if (!Number.isInteger(parallel) || parallel < 1)
    throw new Error(`--parallel must be a whole number >= 1, got ${parallel}`);
  const log = options.log ?? (() => undefined);
  const phases = operationPhases(env, options.mode);

  // Every stack must exist before the first run: a reference to a missing stack is an error.
  const stacks = new Map<string, StackOps>();
  for (const name of new Set(phases.flatMap((p) => p.stacks)))
    stacks.set(name, await factory(name));

  const steps: DeployStep[] = [];
  let failed = false;
  for (const { number, purpose, stacks: phase } of phases) {
    if (failed) {
      steps.push(...phase.map((stack) => ({ phase: number, stack, status: "skipped" as const })));
      continue;
    }
    log(`phase ${number}/${phases.length} (${purpose}): ${options.mode} ${phase.join(", ")}`);
    const results = await runLimited(
      phase,
      parallel,
      () => failed,
      async (name) => {
        const stack = stacks.get(name)!;
        const base: OperationOptions = {
          configFile: options.configFile,
          color: "never",
          onOutput: (out) => emit(log, name, out),
        };
        const policy: PolicyOptions = {
          policyPacks: [options.policyPack],
          ...(options.policyPackConfig ? { policyPackConfigs: [options.policyPackConfig] } : {}),
        };
        const refresh = options.refresh ? { refresh: true } : {};
        const change: ChangeOptions = {
          ...refresh,
          ...(options.expectNoChanges ? { expectNoChanges: true } : {}),
        };
        try {
          const result =
            options.mode === "up"
              ? await stack.up({ ...base, ...change, ...policy })
              : options.mode === "preview"
                ? await stack.preview({ ...base, ...change, ...policy })
                : await stack.destroy({ ...base, ...refresh });
          const changes = changesOf(result);
          log(`[${name}] ${options.mode} succeeded${changes ? `: ${formatChanges(changes)}` : ""}`);
          return {
            phase: number,
            stack: name,
            status: "succeeded" as const,
            ...(changes ? { changes } : {}),
          };
        } catch (error) {
          failed = true;
          const message = error instanceof Error ? error.message : String(error);
          log(`[${name}] ${options.mode} FAILED: ${firstLine(message)}`);
          return { phase: number, stack: name, status: "failed" as const, error: message };
        }
      },
    );
    steps.push(
      ...results.map((r, i) => r ?? { phase: number, stack: phase[i], status: "skipped" as const }),
    );
  }
  return { mode: options.mode, ok: !failed, steps };
}

/** Runs `task` over `items`, at most `limit` at once; starts nothing more once `stop()` is true. */
async function runLimited<T, R>(
  items: T[],
  limit: number,
  stop: () => boolean,
  task: (item: T) => Promise<R>,
): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array(items.length).fill(undefined);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function emit(log: (line: string) => void, stack: string, out: string): void {
  for (const line of out.split("\n")) if (line.trim() !== "") log(`[${stack}] ${line}`);
}

function firstLine(text: string): string {
  return text.split("\n").find((l) => l.trim() !== "") ?? text;
}

function changesOf(result: unknown): ChangeCounts | undefined {
  const r = (result ?? {}) as OperationResult;
  return r.summary?.resourceChanges ?? r.changeSummary;
}

/** "2 create, 1 update, 40 same", in the engine's order of operations. */
export function formatChanges(changes: ChangeCounts): string {
  const parts = Object.entries(changes)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([op, n]) => `${n} ${op}`);
  return parts.length > 0 ? parts.join(", ") : "no resources";
}

/** A readable end-of-run summary. */
export function formatReport(report: DeployReport): string {
  const lines = [
    `${report.mode}: ${report.ok ? "all stacks succeeded" : "stopped at the first failure"}`,
  ];
  for (const step of report.steps) {
    lines.push(
      `  phase ${step.phase}  ${step.stack.padEnd(28)} ${step.status}${step.changes ? ` (${formatChanges(step.changes)})` : ""}${step.error ? `: ${firstLine(step.error)}` : ""}`,
    );
  }
  return lines.join("\n");
}
