/**
 * The program boundary of `pulumi up`: what the Node.js language host prints for an error.
 * It prints only the message of a `pulumi.RunError`; any other error becomes "Running
 * program … failed with an unhandled exception" followed by its stack
 * (@pulumi/pulumi/cmd/run/run.js, `uncaughtHandler`). User-facing errors reach the host
 * as RunErrors; src/config/errors.ts stays SDK-free, so the conversion happens here.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./config/errors";

/** A ConfigError as a RunError with the same message; anything else unchanged. */
export function asRunError(error: unknown): unknown {
  if (error instanceof ConfigError) return new pulumi.RunError(error.message);
  return error;
}

/** Runs the stack program, turning configuration errors into clean CLI messages. */
export async function atProgramBoundary<T>(program: () => Promise<T>): Promise<T> {
  try {
    return await program();
  } catch (error) {
    throw asRunError(error);
  }
}
