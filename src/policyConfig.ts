/**
 * Policy-pack configuration (`--policy-config FILE`, `pulumi up --policy-pack-config FILE`),
 * read and reconciled as the Pulumi CLI does (pkg/resource/plugin/policy.go:
 * parsePolicyPackConfig, ReconcilePolicyPackConfig): an empty file is no config; each key is
 * a policy name or `all`; its value is an enforcement level (`"advisory"`) or an object of
 * parameters with an optional `enforcementLevel`; `all` sets the level of every policy; the
 * schema defaults are applied, then the given values, then each policy's configSchema is
 * checked. Unlike the CLI, a policy name the pack does not have, and a parameter its policy
 * does not declare, are refused (a typo would otherwise silently configure nothing). Every
 * problem is reported at once. SDK-free.
 */
import Ajv, { type ValidateFunction } from "ajv";
import { closest as closestOf, distance } from "fastest-levenshtein";
import { clip, quote } from "./config/quote";

export type Level = "advisory" | "mandatory" | "disabled" | "remediate";
export const LEVELS: readonly Level[] = ["advisory", "mandatory", "disabled", "remediate"];

/** What the config is checked against: a policy as the pack describes it. */
export interface PolicyInfo {
  name: string;
  enforcementLevel: Level;
  configSchema?: { properties?: Record<string, Record<string, unknown>>; required?: string[] };
}

/** Config as users write it: `{ "<policy>" | "all": "<level>" | { enforcementLevel?, ...params } }`. */
export type PackConfig = Record<string, string | Record<string, unknown>>;

/** The config each policy runs with. */
export interface PolicyConfig {
  enforcementLevel: Level;
  properties: Record<string, unknown>;
}

export interface Problem {
  /** `<policy>`, `<policy>.<parameter>` or `(file)`. */
  key: string;
  message: string;
}

/** A policy config that the CLI would refuse; `problems` lists every reason. */
export class PolicyConfigError extends Error {
  constructor(
    public readonly problems: Problem[],
    public readonly source?: string,
  ) {
    super(
      `${source ? `${source}: ` : ""}invalid policy configuration:\n  - ${problems
        .map((p) => `${p.key}: ${p.message}`)
        .join("\n  - ")}`,
    );
    this.name = "PolicyConfigError";
  }
}

/** Parses the text of a policy config file: empty (or blank) is `{}`; JSON object otherwise. */
export function parsePolicyConfigText(text: string, source?: string): PackConfig {
  if (text.trim() === "") return {};
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new PolicyConfigError(
      [{ key: "(file)", message: `is not JSON (${(error as Error).message})` }],
      source,
    );
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new PolicyConfigError(
      [
        {
          key: "(file)",
          message: `must be a JSON object of policy names (got ${quote(document)})`,
        },
      ],
      source,
    );
  }
  return document as PackConfig;
}

const isLevel = (value: unknown): value is Level => LEVELS.includes(value as Level);

/**
 * Reconciles `config` with the policies' defaults and validates the result. Throws one
 * PolicyConfigError listing every problem; returns the effective config of every policy.
 */
