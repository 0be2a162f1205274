/**
 * Names and identifiers: ids and names that must be unique, the names the program derives
 * from them (roles, RDS identifiers, central names) within AWS's limits, deploy roles of the
 * right account and partition, and the key policy that names every application role.
 */
import { ENGINE_SPECS, RDS_INSTANCE_IDENTIFIER } from "../../../kernel/engines";
import type { Engine, RotationStrategy } from "../../../kernel/engines";
import { partitionOf } from "../../../kernel/partitions";
import { organizationIdOf, secretsKeyPolicy } from "../../../components/iamDocuments";
import {
  ROLE_NAME_MAX,
  applicationRoleName,
  databaseIdentifier,
  environmentNames,
} from "../../names";
import { Path, keyPath } from "../keyPath";
import { type EnvironmentView, accountsOf } from "../view";
import { SHORTHAND_DATABASE } from "../defaults";
import type { Report, Rule } from "./rule";

export const accountIdsUnique: Rule = {
  name: "account-ids-unique",
  check(env, report) {
    reportRepeats(
      accountsOf(env).map((a) => ({ path: [...a.path, "accountId"], value: a.accountId })),
      report,
    );
  },
};

export const workloadNamesUnique: Rule = {
  name: "workload-names-unique",
  check(env, report) {
    reportRepeats(
      env.workloads.map((w) => ({ path: [...w.path, "name"], value: w.name })),
      report,
    );
  },
};

/** Every secret name the file gives (databases' and other secrets'), with its key. */
export function secretNamesOf(env: EnvironmentView): { path: Path; value: string | undefined }[] {
  return env.workloads.flatMap((w) => [
    ...w.databases.map((d) => ({ path: [...d.path, "secretName"], value: d.secretName })),
    ...w.secrets.map((s) => ({ path: [...s.path, "secretName"], value: s.secretName })),
  ]);
}

export const secretNamesUnique: Rule = {
  name: "secret-names-unique",
  check(env, report) {
    reportRepeats(secretNamesOf(env), report);
  },
};

/** The application role's name, derived from the environment and workload names, fits IAM. */
export const roleNameFits: Rule = {
  name: "role-name-fits",
  check(env, report) {
    const environment = env.environment;
    if (environment === undefined) return;
    for (const workload of env.workloads) {
      if (workload.name === undefined) continue;
      const role = applicationRoleName(environment, workload.name);
      if (role.length > ROLE_NAME_MAX) {
        report({
          path: [...workload.path, "name"],
          input: workload.name,
          message: `makes the role name ${role} longer than ${ROLE_NAME_MAX} characters; shorten the workload or environment name`,
        });
      }
    }
  },
};

/** The RDS identifier of a database the program creates, derived from three names, is valid. */
export const rdsIdentifierValid: Rule = {
  name: "rds-identifier-valid",
  check(env, report) {
    const environment = env.environment;
    if (environment === undefined) return;
    for (const workload of env.workloads) {
      for (const { dbName, name, engine, existing, path } of workload.databases) {
        const shorthand = name === SHORTHAND_DATABASE;
        // The shorthand's identifier comes from its dbName, a listed database's from its name.
        const from = shorthand ? dbName : name;
        if (workload.name === undefined || from === undefined || existing) continue;
        const id = databaseIdentifier(environment, workload.name, from);
        // A cluster's instances are `<cluster>-<n>` (components/auroraCluster.ts), n up to 16:
        // the cluster identifier keeps room for `-16` within RDS's 63.
        const cluster = engine !== undefined && ENGINE_SPECS[engine].deployment === "cluster";
        const max = cluster ? 63 - "-16".length : 63;
        if (RDS_INSTANCE_IDENTIFIER.test(id) && id.length <= max) continue;
        report({
          path: [...path, shorthand ? "dbName" : "name"],
          input: from,
          message: `makes the RDS identifier ${id} invalid (at most ${max} letters, digits and single hyphens${cluster ? ", leaving room for the instances' -<n>" : ""}, ending in a letter or digit); shorten it or the workload name`,
        });
      }
    }
  },
};

/**
 * The central names built from the environment name fit AWS's limits (see
 * `environmentNames`): the rotation function name `secrets-hub-<env>-rotation-<engine>-
 * <single|multi>` (Lambda: at most 64) is the tightest. Reports the name that overflows most,
 * with the longest environment name that fits.
 */
