/**
 * How a message quotes what the user gave (SDK-free, so every command line and the config
 * share it): a value of any size comes back at most {@link QUOTE_MAX} characters long, with
 * its full length, so one bad input is still one readable line (a 1 MB string, a pasted
 * certificate, a YAML block where a scalar was expected).
 */

/** Characters of a user value a message shows. */
export const QUOTE_MAX = 80;

/** `text` cut to `max` characters, then `…(N characters)` saying how long it was. */
export function clip(text: string, max = QUOTE_MAX): string {
  // A line break or other control character in a value would break the one line: escaped.
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  if (line.length <= max) return line;
  return `${line.slice(0, max)}…(${text.length} characters)`;
}

/** A user value as a message quotes it: its JSON, clipped (`"eu-west-4"`, `42`, `[1,2]`). */
export function quote(value: unknown, max = QUOTE_MAX): string {
  const json = JSON.stringify(value) as string | undefined;
  return clip(json ?? String(value), max);
}
