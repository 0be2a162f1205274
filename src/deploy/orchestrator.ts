/**
 * The multi-stack deployment: creates every stack it runs first, then runs the phases that
 * `src/topology.ts` computes (the stacks of a phase in parallel), with the environment file
 * as the config file and the policy pack on every preview and update; destroys in the order
 * the connectivity mode gives (peering: central first; transit gateway: the workloads first,
 * src/connectivity/).
 *
 * `up` previews each phase's stacks, shows what they would change, asks once for the phase
 * (unless told yes), then updates them: the Automation API's `up()` alone runs
 * `pulumi up --yes --skip-preview` (@pulumi/pulumi 3.248.0, automation/stack.js), so the
 * preview is ours to run. `destroy` previews the deletion of every stack first
 * (`destroy --preview-only`), names what it deletes and any protected resource, asks once,
 * then destroys in phase order. A failure stops the chain: nothing is started after it, the
 * stacks already running finish, and every stack's result is reported (succeeded, failed
 * with the CLI's own error, or skipped and why).
 *
 * It talks to the Automation API through the small `StackOps` surface below, so the
 * ordering, parallelism and failure handling can be tested with a stand-in.
 */
import type { Environment } from "../config/schema";
import { Operation, Phase, operationPhases, stackNames } from "../topology";

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

/** The part of an engine event the orchestrator reads (automation/events.d.ts). */
export interface EngineEventLike {
  resourcePreEvent?: {
    metadata: { op: string; urn: string; type: string; old?: { protect?: boolean } };
  };
}

/** The part of an Automation API `Stack` the orchestrator uses. */
export interface StackOps {
  readonly name: string;
  up(opts: OperationOptions & ChangeOptions & PolicyOptions): Promise<OperationResult | unknown>;
  preview(
    opts: OperationOptions & ChangeOptions & PolicyOptions & EventOptions & { diff: true },
  ): Promise<OperationResult | unknown>;
  previewDestroy(
    opts: OperationOptions & Pick<ChangeOptions, "refresh"> & EventOptions,
  ): Promise<OperationResult | unknown>;
  destroy(
    opts: OperationOptions & Pick<ChangeOptions, "refresh">,
  ): Promise<OperationResult | unknown>;
}

export interface OperationOptions {
  configFile: string;
  onOutput: (out: string) => void;
  onError: (out: string) => void;
  color: "never";
  /** No progress dots: the non-interactive display would append them to unfinished lines. */
  suppressProgress: true;
}

export interface EventOptions {
  onEvent: (event: EngineEventLike) => void;
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

/** What a stack's preview showed, for the question before applying. */
export interface StackPreview {
  stack: string;
  changes: ChangeCounts;
  /** URNs the operation deletes or replaces. */
  deletes: string[];
  /** URNs of protected resources the operation would have to delete (a destroy refuses them). */
  protected: string[];
}

/** The question asked before applying: once per phase for `up`, once for `destroy`. */
export interface ConfirmRequest {
  mode: "up" | "destroy";
  /** The phase about to be applied (`up`), or every phase (`destroy`). */
  phases: Phase[];
  previews: StackPreview[];
}

export interface DeployOptions {
  mode: Mode;
  /** Path of the environment file, passed as `--config-file` to every operation. */
  configFile: string;
  /** Path of the policy pack, applied to every preview and update. */
  policyPack: string;
  policyPackConfig?: string;
  /** Stacks of one phase run at most this many at a time. Default: 4. */
  parallel?: number;
  /** Only these stacks (`--stack`), in phase order. Default: every stack of the environment. */
  stacks?: string[];
  /** Refresh each stack's state before its operation (`--refresh`). */
  refresh?: boolean;
  /** Fail a preview or update that would change anything (`--expect-no-changes`). */
  expectNoChanges?: boolean;
  /**
   * Asked before applying (`up`: once per phase that would change something; `destroy`:
   * once). Not given: apply without asking (`--yes`).
   */
  confirm?: (request: ConfirmRequest) => Promise<boolean>;
  /** Progress lines (whole lines), prefixed with the stack name. */
  log?: (line: string) => void;
  /** Called once every stack exists, before any runs (e.g. to check the secrets provider). */
  beforeRun?: (stacks: string[]) => void | Promise<void>;
}

export type StepStatus = "succeeded" | "failed" | "skipped";

export interface DeployStep {
  phase: number;
  stack: string;
  /** `preview` also for the preview that precedes an update; `destroy-preview` before a destroy. */
  operation: "preview" | "up" | "destroy-preview" | "destroy";
  status: StepStatus;
  /** The CLI's own error (its stderr, and the error lines of its output). */
  error?: string;
  /** Why a stack was not run. */
  reason?: string;
  /** What the operation did (or, for a preview, would do) to the stack's resources. */
  changes?: ChangeCounts;
  protected?: string[];
}

export interface DeployReport {
  mode: Mode;
  ok: boolean;
  /** Why the run stopped early, when it did. */
  stopped?: string;
  steps: DeployStep[];
}

/** Refuses a `--stack` the environment does not have, naming the allowed ones. */
export function checkStackSelection(env: Environment, selected: readonly string[]): void {
  const allowed = stackNames(env);
  for (const name of selected)
    if (!allowed.includes(name))
      throw new StackSelectionError(
        `--stack ${name}: not a stack of '${env.environment}'; allowed stacks: ${allowed.join(", ")}`,
      );
}

export class StackSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackSelectionError";
  }
}

