/**
 * The config module: the only place that reads configuration. It turns the environment
 * file (`Pulumi.<env>.yaml`) into one frozen, typed `Environment`, or throws one
 * `ConfigError` listing every problem with its key path, the bad value and what is allowed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML, { LineCounter, isNode } from "yaml";
import { z } from "zod";
import { distance } from "fastest-levenshtein";
import { closest } from "../policyConfig";
import { ConfigError, SourcePosition } from "./errors";
import { clip, quote } from "./quote";
import { readUtf8File } from "./textFile";
import {
  CONFIG_KEYS,
  Environment,
  environmentSchema,
  keyPath,
  normalizeEnvironment,
} from "./schema";

export * from "./schema";
export { optInRegionNotes } from "./rules/regions";
export { environmentView } from "./view";
export { ConfigError, FileError } from "./errors";

export const PROJECT = "secrets-hub";
const PREFIX = `${PROJECT}:`;
const DISABLE_DEFAULT_PROVIDERS = "pulumi:disable-default-providers";
/** The folder of Pulumi.yaml (and of the shipped environment files). */
const PROJECT_ROOT = path.join(__dirname, "..", "..");

/**
 * Namespaces an environment file legitimately holds: the program's own, the CLI's
 * (`pulumi:`), and the providers' the program uses (`aws:`, `aws-native:`, `random:`).
 */
const KNOWN_NAMESPACES = [PROJECT, "pulumi", "aws", "aws-native", "random"];

/**
 * A key whose namespace is a misspelling of a known one (`secret-hub:accessAnalyzer`,
 * `secretshub:tags`): the CLI keeps it and the program never reads it, so the setting would
 * be silently lost. A namespace far from every known one (another tool's) is left alone.
 */
function mistypedNamespace(key: string): string | undefined {
  const colon = key.indexOf(":");
  if (colon <= 0) return undefined;
  const namespace = key.slice(0, colon);
  if (KNOWN_NAMESPACES.includes(namespace)) return undefined;
  const normalized = namespace.toLowerCase().replace(/[^a-z]/g, "");
  let best: { known: string; d: number } | undefined;
  for (const known of KNOWN_NAMESPACES) {
    const d = Math.min(distance(namespace, known), distance(normalized, known.replace(/-/g, "")));
    if (d <= Math.max(1, Math.floor(known.length / 4)) && (!best || d < best.d))
      best = { known, d };
  }
  if (!best) return undefined;
  return `${clip(key)}: unknown namespace ${namespace}; did you mean ${best.known}:${clip(key.slice(colon + 1))}? (the program reads ${PREFIX} keys; ${KNOWN_NAMESPACES.filter(
    (n) => n !== PROJECT,
  )
    .map((n) => `${n}:`)
    .join(", ")} are the CLI's and the providers')`;
}

/** Validates the project's config keys (namespace stripped) into one frozen Environment. */
export function parseEnvironment(raw: Record<string, unknown>): Environment {
  const result = environmentSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new ConfigError(result.error.issues.flatMap(describeIssue));
  return deepFreeze(normalizeEnvironment(result.data));
}

/**
 * The one gate of both paths (`pulumi up` and the offline plan): every check on the raw
 * config map of a stack, all keys of every namespace (`secrets-hub:` and `pulumi:`), values
 * already parsed. Throws one ConfigError listing every problem.
 */
export function environmentFromConfig(
  config: Readonly<Record<string, unknown>>,
  source?: string,
): Environment {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(PREFIX)) raw[key.slice(PREFIX.length)] = value;
  }
  const problems: string[] = [];
  for (const key of Object.keys(config)) {
    const mistyped = mistypedNamespace(key);
    if (mistyped !== undefined) problems.push(mistyped);
  }
  // The CLI refuses a stack whose config lacks a key Pulumi.yaml declares without a default:
  // refuse it here too, so that the offline plan accepts only what `pulumi up` accepts.
  for (const key of requiredProjectKeys()) {
    if (!(key in config))
      problems.push(`${key}: is required (declared in Pulumi.yaml without a default)`);
  }
  // Checked on the `pulumi up` path too: the engine hands the program its whole decrypted
  // stack config, the same map in which it looks up pulumi:disable-default-providers itself
  // (pulumi/pulumi pkg/resource/deploy/source_eval.go: Iterate passes Target.Config to
  // langhost.Run; the nodejs language host writes every key into PULUMI_CONFIG), and
  // runtime/config.js allConfig() returns PULUMI_CONFIG with "pulumi:config:x" cleaned to
  // "pulumi:x". So the key is present under `pulumi up` whenever the stack sets it.
  const disabled = config[DISABLE_DEFAULT_PROVIDERS];
  if (
    !Array.isArray(disabled) ||
    !(disabled.includes("*") || (disabled.includes("aws") && disabled.includes("aws-native")))
  ) {
    problems.push(
      `${DISABLE_DEFAULT_PROVIDERS}: must list "*" (or both aws and aws-native) so that no resource lands in the ambient account (got ${quote(disabled)})`,
    );
  }
  let env: Environment | undefined;
  try {
    env = parseEnvironment(raw);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.unshift(...error.problems);
  }
  if (problems.length > 0 || env === undefined) throw new ConfigError(problems, source);
  return env;
}

