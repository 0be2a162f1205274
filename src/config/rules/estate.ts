/**
 * A workload's estate: its databases (`database:` or `databases:`), its other secrets
 * (`secrets:`) and who reads them (`applicationRole:` or `readers:`). The names the readers'
 * `reads` refer to, the roles, the `allowFrom` sources and what AWS allows of each.
 */
import {
  ENGINES,
  ENGINE_SPECS,
  engineVersionProblem,
  instanceClassProblem,
} from "../../../kernel/engines";
import { cidrRange } from "../../../policy-pack/lib/cidr";
import { partitionOf } from "../../../kernel/partitions";
import {
  ROLE_INLINE_POLICY_MAX,
  secretReaderIdentityPolicy,
} from "../../../components/iamDocuments";
import {
  ROLE_NAME_MAX,
  databaseResourceName,
  readerRoleName,
  secretArnPatternIn,
} from "../../names";
import { type Path, keyPath } from "../keyPath";
import type { DatabaseView, WorkloadView } from "../view";
import { ROLE_ARN_PARTS, reportRepeats } from "./names";
import { SHORTHAND_DATABASE } from "../defaults";
import type { Rule } from "./rule";

/** `database:` or `databases:`, and `applicationRole:` or `readers:`: one of each pair. */
export const workloadEstateForm: Rule = {
  name: "workload-estate-form",
  check(env, report) {
    for (const workload of env.workloads) {
      const given = workload.given;
      // A workload that is not an object (or empty) is the schema's to report.
      if (Object.keys(given).length === 0) continue;
      if (given.database === undefined && given.databases === undefined) {
        report({
          path: [...workload.path, "databases"],
          input: undefined,
          message: `is required: list the workload's databases (databases: [{ name, engine, ... }]), or write one as database: { engine, ... }`,
        });
      } else if (given.database !== undefined && given.databases !== undefined) {
        report({
          path: [...workload.path, "database"],
          input: undefined,
          message: `and ${keyPath([...workload.path, "databases"])} are both set; write one database as database:, or every database under databases:, not both`,
        });
      }
      if (given.applicationRole !== undefined && given.readers !== undefined) {
        report({
          path: [...workload.path, "applicationRole"],
          input: undefined,
          message: `and ${keyPath([...workload.path, "readers"])} are both set; applicationRole is the one-role shorthand: list it among readers instead`,
        });
      }
    }
  },
};

/** Database and secret names are unique in their workload (reads name them); so are readers'. */
export const estateNamesUnique: Rule = {
  name: "estate-names-unique",
  check(env, report) {
    for (const workload of env.workloads) {
      reportRepeats(
        [
          ...workload.databases
            .filter((d) => !isShorthand(d))
            .map((d) => ({ path: [...d.path, "name"], value: d.name })),
          ...workload.secrets.map((s) => ({ path: [...s.path, "name"], value: s.name })),
        ],
        report,
      );
      reportRepeats(
        (workload.readers ?? []).map((r) => ({ path: [...r.path, "name"], value: r.name })),
        report,
      );
      reportRepeats(
        (workload.readers ?? []).map((r) => ({ path: [...r.path, "roleArn"], value: r.roleArn })),
        report,
      );
    }
  },
};

/**
 * The names of the resources central creates for each database (`<workload>-<database>-db`,
 * the shorthand's `<workload>-db`) are unique in the central stack: workload `a-orders` with
 * `database:` and workload `a` with a database `orders` would both make `a-orders-db`.
 */
export const estateResourceNamesUnique: Rule = {
  name: "estate-resource-names-unique",
  check(env, report) {
    // Within one workload, a repeated name is estate-names-unique's to report; a repeated
    // workload name, workload-names-unique's.
    const seen = new Map<string, { workload: string; path: Path }>();
    for (const w of env.workloads) {
      if (w.name === undefined || env.workloads.find((x) => x.name === w.name) !== w) continue;
      for (const d of w.databases) {
        if (d.name === undefined) continue;
        const name = databaseResourceName(w.name, d.name, d.name === SHORTHAND_DATABASE);
        const path = [...d.path, isShorthand(d) ? "engine" : "name"];
        const first = seen.get(name);
        if (first === undefined) seen.set(name, { workload: w.name, path });
        else if (first.workload !== w.name)
          report({
            path,
            input: name,
            message: `gives the central resources the name ${name}, which another workload's database already has (${keyPath(first.path)}); rename the database or the workload`,
          });
      }
    }
  },
};

