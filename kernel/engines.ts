/**
 * The database engines the program can create and rotate, one {@link EngineSpec} record per
 * engine: its port, its secret's identifier key, its AWS rotation applications, and the user
 * name rules RDS and the engine impose. The config rules, the components and the contract
 * read these records; adding an engine (Aurora, a cluster with `dbClusterIdentifier`) is one
 * record more. The kernel imports nothing but its own files.
 */
import type { Partition } from "./partitions";

/** Engines the program can create and rotate: RDS instances, then Aurora clusters. */
export const ENGINES = ["postgres", "mysql", "aurora-postgresql", "aurora-mysql"] as const;
export type Engine = (typeof ENGINES)[number];

/** The engine families: what the rotation functions and the secret JSON's `engine` know. */
export const ENGINE_FAMILIES = ["postgres", "mysql"] as const;
export type EngineFamily = (typeof ENGINE_FAMILIES)[number];

/** Rotation strategies with an AWS-published rotation application. */
export const ROTATION_STRATEGIES = ["single-user", "multi-user"] as const;
export type RotationStrategy = (typeof ROTATION_STRATEGIES)[number];

/**
 * Strategies the environment file may choose: single-user rotates the database user itself;
 * multi-user alternates the application user with a clone, as the admin user whose
 * credentials live in a master secret (the secret JSON's `masterarn`).
 */
export const CONFIGURABLE_ROTATION_STRATEGIES = [
  "single-user",
  "multi-user",
] as const satisfies readonly RotationStrategy[];

/**
 * An AWS-published rotation application (Serverless Application Repository), with the
 * version the AWS CDK pins in each partition (aws/aws-cdk
 * packages/aws-cdk-lib/aws-secretsmanager/lib/secret-rotation.ts,
 * `SecretRotationApplication`: its `awsSemanticVersion` and `additionalSemanticVersions`).
 * The program deploys the version `rotation.applicationVersion` names; these pins say what
 * each partition has.
 */
export interface RotationApplication {
  /** Application name, the last part of its ARN (`rotationApplicationArn`). */
  readonly name: string;
  /** Version pinned per partition. */
  readonly versions: { readonly [P in Partition]: string };
}

/** Longest user name and the names refused, for one way a user comes to be. */
export interface UserNameRule {
  readonly max: number;
  /** Lower-case names refused whatever their case. */
  readonly reserved: readonly string[];
}

/** What the program knows of one engine. */
export interface EngineSpec {
  /** The engine as the environment file names it (`database.engine`). */
  readonly engine: Engine;
  /**
   * The engine family: the secret JSON's `engine` (AWS's "JSON structure of Secrets Manager
   * secrets" gives `"engine": "postgres"` / `"mysql"` for RDS and Aurora alike) and the
   * rotation functions, deployed once per family and strategy whichever engines use them.
   */
  readonly family: EngineFamily;
  /** An RDS DB instance, or an Aurora DB cluster. */
  readonly deployment: "instance" | "cluster";
  readonly defaultPort: number;
  /**
   * The key of the secret JSON naming the database, which the rotation functions read:
   * `dbInstanceIdentifier` for an instance, `dbClusterIdentifier` for a cluster.
   */
  readonly identifierKey: "dbInstanceIdentifier" | "dbClusterIdentifier";
  readonly rotationApplications: { readonly [S in RotationStrategy]: RotationApplication };
  /**
   * The database user in the secret (the master user of a database RDS creates; of an
   * existing database, the user the rotation function logs in as and rotates).
   */
  readonly masterUser: { readonly created: UserNameRule; readonly existing: UserNameRule };
  /**
   * The application user of multi-user rotation: the most characters the multi-user
   * function lets a user name have (its clone included: see {@link applicationUsernameMax}),
   * and what such names are called in messages.
   */
  readonly applicationUser: { readonly max: number; readonly names: string };
  /**
   * The instance classes RDS accepts for the engine, as one pattern and the words of a
   * message; undefined where the program leaves the choice to RDS (an RDS instance's
   * classes vary by Region and version, RDS's own error names them). See
   * {@link instanceClassProblem}.
   */
  readonly instanceClasses?: { readonly pattern: RegExp; readonly allowed: string };
  /**
   * The engine versions the program accepts (`engineVersion`), as one pattern, the majors
   * RDS still supports and the words of a message; undefined where any version RDS knows
   * is passed through. See {@link engineVersionProblem}.
   */
  readonly engineVersions?: {
    readonly pattern: RegExp;
    /** The form, for messages: `16.6`. */
    readonly form: string;
    /** Supported majors, as the pattern's first group captures them. */
    readonly majors: readonly string[];
  };
}

