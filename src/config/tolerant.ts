/**
 * Tolerant readers of a config value that may be anything (the environment rules run even
 * when fields failed their own checks): the value when it has the expected shape, else an
 * empty stand-in or undefined.
 */

/** The value if it is a plain object, else `{}`. */
export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The value if it is an array, else `[]`. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value if it is a string, else undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