/** The phases of an operation restricted to the selected stacks; empty phases dropped. */
export function selectedPhases(
  env: Environment,
  mode: Mode,
  selected?: readonly string[],
): Phase[] {
  const phases = operationPhases(env, mode);
  if (!selected || selected.length === 0) return phases;
  checkStackSelection(env, selected);
  return phases
    .map((p) => ({ ...p, stacks: p.stacks.filter((s) => selected.includes(s)) }))
    .filter((p) => p.stacks.length > 0);
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
  const phases = selectedPhases(env, options.mode, options.stacks);

  // Every stack must exist before the first run: a reference to a missing stack is an error.
  // One at a time: `stack init` writes the stack's own config file and its provider state.
  const stacks = new Map<string, StackOps>();
  for (const name of new Set(phases.flatMap((p) => p.stacks)))
    stacks.set(name, await factory(name));
  await options.beforeRun?.([...stacks.keys()]);

  const run = new Run(options, stacks, log, parallel);
  if (options.mode === "preview") {
    for (const phase of phases) {
      if (run.stopped) run.skip(phase, "preview", run.stopped);
      else await run.previewPhase(phase);
    }
  } else if (options.mode === "up") {
    for (const phase of phases) {
      if (run.stopped) {
        run.skip(phase, "up", run.stopped);
        continue;
      }
      const previews = await run.previewPhase(phase);
      if (run.stopped) {
        run.skip(phase, "up", run.stopped);
        continue;
      }
      const changing = previews.some((p) => hasChanges(p.changes));
      if (changing && options.confirm) {
        const yes = await options.confirm({ mode: "up", phases: [phase], previews });
        if (!yes) {
          run.stop(`phase ${phase.number} not confirmed: nothing of it was applied`);
          run.skip(phase, "up", run.stopped!);
          continue;
        }
      }
      await run.applyPhase(phase, "up");
    }
  } else {
    // Deleting changes nothing another stack's preview reads: preview them all, ask once.
    const previews: StackPreview[] = [];
    for (const phase of phases) {
      if (run.stopped) run.skip(phase, "destroy-preview", run.stopped);
      else previews.push(...(await run.previewDestroyPhase(phase)));
    }
    const blocked = previews.filter((p) => p.protected.length > 0);
    if (!run.stopped && blocked.length > 0)
      run.stop(
        `protected resources block the destroy of ${blocked.map((p) => p.stack).join(", ")}: set secrets-hub:protectStatefulResources: false and run up first (nothing was deleted)`,
      );
    if (!run.stopped && options.confirm) {
      const yes = await options.confirm({ mode: "destroy", phases, previews });
      if (!yes) run.stop("destroy not confirmed: nothing was deleted");
    }
    for (const phase of phases) {
      if (run.stopped) run.skip(phase, "destroy", run.stopped);
      else await run.applyPhase(phase, "destroy");
    }
  }
  return {
    mode: options.mode,
    ok: run.stopped === undefined,
    ...(run.stopped ? { stopped: run.stopped } : {}),
    steps: run.steps,
  };
}