/**
 * The versions the CDK pins for each application, per partition (aws-cdk-lib
 * `aws-secretsmanager/lib/secret-rotation.ts`, `SecretRotationApplication`, the release that
 * pins 1.1.671 in the commercial partition: `additionalSemanticVersions`). The GovCloud and
 * China numbers are their partitions' own releases of the same code; an older CDK (1.1.650
 * commercial) pinned 1.1.397 in GovCloud and 1.1.421 in China, which the newer one replaced.
 */
const versions = (cn: string, gov: string) => ({ aws: "1.1.671", "aws-cn": cn, "aws-us-gov": gov });
const APPLICATION_VERSIONS = {
  postgresSingle: versions("1.1.440", "1.1.383"),
  postgresMulti: versions("1.1.440", "1.1.383"),
  mysqlSingle: versions("1.1.440", "1.1.384"),
  mysqlMulti: versions("1.1.440", "1.1.383"),
};

/** The AWS rotation applications of each family: Aurora uses its family's (see ENGINE_SPECS). */
const FAMILY_APPLICATIONS: {
  readonly [F in EngineFamily]: { readonly [S in RotationStrategy]: RotationApplication };
} = {
  postgres: {
    "single-user": {
      name: "SecretsManagerRDSPostgreSQLRotationSingleUser",
      versions: APPLICATION_VERSIONS.postgresSingle,
    },
    "multi-user": {
      name: "SecretsManagerRDSPostgreSQLRotationMultiUser",
      versions: APPLICATION_VERSIONS.postgresMulti,
    },
  },
  mysql: {
    "single-user": {
      name: "SecretsManagerRDSMySQLRotationSingleUser",
      versions: APPLICATION_VERSIONS.mysqlSingle,
    },
    "multi-user": {
      name: "SecretsManagerRDSMySQLRotationMultiUser",
      versions: APPLICATION_VERSIONS.mysqlMulti,
    },
  },
};

/**
 * Aurora instance classes (Aurora User Guide, "Supported DB engines for DB instance
 * classes" / "DB instance class types"): memory-optimized db.r5, db.r6g, db.r6gd, db.r6i,
 * db.r6id, db.r7g, db.r7i, db.r8g, db.r8gd and db.x2g in every size, and the burstable
 * db.t3 and db.t4g in medium and large only (Aurora has no micro or small, and no db.m
 * class). `db.serverless` (Aurora Serverless v2) is refused: it needs the cluster's
 * `serverlessv2ScalingConfiguration`, which this program does not set.
 */
const AURORA_INSTANCE_CLASSES = {
  pattern:
    /^db\.(?:(?:r5|r6g|r6gd|r6i|r6id|r7g|r7i|r8g|r8gd|x2g)\.(?:large|\d*xlarge)|(?:t3|t4g)\.(?:medium|large))$/,
  allowed:
    "db.r5, db.r6g, db.r6gd, db.r6i, db.r6id, db.r7g, db.r7i, db.r8g, db.r8gd or db.x2g (large, xlarge, <n>xlarge), or db.t3/db.t4g medium or large",
} as const;