/** Each reader reads names of its workload's databases and secrets, and is one kind of role. */
export const readersValid: Rule = {
  name: "readers-valid",
  check(env, report) {
    for (const workload of env.workloads) {
      const known = [...new Set(itemNames(workload))];
      // Without databases the workload is workload-estate-form's to report.
      const listed =
        workload.given.database !== undefined || workload.given.databases !== undefined;
      for (const reader of workload.readers ?? []) {
        for (const { name, index } of reader.reads) {
          if (known.includes(name) || !listed) continue;
          report({
            path: [...reader.path, "reads", index],
            input: name,
            message: `is not a database or secret of this workload; allowed: ${known.join(", ") || "(none)"}`,
          });
        }
        const created = reader.given.trustedServices !== undefined;
        if (created === (reader.given.roleArn !== undefined)) {
          report({
            path: reader.path,
            input: undefined,
            message: `needs trustedServices (a role created for those services) or roleArn (an existing role of the workload's account), exactly one`,
          });
        }
        reportForeignRole(workload, reader.path, reader.roleArn, report);
      }
    }
  },
};

function reportForeignRole(
  workload: WorkloadView,
  path: readonly (string | number)[],
  roleArn: string | undefined,
  report: Parameters<Rule["check"]>[1],
): void {
  const parts = ROLE_ARN_PARTS.exec(roleArn ?? "");
  if (parts === null) return;
  const [, partition, accountId] = parts;
  if (/^\d{12}$/.test(workload.accountId ?? "") && accountId !== workload.accountId) {
    report({
      path: [...path, "roleArn"],
      input: roleArn,
      message: `is a role of account ${accountId}, not of the workload's account ${workload.accountId}: a reader is a role of its own workload's account (the secret policies grant per workload)`,
    });
  } else if (workload.region !== undefined && partition !== partitionOf(workload.region)) {
    report({
      path: [...path, "roleArn"],
      input: roleArn,
      message: `is an ARN of partition ${partition}, but the workload's Region ${workload.region} is in ${partitionOf(workload.region)}`,
    });
  }
}

/**
 * Each reader's identity policy (the real builder, `secretReaderIdentityPolicy`, in the
 * Regions it reads) fits IAM's 10,240 characters of inline policies per role.
 */
export const readerPolicyFits: Rule = {
  name: "reader-policy-fits",
  check(env, report) {
    const central = env.central;
    if (central.accountId === undefined || central.region === undefined) return;
    for (const workload of env.workloads) {
      if (workload.region === undefined) continue;
      const regions = [...new Set([workload.region, env.replicaRegion ?? workload.region])];
      const names = new Map<string, string | undefined>([
        ...workload.databases.map((d) => [d.name ?? "", d.secretName] as const),
        ...workload.secrets.map((s) => [s.name ?? "", s.secretName] as const),
      ]);
      const readers = workload.readers ?? [
        { path: workload.path, reads: [...names.keys()].map((name, index) => ({ name, index })) },
      ];
      for (const reader of readers) {
        const secretNames = reader.reads.flatMap(({ name }) => names.get(name) ?? []);
        // Each secret needs its master's too, for nothing: readers never read a master secret.
        const policy = secretReaderIdentityPolicy({
          secretArns: regions.flatMap((r) =>
            secretNames.map((n) => secretArnPatternIn(central.accountId!, n, r)),
          ),
          keyArns: regions.map(
            (r) =>
              `arn:${partitionOf(r)}:kms:${r}:${central.accountId}:key/mrk-00000000000000000000000000000000`,
          ),
          regions,
        });
        const size = JSON.stringify(policy).length;
        if (size <= ROLE_INLINE_POLICY_MAX) continue;
        report({
          path: [...reader.path, "reads"],
          input: secretNames.length,
          message: `make the reader's identity policy ${size} characters; IAM allows ${ROLE_INLINE_POLICY_MAX} of inline policies per role: split the reads among more readers`,
        });
      }
    }
  },
};

/** A created reader role's name (`secrets-hub-<env>-<workload>-<reader>`) fits IAM's 64. */
export const readerRoleNameFits: Rule = {
  name: "reader-role-name-fits",
  check(env, report) {
    if (env.environment === undefined) return;
    for (const workload of env.workloads) {
      if (workload.name === undefined) continue;
      for (const reader of workload.readers ?? []) {
        if (reader.name === undefined || reader.given.roleArn !== undefined) continue;
        const role = readerRoleName(env.environment, workload.name, reader.name);
        if (role.length <= ROLE_NAME_MAX) continue;
        report({
          path: [...reader.path, "name"],
          input: reader.name,
          message: `makes the role name ${role} ${role.length} characters; IAM allows ${ROLE_NAME_MAX}: shorten the reader, workload or environment name`,
        });
      }
    }
  },
};

/**
 * `allowFrom.cidrs` lie within the workload VPC (the database's security group can admit
 * only addresses that reach it there); the rotation subnets are admitted already.
 */