/** One run's state: its steps so far and why it stopped. */
class Run {
  readonly steps: DeployStep[] = [];
  stopped: string | undefined;

  constructor(
    private readonly options: DeployOptions,
    private readonly stacks: Map<string, StackOps>,
    private readonly log: (line: string) => void,
    private readonly parallel: number,
  ) {}

  stop(reason: string): void {
    this.stopped ??= reason;
  }

  skip(phase: Phase, operation: DeployStep["operation"], reason: string): void {
    for (const stack of phase.stacks)
      this.steps.push({ phase: phase.number, stack, operation, status: "skipped", reason });
  }

  private base(name: string, flush: (() => void)[]): OperationOptions {
    const out = lineSplitter((line) => this.log(`[${name}] ${line}`));
    const err = lineSplitter((line) => this.log(`[${name}] ${line}`));
    flush.push(out.flush, err.flush);
    return {
      configFile: this.options.configFile,
      color: "never",
      suppressProgress: true,
      onOutput: out.write,
      onError: err.write,
    };
  }

  private policy(): PolicyOptions {
    return {
      policyPacks: [this.options.policyPack],
      ...(this.options.policyPackConfig
        ? { policyPackConfigs: [this.options.policyPackConfig] }
        : {}),
    };
  }

  private change(): ChangeOptions {
    return {
      ...(this.options.refresh ? { refresh: true } : {}),
      ...(this.options.expectNoChanges ? { expectNoChanges: true } : {}),
    };
  }

  private refresh(): Pick<ChangeOptions, "refresh"> {
    return this.options.refresh ? { refresh: true } : {};
  }

  /**
   * Runs `operation` over a phase's stacks, at most `parallel` at once; after a failure
   * starts no further stack, lets the running ones finish, and records every stack's result.
   */
  private async phase<R>(
    phase: Phase,
    operation: DeployStep["operation"],
    task: (stack: StackOps, base: OperationOptions) => Promise<{ result: unknown; extra?: R }>,
  ): Promise<R[]> {
    this.log(`phase ${phase.number} (${phase.purpose}): ${operation} ${phase.stacks.join(", ")}`);
    const results: (DeployStep | undefined)[] = new Array(phase.stacks.length).fill(undefined);
    const extras: R[] = [];
    let failedHere: string | undefined;
    let next = 0;
    const worker = async () => {
      while (next < phase.stacks.length && failedHere === undefined) {
        const i = next++;
        const name = phase.stacks[i];
        const flush: (() => void)[] = [];
        const base = this.base(name, flush);
        try {
          const { result, extra } = await task(this.stacks.get(name)!, base);
          flush.forEach((f) => f());
          const changes = changesOf(result);
          this.log(
            `[${name}] ${operation} succeeded${changes ? `: ${formatChanges(changes)}` : ""}`,
          );
          results[i] = {
            phase: phase.number,
            stack: name,
            operation,
            status: "succeeded",
            ...(changes ? { changes } : {}),
          };
          if (extra !== undefined) extras.push(extra);
        } catch (error) {
          flush.forEach((f) => f());
          const message = cliError(error);
          failedHere ??= name;
          this.log(`[${name}] ${operation} FAILED: ${firstLine(message)}`);
          results[i] = {
            phase: phase.number,
            stack: name,
            operation,
            status: "failed",
            error: message,
          };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.parallel, phase.stacks.length) }, worker));
    if (failedHere !== undefined) this.stop(`${failedHere} failed (${operation})`);
    this.steps.push(
      ...results.map(
        (r, i) =>
          r ?? {
            phase: phase.number,
            stack: phase.stacks[i],
            operation,
            status: "skipped" as const,
            reason: `not started: ${failedHere} failed in the same phase`,
          },
      ),
    );
    return extras;
  }

  async previewPhase(phase: Phase): Promise<StackPreview[]> {
    return this.phase<StackPreview>(phase, "preview", async (stack, base) => {
      const seen = stepCollector();
      const result = await stack.preview({
        ...base,
        ...this.change(),
        ...this.policy(),
        diff: true,
        onEvent: seen.onEvent,
      });
      const preview = seen.preview(stack.name, changesOf(result) ?? {});
      this.logPreview(preview);
      return { result, extra: preview };
    });
  }

  async previewDestroyPhase(phase: Phase): Promise<StackPreview[]> {
    const previews = await this.phase<StackPreview>(
      phase,
      "destroy-preview",
      async (stack, base) => {
        const seen = stepCollector();
        let result: unknown;
        try {
          result = await stack.previewDestroy({
            ...base,
            ...this.refresh(),
            onEvent: seen.onEvent,
          });
        } catch (error) {
          // The engine refuses to plan the deletion of a protected resource: that is a finding
          // of the preview (named below), not a failure of the CLI.
          const named = protectedUrns(cliError(error));
          if (named.length === 0) throw error;
          seen.protect(named);
        }
        const preview = seen.preview(stack.name, changesOf(result) ?? {});
        this.logPreview(preview);
        return { result, extra: preview };
      },
    );
    for (const p of previews) {
      const step = this.steps.find(
        (s) => s.stack === p.stack && s.operation === "destroy-preview" && s.phase === phase.number,
      );
      if (step && p.protected.length > 0) step.protected = p.protected;
    }
    return previews;
  }

  private logPreview(preview: StackPreview): void {
    const name = preview.stack;
    for (const urn of preview.deletes) this.log(`[${name}] deletes ${urn}`);
    for (const urn of preview.protected) this.log(`[${name}] PROTECTED, cannot be deleted: ${urn}`);
  }

  async applyPhase(phase: Phase, mode: "up" | "destroy"): Promise<void> {
    await this.phase(phase, mode, async (stack, base) => ({
      result:
        mode === "up"
          ? await stack.up({ ...base, ...this.change(), ...this.policy() })
          : await stack.destroy({ ...base, ...this.refresh() }),
    }));
  }
}

