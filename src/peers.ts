/**
 * The only module that reads other stacks. Each reader fetches the peer's outputs once,
 * checks their shape against the contract, and answers either the typed outputs or the
 * keys still missing, so a program can decide, with plain values, what it may create.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  CentralPlainOutputs,
  WorkloadPlainOutputs,
  centralOutputsSchema,
  workloadOutputsSchema,
} from "./contract";

export type PeerReading<T> = { ready: true; value: T } | { ready: false; missing: string[] };

/** A workload's outputs plus its initial password, which stays a secret Output. */
export interface WorkloadPeer {
  outputs: WorkloadPlainOutputs;
  /** Absent when the workload uses an existing database (its value is put by hand). */
  databaseInitialPassword?: pulumi.Output<string>;
  /** The application user's first password (multi-user rotation only). */
  applicationInitialPassword?: pulumi.Output<string>;
}

/** A password output, which must be a secret; undefined when the stack does not export it. */
async function secretOutput(
  ref: pulumi.StackReference,
  stackName: string,
  key: string,
): Promise<pulumi.Output<string> | undefined> {
  const details = await ref.getOutputDetails(key);
  if (details.secretValue === undefined && details.value === undefined) return undefined;
  if (details.value !== undefined) {
    throw new pulumi.RunError(
      `${stackName}: ${key} must be a secret output, found it in plain text`,
    );
  }
  return pulumi.secret(ref.requireOutput(key) as pulumi.Output<string>);
}

/** References another stack of this project (works on Pulumi Cloud and self-managed backends). */
function reference(stackName: string): pulumi.StackReference {
  return new pulumi.StackReference(`${stackName}-ref`, {
    name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${stackName}`,
  });
}

async function readPlain(
  ref: pulumi.StackReference,
  keys: readonly string[],
): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const key of keys) {
    const details = await ref.getOutputDetails(key);
    const value = details.value ?? details.secretValue;
    if (value !== undefined) values[key] = value;
  }
  return values;
}

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

/** Reads a workload stack; not ready until it exports every plain key of the contract. */
export async function readWorkloadStack(stackName: string): Promise<PeerReading<WorkloadPeer>> {
  const ref = reference(stackName);
  const reading = check(
    workloadOutputsSchema,
    await readPlain(ref, Object.keys(workloadOutputsSchema.shape)),
  );
  if (!reading.ready) return reading;
  const databaseInitialPassword = await secretOutput(ref, stackName, "databaseInitialPassword");
  const applicationInitialPassword = await secretOutput(
    ref,
    stackName,
    "applicationInitialPassword",
  );
  return {
    ready: true,
    value: {
      outputs: reading.value,
      ...(databaseInitialPassword ? { databaseInitialPassword } : {}),
      ...(applicationInitialPassword ? { applicationInitialPassword } : {}),
    },
  };
}

/** Reads the central stack; not ready until it exports the key and network outputs. */
export async function readCentralStack(
  stackName: string,
): Promise<PeerReading<CentralPlainOutputs>> {
  const ref = reference(stackName);
  return check(centralOutputsSchema, await readPlain(ref, Object.keys(centralOutputsSchema.shape)));
}
