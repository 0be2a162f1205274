/**
 * Reading a file the command lines take (the environment file, `--config-file`,
 * `--policy-config`, `--against`) as the Pulumi CLI does: UTF-8 or nothing. Node's
 * `readFileSync(file, "utf8")` turns a byte that is not UTF-8 into U+FFFD and carries on, so a
 * file saved as Latin-1 or UTF-16 would be planned with replacement characters in its values
 * while `pulumi up` refuses it (Go's yaml.v3 reports "invalid leading UTF-8 octet"). SDK-free.
 */
import * as fs from "node:fs";
import { FileError } from "./errors";

/** The text of `file`, refused (FileError) unless it is UTF-8; `label` names it (`--policy-config x.json`). */
export function readUtf8File(file: string, label = file): string {
  const bytes = fs.readFileSync(file);
  try {
    // fatal: a malformed sequence throws instead of becoming U+FFFD; a leading BOM is dropped.
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const offset = invalidUtf8Offset(bytes) ?? 0;
    const line = bytes.subarray(0, offset).filter((b) => b === 0x0a).length + 1;
    const byte = bytes[offset]?.toString(16).toUpperCase().padStart(2, "0") ?? "end";
    throw new FileError(
      `${label}: is not UTF-8 text: byte 0x${byte} at offset ${offset} (line ${line}) is not valid UTF-8; save the file as UTF-8 (the Pulumi CLI refuses any other encoding)`,
      file,
    );
  }
}

/**
 * The offset of the first byte that starts (or strays into) a malformed UTF-8 sequence, by the
 * WHATWG decoder's bounds (what TextDecoder refuses); undefined for valid UTF-8.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number | undefined {
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    // [length of the sequence, bounds of its second byte]
    const form: [number, number, number] | undefined =
      lead >= 0xc2 && lead <= 0xdf
        ? [2, 0x80, 0xbf]
        : lead === 0xe0
          ? [3, 0xa0, 0xbf]
          : lead === 0xed
            ? [3, 0x80, 0x9f]
            : lead >= 0xe1 && lead <= 0xef
              ? [3, 0x80, 0xbf]
              : lead === 0xf0
                ? [4, 0x90, 0xbf]
                : lead === 0xf4
                  ? [4, 0x80, 0x8f]
                  : lead >= 0xf1 && lead <= 0xf3
                    ? [4, 0x80, 0xbf]
                    : undefined;
    if (form === undefined) return i;
    const [length, low, high] = form;
    if (i + length > bytes.length) return i;
    if (bytes[i + 1] < low || bytes[i + 1] > high) return i;
    for (let k = 2; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += length;
  }
  return undefined;
}