/** Collects a preview's delete and replace steps and the protected resources among them. */
function stepCollector() {
  const deletes = new Set<string>();
  const protectedUrns = new Set<string>();
  return {
    onEvent: (event: EngineEventLike) => {
      const step = event.resourcePreEvent?.metadata;
      if (!step) return;
      if (!["delete", "replace", "delete-replaced"].includes(step.op)) return;
      deletes.add(step.urn);
      if (step.old?.protect) protectedUrns.add(step.urn);
    },
    protect: (urns: string[]) => urns.forEach((u) => protectedUrns.add(u)),
    preview: (stack: string, changes: ChangeCounts): StackPreview => ({
      stack,
      changes,
      deletes: [...deletes].filter((u) => !protectedUrns.has(u)),
      protected: [...protectedUrns],
    }),
  };
}

/** The URNs a CLI error names as protected (pkg/resource/deploy/step.go `deleteProtectedError`). */
export function protectedUrns(text: string): string[] {
  const urns = new Set<string>();
  for (const m of text.matchAll(/resource "(urn:pulumi:[^"]+)" cannot be deleted/g)) urns.add(m[1]);
  return [...urns];
}

/**
 * The CLI's own error out of an Automation API failure. The SDK runs the CLI through execa,
 * which rejects on a non-zero exit; the SDK then wraps execa's error as
 * `CommandResult("", error.message, -2, error)` (automation/cmd.js `exec`), so the
 * CommandError's text is `code: -2` and a message starting with the command line. The
 * CLI's stderr is execa's `error.stderr`, its output `error.stdout`: this returns the
 * stderr, then the `error:` lines of the output the stderr does not already hold.
 */
