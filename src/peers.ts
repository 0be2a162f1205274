/**
 * The only module that reads other stacks. Each reader fetches the peer's outputs once,
 * checks their shape against the contract, and answers either the typed outputs or the
 * keys still missing, so a program can decide, with plain values, what it may create.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  CentralPlainOutputs,
  CentralView,
  WorkloadPlainOutputs,
  centralOutputsSchema,
  centralViewFor,
  legacyWorkloadOutputsSchema,
  workloadOutputsSchema,
} from "./contract";
import { SHORTHAND_DATABASE, SHORTHAND_READER } from "./config/defaults";

export type PeerReading<T> = { ready: true; value: T } | { ready: false; missing: string[] };

/** A workload's outputs plus its databases' first passwords, which stay secret Outputs. */
export interface WorkloadPeer {
  outputs: WorkloadPlainOutputs;
  /** Each created database's master password by database name (absent for existing ones). */
  databaseInitialPasswords: Record<string, pulumi.Output<string>>;
  /** Each multi-user database's application user password by database name. */
  applicationInitialPasswords: Record<string, pulumi.Output<string>>;
}

/**
 * Passwords a stack exports, which must be secrets: a map by database name (or, from a
 * release before `databases:`, one password, read as the shorthand database's). Only the
 * names are read in the clear; each value stays a secret Output.
 */
async function secretOutputs(
  ref: pulumi.StackReference,
  stackName: string,
  key: string,
  legacyKey: string,
): Promise<Record<string, pulumi.Output<string>>> {
  for (const [name, single] of [
    [key, false],
    [legacyKey, true],
  ] as const) {
    const details = await ref.getOutputDetails(name);
    if (details.secretValue === undefined && details.value === undefined) continue;
    if (details.value !== undefined) {
      throw new pulumi.RunError(
        `${stackName}: ${name} must be a secret output, found it in plain text`,
      );
    }
    const all = pulumi.secret(ref.requireOutput(name));
    if (single) return { [SHORTHAND_DATABASE]: all as pulumi.Output<string> };
    const names = Object.keys(details.secretValue as Record<string, unknown>);
    return Object.fromEntries(
      names.map((db) => [
        db,
        pulumi.secret((all as pulumi.Output<Record<string, string>>).apply((m) => m[db])),
      ]),
    );
  }
  return {};
}

/** References another stack of this project (works on Pulumi Cloud and self-managed backends). */
function reference(stackName: string): pulumi.StackReference {
  return new pulumi.StackReference(`${stackName}-ref`, {
    name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${stackName}`,
  });
}

/**
 * Every output of the referenced stack, as plain values (secrets too: only the contract's
 * plain keys are taken from them), read once. Each `getOutputDetails(key)` walks the
 * whole outputs object again (`output.all` and `containsUnknowns` in `@pulumi/pulumi`
 * 3.248.0): a reader of central's 15 keys walked its per-workload maps 15 times, the
 * plan's largest cost at 1,000 workloads. One `apply` walks them once. A stack
 * reference's outputs are known in a preview as in an update (the engine reads the
 * referenced stack's state for both), so the callback runs.
 */
function readAll(ref: pulumi.StackReference): Promise<Record<string, unknown>> {
  return new Promise((resolve) =>
    ref.outputs.apply((outputs: Record<string, unknown> | undefined) => {
      resolve(outputs ?? {});
      return undefined;
    }),
  );
}

const pick = (all: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(keys.filter((k) => all[k] !== undefined).map((k) => [k, all[k]]));

function check<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[] }[] } };
  },
  values: Record<string, unknown>,
): PeerReading<T> {
  const result = schema.safeParse(values);
  if (result.success) return { ready: true, value: result.data };
  const missing = [...new Set(result.error.issues.map((i) => String(i.path[0] ?? "(root)")))];
  return { ready: false, missing };
}

/**
 * Reads a workload stack; not ready until it exports every plain key of the contract (or,
 * from a release before `databases:`, the keys of that release, read as the new ones).
 */
export async function readWorkloadStack(stackName: string): Promise<PeerReading<WorkloadPeer>> {
  const ref = reference(stackName);
  const all = await readAll(ref);
  let reading = check(workloadOutputsSchema, pick(all, Object.keys(workloadOutputsSchema.shape)));
  if (!reading.ready && reading.missing.includes("databases")) {
    const legacy = check(
      legacyWorkloadOutputsSchema,
      pick(all, Object.keys(legacyWorkloadOutputsSchema.shape)),
    );
    if (legacy.ready) {
      const { database, applicationRoleArn, ...rest } = legacy.value;
      reading = {
        ready: true,
        value: {
          ...rest,
          databases: { [SHORTHAND_DATABASE]: { endpoint: database } },
          readerRoleArns: { [SHORTHAND_READER]: applicationRoleArn },
        },
      };
    }
  }
  if (!reading.ready) return reading;
  return {
    ready: true,
    value: {
      outputs: reading.value,
      databaseInitialPasswords: await secretOutputs(
        ref,
        stackName,
        "databaseInitialPasswords",
        "databaseInitialPassword",
      ),
      applicationInitialPasswords: await secretOutputs(
        ref,
        stackName,
        "applicationInitialPasswords",
        "applicationInitialPassword",
      ),
    },
  };
}

/** Central's outputs `values` (every output, plain), checked: not ready until they hold every key of the contract. */
export function checkedCentral(values: Record<string, unknown>): PeerReading<CentralPlainOutputs> {
  return check(centralOutputsSchema, pick(values, Object.keys(centralOutputsSchema.shape)));
}

/**
 * What `workload`'s program sees of central's checked outputs: the missing keys, or its
 * {@link CentralView}. Pure, so that the offline plan compares readings with it (and checks
 * central's outputs once for all workloads).
 */
export function centralReading(
  central: PeerReading<CentralPlainOutputs>,
  workload: string,
): PeerReading<CentralView> {
  return central.ready ? { ready: true, value: centralViewFor(central.value, workload) } : central;
}

/** Reads the central stack for `workload`; not ready until it exports the contract's keys. */
export async function readCentralStack(
  stackName: string,
  workload: string,
): Promise<PeerReading<CentralView>> {
  return centralReading(checkedCentral(await readAll(reference(stackName))), workload);
}
