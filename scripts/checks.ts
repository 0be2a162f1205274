/**
 * npm run checks: the static checks of `npm test`, in one process and its children.
 *
 * - The type-check and the type-aware lint share one TypeScript program. `tsc --noEmit` and
 *   `eslint .` (with `projectService`) each parsed and bound the same 8,800 files (the
 *   `@pulumi/aws` and `@pulumi/aws-native` declarations are 1.6 million lines), which was most of
 *   the suite's CPU time; here the program is built once, its diagnostics are tsc's
 *   (`ts.getPreEmitDiagnostics`' set, incremental through the same build-info file as
 *   `npm run typecheck`), and ESLint gets it through typescript-eslint's `parserOptions.programs`.
 * - The import-cycle check (scripts/lib/cycles.ts) on the tsconfig's file list, before it.
 * - Meanwhile, in child processes on the other core: Prettier's check and the generated
 *   docs' check (`npm run docs -- --check --fast`).
 *
 * With `--unit` (what `npm test` runs), the unit suite (`mocha`, two workers) runs beside them
 * too, its report straight to this process's output: the suite and the checks are about
 * 30 and 65 s of CPU on a fresh clone, and one after the other they left a core idle for
 * most of the suite's first seconds and the checks' last ones.
 *
 * Every check runs to its end and prints its own findings; the exit status is 0 only when all
 * of them pass (1 otherwise). The separate scripts (`typecheck`, `lint`, `format:check`,
 * `cycles`, `docs`, `unit`) stay for running one check alone.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ESLint } from "eslint";
import * as ts from "typescript";
import { reportCycles } from "./lib/cycles";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "node_modules", ".bin");
const CACHE = path.join(ROOT, "node_modules", ".cache");

interface Child {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Its output straight to this process's, as it comes (a long report), not held. */
  readonly streamed?: boolean;
}

/** The checks that need no TypeScript program, run beside it. */
const CHILDREN: readonly Child[] = [
  {
    name: "prettier",
    command: path.join(BIN, "prettier"),
    args: [
      "--check",
      "--cache",
      "--cache-location",
      path.join(CACHE, "prettier", "cache"),
      "--log-level",
      "warn",
      ".",
    ],
  },
  // `npm run docs -- --check --fast`, without npm's and tsx's launcher processes.
  {
    name: "docs",
    command: process.execPath,
    args: ["--import", "tsx", path.join(ROOT, "scripts", "docs.ts"), "--check", "--fast"],
  },
];

/** `--unit`: the unit suite, as `npm run unit` runs it (.mocharc.json). */
const UNIT: Child = { name: "unit", command: path.join(BIN, "mocha"), args: [], streamed: true };

/**
 * Runs a child with its output held in a file, printed at its end (on failure) so that the
 * checks' reports do not interleave; a streamed child writes to this process's output. Not a
 * pipe: the type-check below holds this process's event loop for half a minute, and a child
 * that filled a pipe meanwhile would wait for it.
 */
function runChild(child: Child): Promise<boolean> {
  const dir = child.streamed
    ? undefined
    : fs.mkdtempSync(path.join(os.tmpdir(), "secrets-hub-checks-"));
  const fd = dir === undefined ? undefined : fs.openSync(path.join(dir, "output"), "w");
  // Read once: "close" can follow "error".
  let held: string | undefined;
  const output = () => {
    if (dir !== undefined && fd !== undefined && held === undefined) {
      fs.closeSync(fd);
      held = fs.readFileSync(path.join(dir, "output"), "utf8");
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return held ?? "";
  };
  return new Promise((resolve) => {
    const proc = spawn(child.command, child.args, {
      cwd: ROOT,
      stdio: fd === undefined ? ["ignore", "inherit", "inherit"] : ["ignore", fd, fd],
    });
    proc.on("error", (err) => {
      process.stderr.write(output());
      console.error(`${child.name}: ${err.message}`);
      resolve(false);
    });
    proc.on("close", (code) => {
      const text = output();
      if (code !== 0) {
        process.stderr.write(text);
        console.error(`${child.name}: failed (exit ${code})`);
      }
      resolve(code === 0);
    });
  });
}

/** The project's program, as `tsc --noEmit -p tsconfig.json` builds it (incremental). */
function typeCheck(): { program: ts.Program; ok: boolean; acyclic: boolean } {
  const configPath = path.join(ROOT, "tsconfig.json");
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => report([d]),
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, { noEmit: true }, host);
  if (!parsed) return { program: ts.createProgram([], {}), ok: false, acyclic: false };
  const acyclic = reportCycles(ROOT, parsed.fileNames, parsed.options);
  const builder = ts.createIncrementalProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
    projectReferences: parsed.projectReferences,
  });
  const diagnostics = [
    ...builder.getConfigFileParsingDiagnostics(),
    ...builder.getOptionsDiagnostics(),
    ...builder.getGlobalDiagnostics(),
    ...builder.getSyntacticDiagnostics(),
    ...builder.getSemanticDiagnostics(),
  ];
  // With noEmit this writes only the build-info file, so the next run checks only what changed.
  builder.emit();
  report(diagnostics);
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  return { program: builder.getProgram(), ok: errors.length === 0, acyclic };
}

function report(diagnostics: readonly ts.Diagnostic[]): void {
  if (diagnostics.length === 0) return;
  const formatHost: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => "\n",
  };
  // As tsc: with colour and context on a terminal, one line per diagnostic otherwise (CI logs).
  process.stderr.write(
    process.stderr.isTTY
      ? ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost)
      : ts.formatDiagnostics(diagnostics, formatHost),
  );
}

/** ESLint over the project (eslint.config.mjs) with the type-check's program. */
async function lint(program: ts.Program): Promise<boolean> {
  // ESLint's cache hashes the config as JSON, and a program does not serialize: the list
  // stands for itself as the tsconfig it was built from. Results are cached per file's
  // content, as with `eslint --cache`.
  const programs = Object.assign([program], { toJSON: () => "tsconfig.json" });
  const eslint = new ESLint({
    cwd: ROOT,
    cache: true,
    cacheStrategy: "content",
    cacheLocation: path.join(CACHE, "eslint") + path.sep,
    overrideConfig: [
      {
        files: ["**/*.ts"],
        languageOptions: { parserOptions: { projectService: false, programs } },
      },
    ],
  });
  const results = await eslint.lintFiles(["."]);
  const formatter = await eslint.loadFormatter("stylish");
  const text = await formatter.format(results);
  if (text) process.stdout.write(text);
  return results.every((r) => r.errorCount === 0 && r.fatalErrorCount === 0);
}

async function main(): Promise<number> {
  const all = process.argv.includes("--unit") ? [...CHILDREN, UNIT] : CHILDREN;
  const children = Promise.all(all.map(runChild));
  const { program, ok: typesOk, acyclic } = typeCheck();
  if (!typesOk) console.error("typecheck: failed");
  if (!acyclic) console.error("cycles: failed");
  const lintOk = await lint(program);
  if (!lintOk) console.error("lint: failed");
  const childrenOk = (await children).every(Boolean);
  return typesOk && acyclic && lintOk && childrenOk ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
