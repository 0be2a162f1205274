/**
 * The one signature of an environment-wide config rule. Field rules live on the fields
 * (`schema.ts`); these span more than one field, and read the tolerant view of the
 * environment (`view.ts`), so that they run even when fields already failed.
 */
import type { Path } from "../keyPath";
import type { EnvironmentView } from "../view";

/** One problem: where (key path under `secrets-hub:`), what was given, and what to do. */
export interface Issue {
  readonly path: Path;
  readonly input: unknown;
  readonly message: string;
}

export type Report = (issue: Issue) => void;

/** A named environment-wide rule. */
export interface Rule {
  /** Kebab-case name, stable across releases. */
  readonly name: string;
  check(env: EnvironmentView, report: Report): void;
}
