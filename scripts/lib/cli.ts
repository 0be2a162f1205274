/**
 * What every command line of the project shares (plan, deploy, bench, pipeline): argument
 * parsing with commander, and one way to fail. A mistake in the arguments, a file or the
 * configuration exits 2 with a clear message and no stack trace (with `--json`, also a JSON
 * document `{ "errors": [{ "key", "message" }] }` on stdout); anything unexpected exits 3,
 * with its stack under `--debug`. SDK-free: commands load the heavy modules after parsing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { ConfigError, FileError } from "../../src/config/errors";
import { PolicyConfigError } from "../../src/policyConfig";
import { clip } from "../../src/config/quote";

export const EXIT = { ok: 0, failed: 1, invalid: 2, unexpected: 3 } as const;

/** A mistake in the arguments or a file they name: exit 2, one line. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The option or key at fault, e.g. `--config-file`. */
    public readonly key = "",
    /** Whether --help would help (a malformed argument), rather than a fact about the setup. */
    public readonly seeHelp = true,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** One problem as the JSON error document lists it. */
export interface ErrorEntry {
  key: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

/** A command with the shared conventions: `npm run <name> --` in its usage, `--debug`, no auto-exit. */
export function newCommand(name: string, description: string): Command {
  return new Command(`npm run ${name} --`)
    .description(description)
    .exitOverride()
    .allowExcessArguments(false)
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: () => undefined });
}

/** The default of an option that has no value of its own, shown in --help. */
export const defaultText = (text: string) => ` (default: ${text})`;

/** A whole number in [min, max], for commander's argParser. */
export function wholeNumber(option: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max)
      throw new UsageError(
        `${option} must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? " up" : ` to ${max}`}, got '${clip(value)}'`,
        option,
      );
    return n;
  };
}

/** Refuses a path that is not an existing file (before anything slow starts). */
export function existingFile(option: string, file: string | undefined): void {
  if (file === undefined) return;
  if (!fs.existsSync(file)) throw new UsageError(`${option} ${file}: no such file`, option);
  if (!fs.statSync(file).isFile()) throw new UsageError(`${option} ${file}: not a file`, option);
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    throw new UsageError(`${option} ${file}: not readable`, option);
  }
}

/** The folder of Pulumi.yaml and of the shipped environment files. */
export const PROJECT_ROOT = path.join(__dirname, "..", "..");

/**
 * The environment file of `--env` (`--config-file`, else `Pulumi.<env>.yaml` beside
 * Pulumi.yaml), refused when it does not exist.
 */
export function environmentFile(env: string, configFile: string | undefined): string {
  if (configFile !== undefined) {
    existingFile("--config-file", configFile);
    return path.resolve(configFile);
  }
  const file = path.join(PROJECT_ROOT, `Pulumi.${env}.yaml`);
  if (!fs.existsSync(file))
    throw new UsageError(
      `--env ${clip(env)}: no environment file ${path.relative(process.cwd(), file) || file} (create it, or give --config-file PATH)`,
      "--env",
    );
  return file;
}

/**
 * Refuses an output path a command could not write once it has run (a plan takes minutes at
 * scale): a missing folder, a folder given as the file, a folder or file it may not write.
 */
export function writableFile(option: string, file: string): void {
  const target = path.resolve(file);
  if (fs.existsSync(target) && fs.statSync(target).isDirectory())
    throw new UsageError(`${option} ${file}: is a directory; give a file path`, option);
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) throw new UsageError(`${option} ${file}: no such directory`, option);
  try {
    fs.accessSync(fs.existsSync(target) ? target : dir, fs.constants.W_OK);
  } catch {
    throw new UsageError(`${option} ${file}: not writable`, option);
  }
}

/** Refuses a path that is not an existing directory. */
export function existingDirectory(option: string, dir: string): void {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new UsageError(`${option} ${dir}: no such directory`, option);
}

/** Wants a JSON error document: `--json`, `--format json` or `--format=json` among the arguments. */
function wantsJson(args: readonly string[]): boolean {
  return args.some(
    (a, i) =>
      a === "--json" || a === "--format=json" || (a === "--format" && args[i + 1] === "json"),
  );
}

/** The problems an error stands for, for the JSON error document. */
export function errorEntries(error: unknown): ErrorEntry[] {
  if (error instanceof ConfigError) return error.entries;
  if (error instanceof PolicyConfigError)
    return error.problems.map((p) => ({
      ...p,
      ...(error.source ? { file: error.source } : {}),
    }));
  if (error instanceof UsageError) return [{ key: error.key, message: error.message }];
  if (error instanceof FileError) return [{ key: "", message: error.message, file: error.file }];
  const refusal = programRefusal(error);
  if (refusal) {
    const message = oneLine(refusal.message);
    return [{ key: /^secrets-hub:\S*[^\s:]/.exec(message)?.[0] ?? "", message }];
  }
  return [{ key: "", message: error instanceof Error ? error.message : String(error) }];
}