/** Reads an environment file from disk (the offline plan and the tests use this). */
export function environmentFromFile(file: string): Environment {
  const text = readUtf8File(file);
  let document: unknown;
  try {
    document = YAML.parse(text);
  } catch (error) {
    throw new ConfigError([`cannot be read as YAML (${(error as Error).message})`], file);
  }
  const config = (document as { config?: Record<string, unknown> } | null)?.config;
  if (typeof config !== "object" || config === null) {
    throw new ConfigError([`needs a top-level 'config:' map holding the secrets-hub: keys`], file);
  }
  try {
    return environmentFromConfig(config, file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.problems, file, locate(text, error.problems));
  }
}

/**
 * Where the key path each problem starts with is in the YAML text (for a missing key, its
 * nearest present parent), as 1-based line and column.
 */
export function locate(text: string, problems: readonly string[]): (SourcePosition | undefined)[] {
  const lineCounter = new LineCounter();
  const document = YAML.parseDocument(text, { lineCounter });
  return problems.map((problem) => {
    const key = /^([^\s:]+(?::[^\s:]+)*): /.exec(problem)?.[1];
    if (!key) return undefined;
    const path = ["config", ...splitKeyPath(key)];
    for (let n = path.length; n > 1; n--) {
      const node = document.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return { line, column: col };
      }
    }
    return undefined;
  });
}

/** `["secrets-hub:workloads", 1, "vpcCidr"]` from `secrets-hub:workloads[1].vpcCidr`. */
function splitKeyPath(key: string): (string | number)[] {
  const top = /^[^.[]+/.exec(key)?.[0] ?? key;
  const rest = [...key.slice(top.length).matchAll(/\.([^.[]+)|\[(\d+)\]/g)].map((m) =>
    m[2] === undefined ? m[1] : Number(m[2]),
  );
  return [top, ...rest];
}

/**
 * Loads the environment file of `name` (default: `Pulumi.<name>.yaml` beside Pulumi.yaml)
 * and refuses a file that describes another environment.
 */
export function environmentNamed(name: string, file?: string): { env: Environment; file: string } {
  const resolved = path.resolve(file ?? path.join(PROJECT_ROOT, `Pulumi.${name}.yaml`));
  const env = environmentFromFile(resolved);
  if (env.environment !== name) {
    throw new ConfigError(
      [`secrets-hub:environment: is '${clip(env.environment)}', but --env is '${clip(name)}'`],
      resolved,
    );
  }
  return { env, file: resolved };
}

let declared: string[] | undefined;

/** Keys Pulumi.yaml declares without a default value. */
export function requiredProjectKeys(): string[] {
  if (!declared) {
    const project = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as {
      config?: Record<string, { default?: unknown }>;
    };
    declared = Object.entries(project.config ?? {})
      .filter(([, spec]) => spec?.default === undefined)
      .map(([key]) => key);
  }
  return declared;
}

/** A config value as the CLI hands it to the program: JSON text for structured values. */
export function parseConfigText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One line per problem (an unknown-keys issue gives one line per key). */
function describeIssue(issue: z.core.$ZodIssue): string | string[] {
  if (issue.code === "unrecognized_keys") {
    const where = issue.path.length === 0 ? "" : `${keyPath(issue.path)}.`;
    const keys =
      issue.path.length === 0
        ? CONFIG_KEYS.map((k) => PREFIX + k)
        : Object.keys(objectShapeAt(environmentSchema, issue.path) ?? {});
    const allowed = keys.length > 0 ? keys.join(", ") : "see Pulumi.yaml";
    return issue.keys.map((k) => {
      const close = closest(issue.path.length === 0 ? PREFIX + k : k, keys);
      return `${where === "" ? PREFIX : where}${clip(k)}: unknown key; allowed: ${allowed}${close ? `; did you mean ${close}?` : ""}`;
    });
  }
  const input = (issue as { input?: unknown }).input;
  if (issue.code === "invalid_type" && input === undefined) {
    return `${keyPath(issue.path)}: is required (${issue.expected})`;
  }
  const got = input === undefined || typeof input === "object" ? "" : ` (got ${quote(input)})`;
  return `${keyPath(issue.path)}: ${issue.message}${got}`;
}

/** The shape of the object schema at `path` in `schema`, through optional/default/pipe wrappers. */
function objectShapeAt(
  schema: z.core.$ZodType,
  path: readonly PropertyKey[],
): Record<string, z.core.$ZodType> | undefined {
  let node: z.core.$ZodType | undefined = schema;
  for (let i = 0; node !== undefined;) {
    const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
    if ("innerType" in def) node = def.innerType as z.core.$ZodType;
    else if (def.type === "pipe") node = def.in as z.core.$ZodType;
    else if (def.type === "lazy") node = (def.getter as () => z.core.$ZodType)();
    else if (i === path.length)
      return def.type === "object" ? (def.shape as Record<string, z.core.$ZodType>) : undefined;
    else if (def.type === "object")
      node = (def.shape as Record<string, z.core.$ZodType>)[String(path[i++])];
    else if (def.type === "array") {
      node = def.element as z.core.$ZodType;
      i++;
    } else return undefined;
  }
  return undefined;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
