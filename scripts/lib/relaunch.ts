/**
 * A large environment is planned in a child process with a larger young generation.
 *
 * Measured on the 2-core machine of docs/scale.md: at 125 peered workloads a quarter of the
 * plan's CPU went to scavenges of V8's young generation (16 MB semi-spaces by default), whose
 * objects outlive it because each stack run keeps its registrations until it ends; with
 * `--max-semi-space-size=64` the plan took 15% less time. The same flag makes the
 * three-workload `dev` plan 0.3 s slower, so only an environment of at least
 * {@link RELAUNCH_WORKLOADS} workloads is relaunched with it: V8 takes the flag only when a
 * process starts. The child runs the same command line; this process waits for it, and
 * `children.ts` ends it with this one (a signal, an exit).
 */
import { spawn } from "node:child_process";
import * as os from "node:os";
import YAML from "yaml";
import { endsWithThisProcess } from "../../src/offline/children";
import { readUtf8File } from "../../src/config/textFile";

export const RELAUNCH_WORKLOADS = 25;
const SEMI_SPACE_MB = 64;
/** Set in the child, so that it plans instead of relaunching again. */
const RELAUNCHED = "SECRETS_HUB_PLAN_RELAUNCHED";

/**
 * The workloads of the environment file, as far as a quick read tells; undefined for a file
 * that does not read (the plan's own reading then says why, exit 2, in this process).
 */
function workloadCount(file: string): number | undefined {
  try {
    const doc = YAML.parse(readUtf8File(file)) as { config?: Record<string, unknown> } | null;
    const workloads = doc?.config?.["secrets-hub:workloads"];
    return Array.isArray(workloads) ? workloads.length : undefined;
  } catch {
    return undefined;
  }
}

/**
 * When `file` is a large environment and this process is not already the relaunched one:
 * runs this command again in a child with the larger young generation and resolves to its
 * exit status. Otherwise undefined: plan here.
 */
export function relaunchedPlan(file: string): Promise<number> | undefined {
  if (process.env[RELAUNCHED]) return undefined;
  if ((workloadCount(file) ?? 0) < RELAUNCH_WORKLOADS) return undefined;
  const child = endsWithThisProcess(
    spawn(
      process.execPath,
      [`--max-semi-space-size=${SEMI_SPACE_MB}`, ...process.execArgv, ...process.argv.slice(1)],
      { stdio: "inherit", env: { ...process.env, [RELAUNCHED]: "1" } },
    ),
  );
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    // A child ended by a signal: the shell's status for it, 128 + the signal's number.
    child.once("exit", (code, signal) =>
      resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0)),
    );
  });
}