export function cliError(error: unknown): string {
  const result = (error as { commandResult?: CommandResultLike } | undefined)?.commandResult;
  if (!result) return error instanceof Error ? error.message : String(error);
  const execa = result.err as ExecaErrorLike | undefined;
  const stderr = (execa?.stderr ?? (result.code === -2 ? "" : result.stderr) ?? "").trim();
  const stdout = execa?.stdout ?? result.stdout ?? "";
  const lines = stderr === "" ? [] : stderr.split(/\r?\n/);
  for (const line of stdout.split(/\r?\n/))
    if (/^\s*error: /.test(line) && !lines.some((l) => l.includes(line.trim())))
      lines.push(line.trim());
  if (lines.length > 0) return lines.join("\n");
  return (
    (execa?.shortMessage ?? execa?.message ?? result.stderr ?? "").trim() || `exit ${result.code}`
  );
}

interface CommandResultLike {
  stdout?: string;
  stderr?: string;
  code?: number;
  err?: unknown;
}

interface ExecaErrorLike {
  stderr?: string;
  stdout?: string;
  shortMessage?: string;
  message?: string;
}

/** Buffers chunks of a stream and emits whole, non-blank lines; `flush` emits the rest. */
export function lineSplitter(emit: (line: string) => void): {
  write: (chunk: string) => void;
  flush: () => void;
} {
  let rest = "";
  return {
    write: (chunk: string) => {
      const parts = (rest + chunk).split(/\r\n|\n|\r/);
      rest = parts.pop() ?? "";
      for (const line of parts) if (line.trim() !== "") emit(line);
    },
    flush: () => {
      if (rest.trim() !== "") emit(rest);
      rest = "";
    },
  };
}

function firstLine(text: string): string {
  return text.split("\n").find((l) => l.trim() !== "") ?? text;
}

function changesOf(result: unknown): ChangeCounts | undefined {
  const r = (result ?? {}) as OperationResult;
  return r.summary?.resourceChanges ?? r.changeSummary;
}

/** Whether a change summary holds anything but `same`. */
export function hasChanges(changes: ChangeCounts): boolean {
  return Object.entries(changes).some(([op, n]) => op !== "same" && (n ?? 0) > 0);
}

/** "2 create, 1 update, 40 same", in the engine's order of operations. */
export function formatChanges(changes: ChangeCounts): string {
  const parts = Object.entries(changes)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([op, n]) => `${n} ${op}`);
  return parts.length > 0 ? parts.join(", ") : "no resources";
}

/** The question for a confirmation, as lines: what each stack would change. */
export function formatConfirmation(request: ConfirmRequest): string[] {
  const lines: string[] = [];
  const where =
    request.mode === "up"
      ? `phase ${request.phases[0].number} (${request.phases[0].purpose})`
      : `every stack, in this order: ${request.phases.map((p) => p.stacks.join(", ")).join(" → ")}`;
  lines.push(`${request.mode === "up" ? "Apply" : "Destroy"} ${where}:`);
  for (const p of request.previews) {
    lines.push(`  ${p.stack.padEnd(28)} ${formatChanges(p.changes)}`);
    for (const urn of p.deletes) lines.push(`    deletes ${urn}`);
    for (const urn of p.protected) lines.push(`    PROTECTED ${urn}`);
  }
  return lines;
}

const MAX_ERROR_LINES = 20;

/** A readable end-of-run summary: every stack's result, a failure with the CLI's error. */
export function formatReport(report: DeployReport): string {
  const lines = [
    `${report.mode}: ${report.ok ? "all stacks succeeded" : `stopped: ${report.stopped ?? "a stack failed"}`}`,
  ];
  for (const step of report.steps) {
    const detail =
      step.status === "skipped"
        ? step.reason
          ? `: ${step.reason}`
          : ""
        : step.changes
          ? ` (${formatChanges(step.changes)})`
          : "";
    lines.push(
      `  phase ${step.phase}  ${step.stack.padEnd(28)} ${step.operation.padEnd(15)} ${step.status}${detail}`,
    );
    for (const urn of step.protected ?? []) lines.push(`      protected: ${urn}`);
    if (step.error) {
      const errorLines = step.error.split("\n");
      for (const line of errorLines.slice(0, MAX_ERROR_LINES)) lines.push(`      ${line}`);
      if (errorLines.length > MAX_ERROR_LINES)
        lines.push(
          `      … ${errorLines.length - MAX_ERROR_LINES} more lines above, in the stack's output`,
        );
    }
  }
  return lines.join("\n");
}