/**
 * The engines' records.
 *
 * Master user names (`masterUser`). RDS refuses a name longer than the engine allows and
 * names it reserves, when it creates the database (CreateDBInstance MasterUsername: "Can't be
 * a reserved word for the chosen database engine").
 *
 * Lengths: MySQL 16. The CreateDBInstance reference gives "1 to 16 letters, numbers, or
 * underscores"; MySQL itself allows 32 since 5.7.8 and a probe of a live account (floci-io/
 * floci#3729, 2026) had RDS accept 32, but that is not documented: a name refused here costs
 * an edit, one refused by RDS costs a failed phase 1, so the documented 16 holds. PostgreSQL
 * 63: the engine's identifier limit (NAMEDATALEN - 1), the per-engine constraint the RDS
 * reference gave ("1 to 63 letters or numbers") before it was folded into one line, and what
 * the same probe saw RDS accept.
 *
 * Reserved: `rdsadmin` on both engines (RDS's own administration user, on every instance)
 * and `admin` on PostgreSQL ("MasterUsername admin cannot be used as it is a reserved word
 * used by the engine": aws/aws-cdk#10597, cfn-lint#4425, both checked on real deployments).
 * Not refused, because RDS accepts them: `postgres` on PostgreSQL (the console's default),
 * `admin` on MySQL. `root` and `rdsrepladmin` are not refused: nothing documents that RDS
 * refuses them.
 *
 * An existing database's user is not created by RDS: it is the user the rotation function
 * logs in as and rotates, possibly not the master user, so the RDS length limits do not apply
 * but the engine's do (MySQL 32, "MySQL user names are up to 32 characters long";
 * PostgreSQL 63); `rdsadmin` stays refused (its password is RDS's, rotating it would lock RDS
 * out), `admin` is an ordinary PostgreSQL role there.
 *
 * Aurora clusters (`aurora-postgresql`, `aurora-mysql`): the CreateDBCluster reference gives
 * MasterUsername "1 to 16 letters or numbers" for every Aurora engine, with no per-engine
 * longer form, so 16 holds for both (the same reasoning as MySQL's above). The reserved
 * names are the family's: `admin` is refused on Aurora PostgreSQL as on RDS PostgreSQL (the
 * CDK's default cluster user was `admin` until aws/aws-cdk#10597 reported exactly this).
 * An existing cluster's user follows the engine's limits, as for an instance. The rotation
 * functions accept the Aurora engines: each checks the secret's `engine` against
 * `["postgres", "aurora-postgresql"]` / `["mysql", "aurora-mysql"]`
 * (aws-samples/aws-secrets-manager-rotation-lambdas, every `lambda_function.py`), and the
 * program writes the family, as AWS's secret structure for Aurora shows.
 *
 * Engine versions: Aurora PostgreSQL versions are `<major>.<minor>` (Aurora PostgreSQL
 * Release Notes; `aws rds describe-db-engine-versions --engine aurora-postgresql`), majors
 * 14 to 17 in standard support (13 left it on 2026-02-28: with extended support disabled, as
 * this program's default, RDS refuses to create it). Aurora MySQL version 3 versions are
 * `8.0.mysql_aurora.3.<minor>.<patch>` (Aurora MySQL Release Notes, "Aurora MySQL version
 * numbers and special versions"; version 2, 5.7, left standard support on 2024-10-31).
 * A full version, not a major: describe-db-engine-versions lists no major-only version for
 * aurora-mysql.
 *
 * Application users (`applicationUser`): the multi-user function alternates the user with
 * `<user>_clone`, so the clone's name must fit too: MySQL 16 characters (the function's own
 * USERNAME_CHARACTER_LIMIT default), PostgreSQL 63.
 */
export const ENGINE_SPECS: { readonly [E in Engine]: EngineSpec & { readonly engine: E } } = {
  postgres: {
    engine: "postgres",
    family: "postgres",
    deployment: "instance",
    defaultPort: 5432,
    identifierKey: "dbInstanceIdentifier",
    rotationApplications: FAMILY_APPLICATIONS.postgres,
    masterUser: {
      created: { max: 63, reserved: ["rdsadmin", "admin"] },
      existing: { max: 63, reserved: ["rdsadmin"] },
    },
    applicationUser: { max: 63, names: "PostgreSQL role names" },
  },
  mysql: {
    engine: "mysql",
    family: "mysql",
    deployment: "instance",
    defaultPort: 3306,
    identifierKey: "dbInstanceIdentifier",
    rotationApplications: FAMILY_APPLICATIONS.mysql,
    masterUser: {
      created: { max: 16, reserved: ["rdsadmin"] },
      existing: { max: 32, reserved: ["rdsadmin"] },
    },
    applicationUser: { max: 16, names: "MySQL user names" },
  },
  "aurora-postgresql": {
    engine: "aurora-postgresql",
    family: "postgres",
    deployment: "cluster",
    defaultPort: 5432,
    identifierKey: "dbClusterIdentifier",
    rotationApplications: FAMILY_APPLICATIONS.postgres,
    masterUser: {
      created: { max: 16, reserved: ["rdsadmin", "admin"] },
      existing: { max: 63, reserved: ["rdsadmin"] },
    },
    applicationUser: { max: 63, names: "PostgreSQL role names" },
    instanceClasses: AURORA_INSTANCE_CLASSES,
    engineVersions: {
      pattern: /^(\d+)\.\d+$/,
      form: "<major>.<minor>, e.g. 16.6",
      majors: ["14", "15", "16", "17"],
    },
  },
  "aurora-mysql": {
    engine: "aurora-mysql",
    family: "mysql",
    deployment: "cluster",
    defaultPort: 3306,
    identifierKey: "dbClusterIdentifier",
    rotationApplications: FAMILY_APPLICATIONS.mysql,
    masterUser: {
      created: { max: 16, reserved: ["rdsadmin"] },
      existing: { max: 32, reserved: ["rdsadmin"] },
    },
    applicationUser: { max: 16, names: "MySQL user names" },
    instanceClasses: AURORA_INSTANCE_CLASSES,
    engineVersions: {
      pattern: /^8\.0\.mysql_aurora\.(3)\.\d{2}\.\d+$/,
      form: "8.0.mysql_aurora.3.<minor>.<patch>, e.g. 8.0.mysql_aurora.3.08.2",
      majors: ["3"],
    },
  },
};