/**
 * The program's refusal of its input that `error` is or carries: a `pulumi.RunError` (known
 * by its brand, `__pulumiRunError`, as `RunError.isInstance` knows it: this module is
 * SDK-free), which `pulumi up` prints as its message alone (@pulumi/pulumi/cmd/run/run.js),
 * raised by a stack program under the offline plan (a StackRunError's `cause`).
 */
export function programRefusal(error: unknown): Error | undefined {
  const isRunError = (e: unknown): e is Error =>
    e instanceof Error && (e as { __pulumiRunError?: unknown }).__pulumiRunError === true;
  if (isRunError(error)) return error;
  if (error instanceof Error && isRunError(error.cause)) return error.cause;
  return undefined;
}

/** Whether an error is the user's to fix (exit 2) rather than unexpected (exit 3). */
export function isUserError(error: unknown): boolean {
  return (
    programRefusal(error) !== undefined ||
    error instanceof ConfigError ||
    error instanceof PolicyConfigError ||
    error instanceof UsageError ||
    error instanceof FileError ||
    error instanceof CommanderError
  );
}

/** What a command prints for an error (stderr), its exit status and its JSON error document. */
export interface Failure {
  status: number;
  text: string;
  /** The problems of a user's error (exit 2), for `--json`; none for an unexpected one. */
  entries?: ErrorEntry[];
}

/** How a command ends on `error`: exit 2 with one clear message for the user's mistake, else 3. */
export function failure(error: unknown, debug = false): Failure {
  if (error instanceof CommanderError) {
    const message = error.message
      .replace(/^error: /, "")
      .replace(/\s*\n\s*/g, " ")
      .replace(/'([^']*)'/g, (_, value: string) => `'${clip(value)}'`);
    const key = /'(--[\w-]+)/.exec(message)?.[1] ?? "";
    return { status: EXIT.invalid, text: `${message} (see --help)`, entries: [{ key, message }] };
  }
  const refusal = programRefusal(error);
  if (refusal) {
    const message = oneLine(refusal.message);
    return { status: EXIT.invalid, text: message, entries: errorEntries(error) };
  }
  if (isUserError(error)) {
    const text =
      error instanceof UsageError && error.seeHelp
        ? `${error.message} (see --help)`
        : error instanceof ConfigError
          ? error.located
          : (error as Error).message;
    return { status: EXIT.invalid, text, entries: errorEntries(error) };
  }
  return {
    status: EXIT.unexpected,
    text: debug && error instanceof Error ? (error.stack ?? error.message) : unexpected(error),
  };
}

/**
 * Parses the arguments, runs `main` with the options and sets the exit status (exitCode,
 * not exit(): a large document written to a pipe must be flushed first).
 */
export function runCli<T>(
  command: Command,
  main: (options: T, command: Command) => Promise<number>,
  argv: readonly string[] = process.argv,
): void {
  const args = argv.slice(2);
  const json = wantsJson(args);
  const debug = args.includes("--debug");
  const fail = (error: unknown): number => {
    const { status, text, entries } = failure(error, debug);
    console.error(text);
    if (json && entries) process.stdout.write(`${JSON.stringify({ errors: entries }, null, 2)}\n`);
    return status;
  };
  // A reader that closes the pipe early (`| head -c 100`) ends the output, not the command:
  // no EPIPE trace, and the exit status stays the command's own.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
  });
  command.addOption(
    new Option("--debug", "print the stack trace of an unexpected error").default(false),
  );
  let options: T;
  try {
    command.parse(argv as string[]);
    options = command.opts<T & object>();
  } catch (error) {
    if (
      error instanceof CommanderError &&
      ["commander.helpDisplayed", "commander.help", "commander.version"].includes(error.code)
    ) {
      process.exitCode = EXIT.ok;
      return;
    }
    // An argParser's own error arrives wrapped: report the UsageError itself.
    process.exitCode = fail(error);
    return;
  }
  // A stack program that fails under the offline plan leaves promises of the Pulumi SDK
  // rejected and unhandled, with the very error that reaches `main` (the language host of
  // `pulumi up` has its own handler for them): without this listener Node would print them
  // as a raw dump and exit 1. A program's refusal waits for `main`'s outcome, so that it is
  // reported once; anything else ends the command as unexpected, as it ends it without us.
  const strays: unknown[] = [];
  process.on("unhandledRejection", (reason: unknown) => {
    if (programRefusal(reason) !== undefined) {
      strays.push(reason);
      return;
    }
    process.exit(fail(reason));
  });
  main(options, command).then(
    (code) => {
      // A refusal that never reached `main` (raised in a callback of the program) still fails it.
      process.exitCode = strays.length > 0 ? fail(strays[0]) : code;
    },
    (error: unknown) => {
      process.exitCode = fail(error);
    },
  );
}

/** A message on one line: its line breaks (and the indentation after them) become one space. */
function oneLine(message: string): string {
  return message.trim().replace(/\s*\n\s*/g, " ");
}

function unexpected(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `${message}\n(unexpected error: run again with --debug for its stack trace)`;
}
