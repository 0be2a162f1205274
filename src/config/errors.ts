/** The error every configuration problem is reported with (SDK-free, so any command can load it). */

/** One problem, structured: the key path it is about and what is wrong with it. */
export interface ConfigProblem {
  /** `secrets-hub:workloads[1].vpcCidr`, `pulumi:disable-default-providers`, or "" (the file). */
  key: string;
  message: string;
  /** The environment file, with the key's position in it when it can be found. */
  file?: string;
  line?: number;
  column?: number;
}

/** A file a command cannot read as it is (not UTF-8): one line naming the file and where. */
export class FileError extends Error {
  constructor(
    message: string,
    /** The file at fault. */
    public readonly file: string,
  ) {
    super(message);
    this.name = "FileError";
  }
}

/** A position in a file, 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Invalid configuration. `problems` holds one line per bad key. */
export class ConfigError extends Error {
  constructor(
    public readonly problems: string[],
    /** The environment file the problems are in, when known. */
    public readonly source?: string,
    /** Where each problem's key is in `source` (same order as `problems`), when found. */
    public readonly positions: readonly (SourcePosition | undefined)[] = [],
  ) {
    super(
      `${source ? `${source}: ` : ""}invalid secrets-hub configuration:\n  - ${problems.join("\n  - ")}`,
    );
    this.name = "ConfigError";
  }

  /** The problems split into key path and message (a line that names no key has key ""). */
  get entries(): ConfigProblem[] {
    return this.problems.map((line, i) => {
      const m = /^([^\s:]+(?::[^\s:]+)*): ([\s\S]*)$/.exec(line);
      return {
        key: m ? m[1] : "",
        message: m ? m[2] : line,
        ...(this.source ? { file: this.source } : {}),
        ...(this.positions[i] ?? {}),
      };
    });
  }

  /** The message with each problem's place in the file (`file:line:column`), for a terminal. */
  get located(): string {
    const lines = this.problems.map((p, i) => {
      const at = this.positions[i];
      return at && this.source ? `${p} (${this.source}:${at.line}:${at.column})` : p;
    });
    return `${this.source ? `${this.source}: ` : ""}invalid secrets-hub configuration:\n  - ${lines.join("\n  - ")}`;
  }
}
