/**
 * The database engines the program can create and rotate, and the facts that follow from
 * an engine: its default port, its AWS rotation applications, and the identifier rules RDS
 * and the engines impose. SDK-free, so the config schema and the contract can read it
 * without loading a provider.
 */

/** Engines the program can create and rotate. */
export const ENGINES = ["postgres", "mysql"] as const;
export type Engine = (typeof ENGINES)[number];

/** Default database ports by engine. */
export const DEFAULT_PORTS: Record<Engine, number> = {
  postgres: 5432,
  mysql: 3306,
};

/** The port a database listens on: an existing database's own, the configured one, or the engine's. */
export function databasePort(database: {
  engine: Engine;
  port?: number;
  existing?: { port?: number };
}): number {
  return database.existing?.port ?? database.port ?? DEFAULT_PORTS[database.engine];
}

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
 * The AWS-published rotation applications (Serverless Application Repository, account
 * 297356227824, published in us-east-1 and deployable in every commercial region). The
 * catalogue is complete so that offering multi-user is a config change.
 */
export const ROTATION_APPLICATIONS: Record<Engine, Record<RotationStrategy, string>> = {
  postgres: {
    "single-user": "SecretsManagerRDSPostgreSQLRotationSingleUser",
    "multi-user": "SecretsManagerRDSPostgreSQLRotationMultiUser",
  },
  mysql: {
    "single-user": "SecretsManagerRDSMySQLRotationSingleUser",
    "multi-user": "SecretsManagerRDSMySQLRotationMultiUser",
  },
};

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

/** Short name of a rotation application, in its child's name and its function's: `postgres-single`. */
export function rotationShortName(engine: Engine, strategy: RotationStrategy): string {
  return `${engine}-${strategy === "single-user" ? "single" : "multi"}`;
}

/**
 * Name of the CloudFormation stack of a rotation application and of its Lambda function:
 * `<namePrefix>-rotation-<engine>-<single|multi>`. Lambda allows at most 64 characters
 * (src/names.ts has the limits and the config check).
 */
export function rotationFunctionNameFor(
  namePrefix: string,
  engine: Engine,
  strategy: RotationStrategy,
): string {
  return `${namePrefix}-rotation-${rotationShortName(engine, strategy)}`;
}

/** Serverless Application Repository id of the rotation application for `engine` and `strategy`. */
export function rotationApplicationId(engine: Engine, strategy: RotationStrategy): string {
  return `arn:aws:serverlessrepo:us-east-1:297356227824:applications/${ROTATION_APPLICATIONS[engine][strategy]}`;
}

/** RDS instance identifier: at most 63 lower-case letters, digits and single hyphens, from a letter to a letter or digit. */
export const RDS_INSTANCE_IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$/;

/** Name of a database or database user inside the engine: a letter, then up to 62 letters, digits and `_`. */
export const DATABASE_NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,62}$/;