export const allowFromInVpc: Rule = {
  name: "allow-from-in-vpc",
  check(env, report) {
    for (const workload of env.workloads) {
      const vpc = cidrRange(workload.vpcCidrGiven ?? "");
      if (vpc === undefined) continue;
      for (const database of workload.databases) {
        for (const { cidr, index } of database.allowFromCidrs) {
          const range = cidrRange(cidr);
          if (range === undefined || (range.start >= vpc.start && range.end <= vpc.end)) continue;
          report({
            path: [...database.path, "allowFrom", "cidrs", index],
            input: cidr,
            message: `is outside the workload VPC ${workload.vpcCidrGiven}; allowed: blocks within it (the rotation subnets are admitted already)`,
          });
        }
      }
    }
  },
};

/**
 * What a database's deployment takes: `instances` for an Aurora cluster only; an existing
 * database named by the identifier its engine has (`dbInstanceIdentifier` of an RDS
 * instance, `dbClusterIdentifier` of an Aurora cluster), which the rotation functions read.
 */
export const databaseDeployment: Rule = {
  name: "database-deployment",
  check(env, report) {
    const clusters = ENGINES.filter((e) => ENGINE_SPECS[e].deployment === "cluster");
    for (const database of env.workloads.flatMap((w) => w.databases)) {
      if (database.engine === undefined) continue;
      const spec = ENGINE_SPECS[database.engine];
      // The settings of a created database; with `existing` each is refused whole
      // (existing-database-settings), so none is judged here too.
      if (!database.existing) {
        if (spec.deployment === "instance" && database.given.instances !== undefined) {
          report({
            path: [...database.path, "instances"],
            input: database.given.instances,
            message: `applies to Aurora clusters only (engine ${clusters.join(" or ") || "aurora-*"}); an RDS ${database.engine} instance is one instance (multiAz adds a standby)`,
          });
        }
        const given = database.given;
        // A class not of the form db.<family>.<size> is the schema's to report.
        if (
          typeof given.instanceClass === "string" &&
          /^db\.[a-z0-9]+\.[a-z0-9]+$/.test(given.instanceClass)
        ) {
          const problem = instanceClassProblem(database.engine, given.instanceClass);
          if (problem)
            report({
              path: [...database.path, "instanceClass"],
              input: given.instanceClass,
              message: problem,
            });
        }
        if (typeof given.engineVersion === "string") {
          const problem = engineVersionProblem(database.engine, given.engineVersion);
          if (problem)
            report({
              path: [...database.path, "engineVersion"],
              input: given.engineVersion,
              message: problem,
            });
        }
        if (spec.deployment === "cluster") {
          // Aurora storage grows by itself and a cluster's availability is its instances.
          for (const key of ["allocatedStorage", "multiAz"]) {
            if (given[key] === undefined) continue;
            report({
              path: [...database.path, key],
              input: given[key],
              message: `applies to RDS instances only: an Aurora cluster's storage grows by itself, and its standby is a reader (instances: 2 or more)`,
            });
          }
        }
      }
      const existing = database.given.existing;
      if (typeof existing !== "object" || existing === null) continue;
      const ids = existing as Record<string, unknown>;
      const wanted = spec.identifierKey;
      const other =
        wanted === "dbInstanceIdentifier" ? "dbClusterIdentifier" : "dbInstanceIdentifier";
      if (ids[wanted] === undefined || ids[other] !== undefined) {
        report({
          path: [...database.path, "existing", ids[other] !== undefined ? other : wanted],
          input: ids[other],
          message: `${ids[other] !== undefined ? "does not apply" : "is required"}: an existing ${database.engine} database is named by ${wanted} (${spec.deployment === "cluster" ? "an Aurora DB cluster" : "an RDS DB instance"}), which the rotation function reads from the secret`,
        });
      }
    }
  },
};

/** A custom rotation function of a secret is in the central account and Region. */
export const customRotationInCentral: Rule = {
  name: "custom-rotation-in-central",
  check(env, report) {
    const { accountId, region } = env.central;
    for (const secret of env.workloads.flatMap((w) => w.secrets)) {
      const arn = secret.rotationLambdaArn;
      const parts = /^arn:[a-z-]+:lambda:([a-z0-9-]+):(\d{12}):function:/.exec(arn ?? "");
      if (parts === null) continue;
      if (parts[1] === region && parts[2] === accountId) continue;
      report({
        path: [...secret.path, "rotation", "lambdaArn"],
        input: arn,
        message: `is a function in ${parts[2]} / ${parts[1]}; a secret's rotation function must be in the central account and Region (${accountId ?? "?"} / ${region ?? "?"}): Secrets Manager invokes it there`,
      });
    }
  },
};

/** Written as `database:` (the key path ends there). */
function isShorthand(database: DatabaseView): boolean {
  return database.path[database.path.length - 1] === "database";
}

/** The names a workload's readers may read. */
function itemNames(workload: WorkloadView): string[] {
  return [
    ...workload.databases.flatMap((d) => (d.name === undefined ? [] : [d.name])),
    ...workload.secrets.flatMap((s) => (s.name === undefined ? [] : [s.name])),
  ];
}
