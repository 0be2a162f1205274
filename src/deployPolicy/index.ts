/**
 * The deploy role of each account of an environment: the IAM policies it needs for exactly
 * what that account's stack registers, and for what `npm run verify` reads (read from the offline run of the environment, the
 * same registrations the plan shows), packed into managed-policy-sized documents, and its
 * trust policy.
 */
import type { Environment } from "../config";
import { namePrefix } from "../names";
import type { RecordedResource, StackRun } from "../offline/runStack";
import { centralStack, replicaRegions, resolveStack, stackNames } from "../topology";
import { partitionOf } from "../../kernel/partitions";
import { Condition, PolicyDocument, Statement, packDocuments, policySize } from "./document";
import {
  AccountScope,
  Grant,
  INVOKE_RIGHTS,
  RESOURCE_RIGHTS,
  VERIFY_RIGHTS,
  stateBucketRights,
} from "./rights";
import { TrustOptions, TrustPolicy, trustPolicy } from "./trust";

export { MANAGED_POLICY_MAX, policySize } from "./document";
export type { PolicyDocument, Statement } from "./document";
export type { TrustOptions, TrustPolicy } from "./trust";

/** What one account's deploy role needs. */
export interface AccountDeployPolicy {
  stack: string;
  /** `central` or the workload's name. */
  account: string;
  accountId: string;
  partition: string;
  /** `deployRoleArn` of the account; absent: the stacks use the ambient credentials. */
  roleArn?: string;
  /** The resource types the stack registers, which the policies cover. */
  resourceTypes: string[];
  /** Each within the managed-policy limit; attach them all. */
  policies: PolicyDocument[];
  /** Sizes of {@link policies} as IAM counts them. */
  sizes: number[];
  trustPolicy: TrustPolicy;
}

/** A registered resource type with no deploy rights in src/deployPolicy/rights.ts. */
export class UncoveredTypeError extends Error {
  constructor(public readonly types: string[]) {
    super(`no deploy rights known for ${types.join(", ")}: add them to src/deployPolicy/rights.ts`);
    this.name = "UncoveredTypeError";
  }
}

/** The scope of one stack's account. */
export function accountScope(
  env: Environment,
  stack: string,
  resources: readonly RecordedResource[],
): AccountScope {
  const target = resolveStack(env, stack);
  const account = target.kind === "central" ? env.central : target.workload;
  const regions =
    target.kind === "central" ? [env.central.region, ...replicaRegions(env)] : [account.region];
  return {
    env,
    kind: target.kind,
    partition: partitionOf(account.region),
    accountId: account.accountId,
    regions: [...new Set(regions)],
    prefix: namePrefix(env.environment),
    peers:
      target.kind === "central"
        ? env.workloads.map((w) => ({ accountId: w.accountId, region: w.region }))
        : [{ accountId: env.central.accountId, region: env.central.region }],
    account,
    secretNames: [
      ...new Set(
        resources
          .filter((r) => r.type === "aws:secretsmanager/secret:Secret")
          .map((r) => r.inputs.name)
          .filter((n): n is string => typeof n === "string"),
      ),
    ],
  };
}

/** Types among the runs' registrations that have no deploy rights. */
export function uncoveredTypes(runs: Iterable<StackRun>): string[] {
  const types = new Set<string>();
  for (const run of runs) for (const r of run.resources) if (r.custom) types.add(r.type);
  return [...types].filter((t) => !(t in RESOURCE_RIGHTS)).sort();
}

