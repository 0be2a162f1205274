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

/** Invalid configuration. `problems` holds one line per bad key. */
export class ConfigError extends Error {
  constructor(
    public readonly problems: string[],
    /** The environment file the problems are in, when known. */
    public readonly source?: string,
  ) {
    super(
      `${source ? `${source}: ` : ""}invalid secrets-hub configuration:\n  - ${problems.join("\n  - ")}`,
    );
    this.name = "ConfigError";
  }

  /** The problems split into key path and message (a line that names no key has key ""). */
  get entries(): ConfigProblem[] {
    return this.problems.map((line) => {
      const m = /^([^\s:]+(?::[^\s:]+)*): ([\s\S]*)$/.exec(line);
      return {
        key: m ? m[1] : "",
        message: m ? m[2] : line,
        ...(this.source ? { file: this.source } : {}),
      };
    });
  }
}
