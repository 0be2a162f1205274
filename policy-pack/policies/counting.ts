/**
 * Counting resources against a quota, shared by the environment policies of both
 * connectivity modes: per key (a VPC, a route table, a security group, a transit gateway),
 * the first resource seen and how many, and the findings over the limit.
 */
import { Config, Finding, PlainResource, isUnknown, unknownFinding } from "./model";
import type { Quota } from "../lib/quotas";

/** The user's value of a quota (AWS's default until raised), from the policy config. */
export function limitOf(config: Config, param: string, quota: Quota): number {
  const value = config[param];
  return typeof value === "number" ? value : quota.defaultValue;
}

/** The resource an input came from, else its known literal value; undefined when unknown. */
export function referenceOf(r: PlainResource, input: string): string | undefined {
  const dep = (r.propertyDependencies[input] ?? [])[0];
  if (dep) return dep;
  const value = r.props[input];
  return typeof value === "string" && !isUnknown(value) ? value : undefined;
}

/** A short readable name for a URN or an id. */
export const shortName = (ref: string) => ref.split("::").pop() ?? ref;

/**
 * Counts per key against a limit: a finding per key over it, and an unknown finding when
 * the items that could not be attributed might tip a key over.
 */
export function countAgainst(
  counts: Map<string, { n: number; urn: string }>,
  unattributed: { n: number; urn?: string; what: string },
  limit: number,
  message: (key: string, n: number) => string,
): Finding[] {
  const findings: Finding[] = [...counts.entries()]
    .filter(([, c]) => c.n > limit)
    .map(([key, c]) => ({ urn: c.urn, message: message(key, c.n) }));
  const most = Math.max(0, ...[...counts.values()].map((c) => c.n));
  if (unattributed.n > 0 && findings.length === 0 && most + unattributed.n > limit)
    findings.push(unknownFinding(unattributed.what, unattributed.urn));
  return findings;
}

/** Adds `n` to a key's count, keeping the first resource seen for it. */
export function add(
  counts: Map<string, { n: number; urn: string }>,
  key: string,
  n: number,
  urn: string,
): void {
  const c = counts.get(key);
  counts.set(key, { n: (c?.n ?? 0) + n, urn: c?.urn ?? urn });
}
