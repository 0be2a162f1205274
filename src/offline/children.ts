/**
 * Child processes that end with this one (the policy-pack servers of a plan). A child keeps
 * running when its parent fails before stopping it, exits, or is sent SIGTERM by a CI
 * runner (only a terminal's Ctrl-C signals the whole process group): each one registered
 * here is sent SIGTERM when this process exits, on any path, and on SIGINT, SIGTERM and
 * SIGHUP, after which the signal is raised again so that it ends this process as it would
 * have without the handler.
 */
import type { ChildProcess } from "node:child_process";

const live = new Set<ChildProcess>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let installed = false;

/** Ends the children, then lets `signal` end this process as it would have without this handler. */
function onSignal(signal: NodeJS.Signals): void {
  endChildren();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, signal);
}

/** Registers `child` to be ended with this process; returns it. */
export function endsWithThisProcess<T extends ChildProcess>(child: T): T {
  live.add(child);
  child.once("exit", () => live.delete(child));
  if (!installed) {
    installed = true;
    // Synchronous, as an exit handler must be: kill() only sends the signal.
    process.on("exit", endChildren);
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }
  return child;
}

/** The registered children still running. */
export function liveChildren(): readonly ChildProcess[] {
  return [...live];
}

/** Sends SIGTERM to every registered child still running. */
export function endChildren(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill();
}
