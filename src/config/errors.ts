/** The error every configuration problem is reported with (SDK-free, so any command can load it). */

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
}