/** The statements of one stack: every grant of its types and reads, merged by Sid. */
export function accountStatements(
  scope: AccountScope,
  run: StackRun,
  stateBucket?: string,
): Statement[] {
  const byType = new Map<string, RecordedResource[]>();
  for (const r of run.resources.filter((x) => x.custom)) {
    byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  }
  const missing = [...byType.keys()].filter((t) => !(t in RESOURCE_RIGHTS));
  if (missing.length > 0) throw new UncoveredTypeError(missing.sort());
  const grants: Grant[] = [];
  for (const [type, registered] of [...byType].sort(([a], [b]) => a.localeCompare(b))) {
    grants.push(...RESOURCE_RIGHTS[type](scope, registered));
  }
  for (const invoke of Object.values(INVOKE_RIGHTS)) {
    if (invoke.by(scope)) grants.push(...invoke.rights(scope, []));
  }
  grants.push(...VERIFY_RIGHTS(scope, []));
  if (stateBucket) grants.push(...stateBucketRights(scope, stateBucket));
  return mergeGrants(grants);
}

/**
 * One statement per Sid: the union of its grants' actions and resources. Grants of one Sid
 * have the same condition keys; their values are united (every condition here is an
 * any-of match, so the union allows exactly what each grant allows).
 */
export function mergeGrants(grants: readonly Grant[]): Statement[] {
  const merged = new Map<
    string,
    { actions: Set<string>; resources: Set<string>; condition?: Condition }
  >();
  for (const g of grants) {
    if (g.resources.length === 0) continue;
    const into = merged.get(g.sid);
    if (!into) {
      merged.set(g.sid, {
        actions: new Set(g.actions),
        resources: new Set(g.resources),
        condition: g.condition && structuredClone(g.condition),
      });
      continue;
    }
    g.actions.forEach((a) => into.actions.add(a));
    g.resources.forEach((r) => into.resources.add(r));
    into.condition = unionCondition(g.sid, into.condition, g.condition);
  }
  return [...merged].map(([sid, m]) => ({
    Sid: sid,
    Effect: "Allow" as const,
    Action: [...m.actions].sort(),
    Resource: [...m.resources].sort(),
    ...(m.condition ? { Condition: m.condition } : {}),
  }));
}

function unionCondition(sid: string, a?: Condition, b?: Condition): Condition | undefined {
  const keys = (c?: Condition) =>
    Object.entries(c ?? {})
      .flatMap(([op, kv]) => Object.keys(kv).map((k) => `${op}/${k}`))
      .sort()
      .join(",");
  if (keys(a) !== keys(b))
    throw new Error(`grants of ${sid} have different condition keys: ${keys(a)} / ${keys(b)}`);
  if (!a || !b) return a;
  const out: Condition = {};
  for (const [op, kv] of Object.entries(a)) {
    out[op] = {};
    for (const [k, v] of Object.entries(kv)) {
      const values = [...new Set([...[v].flat(), ...[b[op][k]].flat()])].sort();
      out[op][k] = values.length === 1 ? values[0] : values;
    }
  }
  return out;
}

/** The deploy policies of every account, central first, from the environment's runs. */
export function deployPolicies(
  env: Environment,
  runs: ReadonlyMap<string, StackRun>,
  trust: TrustOptions,
  /** The S3 bucket of a self-managed state backend, which every stack job reads and writes. */
  stateBucket?: string,
): AccountDeployPolicy[] {
  const uncovered = uncoveredTypes(runs.values());
  if (uncovered.length > 0) throw new UncoveredTypeError(uncovered);
  return stackNames(env).map((stack) => {
    const run = runs.get(stack);
    if (!run) throw new Error(`no run of ${stack}`);
    const scope = accountScope(env, stack, run.resources);
    const policies = packDocuments(accountStatements(scope, run, stateBucket));
    return {
      stack,
      account: stack === centralStack(env) ? "central" : stack.slice(env.environment.length + 1),
      accountId: scope.accountId,
      partition: scope.partition,
      ...(scope.account.deployRoleArn ? { roleArn: scope.account.deployRoleArn } : {}),
      resourceTypes: [...new Set(run.resources.filter((r) => r.custom).map((r) => r.type))].sort(),
      policies,
      sizes: policies.map(policySize),
      trustPolicy: trustPolicy(scope, trust),
    };
  });
}
