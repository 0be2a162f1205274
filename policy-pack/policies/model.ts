/**
 * The plain model the policy functions work on, and the adapters that register them with
 * CrossGuard. Policy logic never touches the SDK's proxies: it gets raw properties in which
 * a value unknown during preview is {@link UNKNOWN}, and says so in its findings; the
 * adapter then lets the SDK downgrade such a finding to advisory, as it does for any read
 * of an unknown value. Mandatory enforcement in a first preview comes from the stack
 * policies, which judge the dependency graph instead of values.
 */
import {
  EnforcementLevel,
  PolicyConfigSchema,
  ResourceValidationPolicy,
  StackValidationPolicy,
  UnknownValueError,
} from "@pulumi/policy";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";

/** The engine's marker for a value not known until the resource exists. */
export const UNKNOWN: string = unknownValue;

export type Props = Record<string, unknown>;

/** A resource as the stack policies see it. */
export interface PlainResource {
  type: string;
  urn: string;
  name: string;
  props: Props;
  /** Input name -> URNs of the resources its value came from. */
  propertyDependencies: Record<string, string[]>;
  /** The resource's `protect` option, where known. */
  protect?: boolean;
}

/** One problem found; `unknown` when it could not be decided because a value is unknown. */
export interface Finding {
  message: string;
  urn?: string;
  unknown?: boolean;
}

export type Config = Record<string, unknown>;

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN || (typeof value === "string" && value.includes(UNKNOWN));
}

export function unknownFinding(what: string, urn?: string): Finding {
  return { message: `${what} is not known yet`, urn, unknown: true };
}

/** Parses a policy document given as JSON text or object; undefined when unknown. */
export function parseDocument(value: unknown): { Statement?: unknown } | undefined | "invalid" {
  if (value === undefined || value === null) return undefined;
  if (isUnknown(value)) return undefined;
  if (typeof value === "object") return value as { Statement?: unknown };
  try {
    return JSON.parse(String(value)) as { Statement?: unknown };
  } catch {
    return "invalid";
  }
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

interface Definition {
  name: string;
  description: string;
  enforcementLevel?: EnforcementLevel;
  configSchema?: PolicyConfigSchema;
}

/** Properties without the SDK's unknown-checking proxy. */
function raw(props: unknown): Props {
  const target = (props as Record<string, unknown>)["__getSpecialProxyTarget"];
  return (target ?? props) as Props;
}

function report(
  findings: Finding[],
  reportViolation: (message: string, urn?: string) => void,
): void {
  const unknown = findings.find((f) => f.unknown);
  for (const f of findings.filter((f) => !f.unknown)) reportViolation(f.message, f.urn);
  // Let the SDK report the undecidable case the way it reports any unknown read: advisory.
  if (unknown && findings.every((f) => f.unknown))
    throw new UnknownValueError(UNKNOWN, [unknown.message]);
}

const checkedTypes = new Map<string, readonly string[]>();

/**
 * The types a resource policy of this pack checks, by its name; undefined for a stack
 * policy or a name not registered here. A resource of another type gets no finding from it
 * (`validateResource` returns at once), which the offline plan relies on to send the pack
 * only the resources some resource policy checks.
 */
export function resourcePolicyTypes(name: string): readonly string[] | undefined {
  return checkedTypes.get(name);
}

/** Registers a check of single resources of the given types. */
export function resourcePolicy(
  def: Definition & {
    types: string[];
    check: (props: Props, config: Config, type: string) => Finding[];
  },
): ResourceValidationPolicy {
  checkedTypes.set(def.name, def.types);
  return {
    name: def.name,
    description: def.description,
    enforcementLevel: def.enforcementLevel ?? "mandatory",
    configSchema: def.configSchema,
    validateResource: (args, reportViolation) => {
      if (!def.types.includes(args.type)) return;
      report(def.check(raw(args.props), args.getConfig<Config>(), args.type), (m) =>
        reportViolation(m),
      );
    },
  };
}

/** Registers a check of the whole stack (the dependency graph is known even in a first preview). */
export function stackPolicy(
  def: Definition & { check: (resources: PlainResource[], config: Config) => Finding[] },
): StackValidationPolicy {
  return {
    name: def.name,
    description: def.description,
    enforcementLevel: def.enforcementLevel ?? "mandatory",
    configSchema: def.configSchema,
    validateStack: (args, reportViolation) => {
      const resources: PlainResource[] = args.resources.map((r) => ({
        type: r.type,
        urn: r.urn,
        name: r.name,
        props: raw(r.props),
        propertyDependencies: Object.fromEntries(
          Object.entries(r.propertyDependencies ?? {}).map(([k, deps]) => [
            k,
            deps.map((d) => d.urn),
          ]),
        ),
        protect: r.opts?.protect,
      }));
      report(def.check(resources, args.getConfig<Config>()), reportViolation);
    },
  };
}

/** Number parameter schema with a default. */
export function numberParam(
  description: string,
  defaultValue: number,
  minimum?: number,
  maximum?: number,
) {
  // The analyzer protocol carries the schema as a protobuf Struct, which has no undefined.
  return {
    type: "number" as const,
    description,
    default: defaultValue,
    ...(minimum === undefined ? {} : { minimum }),
    ...(maximum === undefined ? {} : { maximum }),
  };
}