export const environmentNamesFit: Rule = {
  name: "environment-names-fit",
  check(env, report) {
    const environment = env.environment;
    if (environment === undefined) return;
    const applications = new Map<string, { engine: Engine; strategy: RotationStrategy }>();
    for (const database of env.workloads.flatMap((w) => w.databases)) {
      if (database.engine === undefined) continue;
      const strategy = database.rotationStrategy;
      applications.set(`${database.engine}/${strategy}`, { engine: database.engine, strategy });
    }
    let worst: { what: string; name: string; max: number; over: number } | undefined;
    for (const limited of environmentNames(environment, [...applications.values()])) {
      const over = limited.name.length - limited.max;
      if (over > 0 && (worst === undefined || over > worst.over)) worst = { ...limited, over };
    }
    if (worst === undefined) return;
    report({
      path: ["environment"],
      input: environment,
      message: `makes the ${worst.what} ${worst.name} ${worst.name.length} characters, over AWS's limit of ${worst.max}; use an environment name of at most ${environment.length - worst.over} characters`,
    });
  },
};

/** An IAM role ARN's partition and account (also read by the estate rules' reader roles). */
export const ROLE_ARN_PARTS = /^arn:([a-z-]+):iam::(\d{12}):role\//;

/**
 * A deploy role is in its account and in the partition of the account's Region. The
 * provider would refuse another account only at run time (allowedAccountIds), and STS of
 * one partition cannot assume a role of another.
 */
export const deployRoleInAccount: Rule = {
  name: "deploy-role-in-account",
  check(env, report) {
    for (const account of accountsOf(env)) {
      const parts = ROLE_ARN_PARTS.exec(account.deployRoleArn ?? "");
      if (parts === null) continue;
      const [, partition, accountId] = parts;
      const path = [...account.path, "deployRoleArn"];
      if (account.region !== undefined && partition !== partitionOf(account.region)) {
        report({
          path,
          input: account.deployRoleArn,
          message: `is an ARN of partition ${partition}, but ${keyPath([...account.path, "region"])} (${account.region}) is in ${partitionOf(account.region)}; write arn:${partitionOf(account.region)}:iam::<account>:role/<name>`,
        });
      } else if (/^\d{12}$/.test(account.accountId ?? "") && accountId !== account.accountId) {
        report({
          path,
          input: account.deployRoleArn,
          message: `is a role of account ${accountId}, not of ${keyPath([...account.path, "accountId"])} (${account.accountId}); the provider accepts only that account`,
        });
      }
    }
  },
};

/** KMS refuses a key policy over 32,768 bytes (KMS quotas, "Key policy document size"). */
export const KEY_POLICY_MAX_BYTES = 32_768;

/**
 * The secrets key policy (and each replica's) grants the workload accounts: built with the
 * real builder (`secretsKeyPolicy`), in the Region of the longest name (the `kms:ViaService`
 * condition names it), it must fit KMS's limit. Naming the organization it has a constant
 * size; listing the accounts it grows by 15 bytes per workload account (about 2,150 fit).
 */
export const keyPolicyFits: Rule = {
  name: "key-policy-fits",
  check(env, report) {
    const central = env.central;
    if (central.region === undefined) return;
    const accounts = env.workloads.flatMap((w) => (w.accountId === undefined ? [] : [w.accountId]));
    const regions = [central.region, env.replicaRegion, ...env.workloads.map((w) => w.region)];
    const region = regions.reduce<string>(
      (longest, r) => (r !== undefined && r.length > longest.length ? r : longest),
      central.region,
    );
    const organizationArn = env.transitGateway.organizationArn;
    const organizationId =
      organizationArn === undefined ? undefined : organizationIdOf(organizationArn);
    const policy = secretsKeyPolicy({
      accountId: central.accountId ?? "000000000000",
      region,
      readerAccountIds: accounts,
      organizationId,
    });
    const bytes = Buffer.byteLength(JSON.stringify(policy), "utf8");
    if (bytes <= KEY_POLICY_MAX_BYTES) return;
    report({
      path: ["workloads"],
      input: new Set(accounts).size,
      message: `make the secrets key policy ${bytes} bytes (one account id per workload account); KMS allows at most ${KEY_POLICY_MAX_BYTES}: name the organization (${keyPath(["transitGateway", "organizationArn"])}, transit gateway mode) or split the environment`,
    });
  },
};

/** Reports each value that an earlier item already has, naming that item's key path. */
export function reportRepeats(
  items: readonly { path: Path; value: string | undefined }[],
  report: Report,
): void {
  const seen = new Map<string, Path>();
  for (const { path, value } of items) {
    if (value === undefined) continue;
    const first = seen.get(value);
    if (first === undefined) seen.set(value, path);
    else report({ path, input: value, message: `repeats ${keyPath(first)}; each must be unique` });
  }
}