/** What the multi-user rotation functions append to the application user's name. */
export const CLONE_SUFFIX = "_clone";

/** The longest application user name whose clone (`<name>_clone`) still fits the engine. */
export function applicationUsernameMax(spec: EngineSpec): number {
  return spec.applicationUser.max - CLONE_SUFFIX.length;
}

/** The port a database listens on: an existing database's own, the configured one, or the engine's. */
export function databasePort(database: {
  engine: Engine;
  port?: number;
  existing?: { port?: number };
}): number {
  return database.existing?.port ?? database.port ?? ENGINE_SPECS[database.engine].defaultPort;
}

/**
 * The first version of the rotation applications known to run on a supported Lambda
 * runtime (Python 3.12, supported until 2028-10-31). Earlier versions run on Python 3.10
 * (1.1.618), 3.9 (1.1.367) or 3.7 (1.1.225): Lambda refuses to create functions on a
 * deprecated runtime, so their CloudFormation stack rolls back. AWS CDK moved its pin for
 * these applications to this version for that reason (aws/aws-cdk PR #37660, 2026-04).
 * Check a version's runtime with `aws serverlessrepo get-application --application-id <id>
 * --semantic-version <v>` (its TemplateUrl's `Runtime`).
 */
export const MIN_ROTATION_APPLICATION_VERSION = "1.1.671";

/** Compares two `x.y.z` versions numerically: negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Why RDS would refuse `instanceClass` for `engine`, naming what it accepts; undefined when
 * the class is accepted or the engine's classes are left to RDS.
 */
export function instanceClassProblem(engine: Engine, instanceClass: string): string | undefined {
  const rule = ENGINE_SPECS[engine].instanceClasses;
  if (!rule || rule.pattern.test(instanceClass)) return undefined;
  if (instanceClass === "db.serverless") {
    return `${engine}: db.serverless (Aurora Serverless v2) is not supported by this program (it needs a Serverless v2 scaling configuration); use ${rule.allowed}`;
  }
  return `${engine} does not offer instance class ${instanceClass}; use ${rule.allowed}`;
}

/**
 * Why `version` is not an engine version the program accepts for `engine` (its form, or a
 * major out of standard support), naming what it accepts; undefined when it is accepted or
 * the engine's versions are left to RDS.
 */
export function engineVersionProblem(engine: Engine, version: string): string | undefined {
  const rule = ENGINE_SPECS[engine].engineVersions;
  if (!rule) return undefined;
  const major = rule.pattern.exec(version)?.[1];
  if (major === undefined) return `${engine} engine version must be ${rule.form} (got ${version})`;
  if (!rule.majors.includes(major)) {
    return `${engine} major version ${major} is not supported; use one of ${rule.majors.join(", ")} (${rule.form})`;
  }
  return undefined;
}

/**
 * Short name of a rotation application, in its child's name and its function's:
 * `postgres-single`. Named by the engine's family: an Aurora PostgreSQL database is rotated
 * by the same `postgres-single` application (same name, URN and function) as an RDS one.
 */
export function rotationShortName(engine: Engine, strategy: RotationStrategy): string {
  return `${ENGINE_SPECS[engine].family}-${strategy === "single-user" ? "single" : "multi"}`;
}

/**
 * Name of the CloudFormation stack of a rotation application and of its Lambda function:
 * `<namePrefix>-rotation-<family>-<single|multi>`. Lambda allows at most 64 characters
 * (src/names.ts has the limits and the config check).
 */
export function rotationFunctionNameFor(
  namePrefix: string,
  engine: Engine,
  strategy: RotationStrategy,
): string {
  return `${namePrefix}-rotation-${rotationShortName(engine, strategy)}`;
}

/** RDS instance identifier: at most 63 lower-case letters, digits and single hyphens, from a letter to a letter or digit. */
export const RDS_INSTANCE_IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$/;

/** Name of a database or database user inside the engine: a letter, then up to 62 letters, digits and `_`. */
export const DATABASE_NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,62}$/;
