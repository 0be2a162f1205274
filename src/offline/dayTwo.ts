/**
 * What a change to the environment file does to what is deployed, read from two plans: the
 * plan of the file as it was deployed (`npm run plan -- --json --output`, kept beside the
 * deploy) and the plan of the file now (`npm run plan -- --against <that file>`). The offline
 * plan has no state of its own, so the plan JSON of the last deploy stands in for it; every
 * finding names the procedure in docs/day-two.md that applies.
 *
 * SDK-free: it compares recorded URNs and inputs, nothing else.
 */
import { isDeepStrictEqual } from "node:util";

/** The part of a plan's JSON this reads (both plans are `Plan` documents). */
export interface ComparedPlan {
  stacks: {
    name: string;
    region?: string;
    resources: { urn: string; type: string; name: string; inputs: unknown; protect: boolean }[];
  }[];
}

export type DayTwoKind = "stack-removed" | "protected-removal" | "region-move" | "rotates-now";

export interface DayTwoFinding {
  kind: DayTwoKind;
  stack: string;
  message: string;
  /** The resources the finding is about. */
  urns: string[];
}

const DOC = "docs/day-two.md";
const STACK_TYPE = "pulumi:pulumi:Stack";
const ROTATION_TYPE = "aws:secretsmanager/secretRotation:SecretRotation";

type Resource = ComparedPlan["stacks"][number]["resources"][number];

/** The findings of going from `deployed` to `next`, stack by stack in `deployed`'s order. */
export function compareWithDeployed(deployed: ComparedPlan, next: ComparedPlan): DayTwoFinding[] {
  const nextStacks = new Map(next.stacks.map((s) => [s.name, s]));
  const removedStacks = deployed.stacks.filter((s) => !nextStacks.has(s.name));
  const findings: DayTwoFinding[] = [];
  for (const before of deployed.stacks) {
    const after = nextStacks.get(before.name);
    if (!after) {
      const resources = before.resources.filter((r) => r.type !== STACK_TYPE);
      const guarded = resources.filter((r) => r.protect);
      findings.push({
        kind: "stack-removed",
        stack: before.name,
        message: `${before.name}: no longer in the environment file: its ${resources.length} resources (${guarded.length} protected) stay deployed until the stack is destroyed; see ${DOC}#removing-a-workload`,
        urns: resources.map((r) => r.urn),
      });
      continue;
    }
    const fromRegion = before.region;
    if (fromRegion && after.region && fromRegion !== after.region) {
      const guarded = before.resources.filter((r) => r.protect);
      findings.push({
        kind: "region-move",
        stack: before.name,
        message: `${before.name}: moves from ${fromRegion} to ${after.region}: every resource of the stack is replaced (its providers' region changes)${guarded.length > 0 ? `; ${guarded.length} protected resources block this update` : ""}; see ${DOC}#moving-a-workload-to-another-region`,
        urns: guarded.map((r) => r.urn),
      });
    }
    const kept = new Map(after.resources.map((r) => [r.urn, r]));
    const removedGuarded = before.resources.filter((r) => r.protect && !kept.has(r.urn));
    if (removedGuarded.length > 0) {
      const why = removedStacks.length > 0 ? "removing-a-workload" : "protected-resources";
      findings.push({
        kind: "protected-removal",
        stack: before.name,
        message: `${before.name}: would delete ${removedGuarded.length} protected resources, which block this update (${removedGuarded.map(label).join(", ")}); see ${DOC}#${why}`,
        urns: removedGuarded.map((r) => r.urn),
      });
    }
    const rescheduled = before.resources.filter((r) => {
      const now = kept.get(r.urn);
      return (
        r.type === ROTATION_TYPE &&
        now !== undefined &&
        // Key order is no change: isDeepStrictEqual compares objects by their keys' values.
        !isDeepStrictEqual(rules(r), rules(now)) &&
        // The provider's default, and the program's choice (components/databaseSecret.ts).
        (now.inputs as { rotateImmediately?: boolean }).rotateImmediately !== false
      );
    });
    if (rescheduled.length > 0) {
      findings.push({
        kind: "rotates-now",
        stack: before.name,
        message: `${before.name}: rotates ${rescheduled.length} secrets now: their rotation schedule changes, and the provider applies a new schedule with RotateSecret, which rotates at once (${rescheduled.map(label).join(", ")}); see ${DOC}#changing-the-rotation-schedule`,
        urns: rescheduled.map((r) => r.urn),
      });
    }
  }
  return findings;
}

/**
 * Refuses a file that is not a plan's JSON, naming the flag: a plan of another environment
 * or a truncated file must not pass for "nothing changes".
 */
export function asComparedPlan(document: unknown, source: string): ComparedPlan {
  const stacks = (document as { stacks?: unknown })?.stacks;
  const ok =
    Array.isArray(stacks) &&
    stacks.every(
      (s: { name?: unknown; resources?: unknown }) =>
        typeof s?.name === "string" &&
        Array.isArray(s.resources) &&
        s.resources.every((r: { urn?: unknown }) => typeof r?.urn === "string"),
    );
  if (!ok)
    throw new Error(
      `${source}: not the JSON of a plan (npm run -s plan -- --env <name> --json --output <file> writes one)`,
    );
  return document as ComparedPlan;
}

function rules(resource: Resource): unknown {
  return (resource.inputs as { rotationRules?: unknown } | undefined)?.rotationRules;
}

/** `aws:secretsmanager/secret:Secret workload-c-db-secret`: a URN's type and name. */
function label(resource: Resource): string {
  return `${resource.type} ${resource.name}`;
}