export function reconcilePolicyConfig(
  policies: readonly PolicyInfo[],
  config: PackConfig,
  source?: string,
): Record<string, PolicyConfig> {
  const problems: Problem[] = [];
  const given = new Map<string, { level?: Level; properties: Record<string, unknown> }>();
  const names = policies.map((p) => p.name);
  for (const [key, value] of Object.entries(config)) {
    if (key !== "all" && !names.includes(key)) {
      const close = closest(key, names);
      problems.push({
        key: clip(key),
        message: `no such policy in the pack${close ? ` (did you mean ${close}?)` : ""}; policies: all, ${names.join(", ")}`,
      });
      continue;
    }
    if (typeof value === "string") {
      if (isLevel(value)) given.set(key, { level: value, properties: {} });
      else problems.push({ key, message: levelMessage(value) });
      continue;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      problems.push({
        key,
        message: `must be an enforcement level (${LEVELS.join(", ")}) or an object of parameters (got ${quote(value)})`,
      });
      continue;
    }
    const { enforcementLevel, ...properties } = value;
    if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
      problems.push({ key: `${key}.enforcementLevel`, message: levelMessage(enforcementLevel) });
      continue;
    }
    if (key === "all" && Object.keys(properties).length > 0) {
      problems.push({
        key: "all",
        message: `sets only the enforcementLevel of every policy (got ${clip(Object.keys(properties).join(", "))})`,
      });
      continue;
    }
    const policy = policies.find((p) => p.name === key);
    const unknown = policy ? unknownParameters(policy, properties) : [];
    if (unknown.length > 0) {
      problems.push(...unknown);
      continue;
    }
    given.set(key, { level: enforcementLevel, properties });
  }

  const all = given.get("all")?.level;
  const effective: Record<string, PolicyConfig> = {};
  for (const policy of policies) {
    const properties: Record<string, unknown> = {};
    for (const [k, spec] of Object.entries(policy.configSchema?.properties ?? {}))
      if ("default" in spec) properties[k] = spec.default;
    const mine = given.get(policy.name);
    Object.assign(properties, mine?.properties ?? {});
    const enforcementLevel = mine?.level ?? all ?? policy.enforcementLevel;
    const validate = validatorOf(policy);
    if (!validate(properties)) {
      for (const e of validate.errors ?? []) {
        const parameter = e.instancePath.replace(/^\//, "").replace(/\//g, ".");
        problems.push({
          key: parameter ? `${policy.name}.${parameter}` : policy.name,
          message: `${e.message ?? "is invalid"}${parameter && parameter in properties ? ` (got ${quote(properties[parameter])})` : ""}`,
        });
      }
    }
    effective[policy.name] = { enforcementLevel, properties };
  }
  if (problems.length > 0) throw new PolicyConfigError(problems, source);
  return effective;
}

/**
 * One Ajv for the process and one compiled validator per policy schema: compiling is most
 * of the cost (Ajv generates and evaluates code per schema), and the pack's schemas are the
 * same objects on every call.
 */
let ajv: Ajv | undefined;
const validators = new WeakMap<object, ValidateFunction>();
const NO_SCHEMA = {};

function validatorOf(policy: PolicyInfo): ValidateFunction {
  const schema = policy.configSchema ?? NO_SCHEMA;
  let validate = validators.get(schema);
  if (validate === undefined) {
    ajv ??= new Ajv({ allErrors: true, strict: false });
    // As the CLI builds it (convertSchema): no additionalProperties constraint of its own.
    validate = ajv.compile({
      type: "object",
      properties: policy.configSchema?.properties ?? {},
      required: policy.configSchema?.required ?? [],
    });
    validators.set(schema, validate);
  }
  return validate;
}

/**
 * The parameters `policy` does not declare. The CLI passes them on and the policy never reads
 * them (convertSchema adds no additionalProperties constraint), so a misspelt parameter would
 * silently leave the policy at its default: refused here, as an unknown policy name is.
 */
function unknownParameters(policy: PolicyInfo, properties: Record<string, unknown>): Problem[] {
  const declared = Object.keys(policy.configSchema?.properties ?? {});
  const allowed =
    declared.length > 0
      ? `parameters of ${policy.name}: enforcementLevel, ${declared.join(", ")}`
      : `${policy.name} takes no parameters, only enforcementLevel`;
  return Object.keys(properties)
    .filter((name) => !declared.includes(name))
    .map((name) => {
      const close = closest(name, [...declared, "enforcementLevel"]);
      return {
        key: `${policy.name}.${clip(name)}`,
        message: `no such parameter${close ? ` (did you mean ${close}?)` : ""}; ${allowed}`,
      };
    });
}

function levelMessage(value: unknown): string {
  return `is not an enforcement level: must be one of ${LEVELS.join(", ")} (got ${quote(value)})`;
}

/** The candidate nearest to `word` by edit distance, when it is plausibly a typo of it. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closestOf(word, [...candidates]);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
