/**
 * Names derived from the environment file that AWS limits. The config schema checks them
 * (so a long name is a config error, not a failed deployment) and the programs use them.
 */
import { Engine, RotationStrategy, rotationFunctionNameFor } from "../kernel/engines";
import { partitionOf } from "../kernel/partitions";

/** IAM role of a workload's application (the central policies name its ARN); at most 64 characters. */
export function applicationRoleName(environment: string, workload: string): string {
  return `secrets-hub-${environment}-${workload}-app`;
}

/** The secret holding a multi-user database's admin credentials. */
export function masterSecretName(secretName: string): string {
  return `${secretName}/master`;
}

/** Secrets Manager's longest secret name (CreateSecret `Name`: 1 to 512 characters). */
export const SECRET_NAME_MAX = 512;

/**
 * ARN pattern of a central secret in a Region: Secrets Manager appends `-` and six random
 * characters to the name in the ARN, which `-??????` matches (src/topology.ts
 * `secretArnPattern` names the environment's central account).
 */
export function secretArnPatternIn(accountId: string, secretName: string, region: string): string {
  return `arn:${partitionOf(region)}:secretsmanager:${region}:${accountId}:secret:${secretName}-??????`;
}

/** IAM role of a reader created for a workload (`readers:`); at most 64 characters. */
export function readerRoleName(environment: string, workload: string, reader: string): string {
  return `secrets-hub-${environment}-${workload}-${reader}`;
}

/**
 * The base name of the resources of one database of a workload, in both stacks: the
 * `database:` shorthand keeps `<workload>-db` (the name of every release before
 * `databases:`), a listed database is `<workload>-<database>-db`. The config rule
 * `estate-resource-names-unique` refuses two that meet.
 */
export function databaseResourceName(
  workload: string,
  database: string,
  shorthand: boolean,
): string {
  return shorthand ? `${workload}-db` : `${workload}-${database}-db`;
}

/** RDS instance identifier of a workload's database; it must match {@link RDS_INSTANCE_IDENTIFIER}. */
export function databaseIdentifier(environment: string, workload: string, dbName: string): string {
  return `${environment}-${workload}-${dbName}`.toLowerCase().replace(/_/g, "-");
}

/**
 * RDS identifier of one of a workload's databases: the shorthand's from its `dbName` (as
 * every release before `databases:` named it), a listed one's from its unique `name`.
 */
export function databaseIdentifierOf(
  environment: string,
  workload: string,
  database: { name: string; dbName: string; shorthand: boolean },
): string {
  return databaseIdentifier(
    environment,
    workload,
    database.shorthand ? database.dbName : database.name,
  );
}

export const ROLE_NAME_MAX = 64;
/** The rule RDS imposes on {@link databaseIdentifier}; its one definition is in kernel/engines.ts. */
export { RDS_INSTANCE_IDENTIFIER } from "../kernel/engines";

/** Prefix of the central account's names: `secrets-hub-<env>` (the stacks pass it to the components). */
export function namePrefix(environment: string): string {
  return `secrets-hub-${environment}`;
}

/** Name of a rotation function (and of its application's CloudFormation stack) in an environment. */
export function rotationFunctionName(
  environment: string,
  engine: Engine,
  strategy: RotationStrategy,
): string {
  return rotationFunctionNameFor(namePrefix(environment), engine, strategy);
}

/** A name derived from the environment name, and the most characters AWS allows in it. */
export interface LimitedName {
  /** What AWS calls it, for messages. */
  readonly what: string;
  readonly name: string;
  readonly max: number;
}

/**
 * Every central-account name that grows with the environment name, with AWS's limit.
 * The Lambda function name (64) is the tightest: the CloudFormation stack
 * `serverlessrepo-<function>` (128), the alarm `<function>-errors` (255), the EventBridge rule
 * (64, 9 characters shorter than the function), the SNS topic (256), the KMS aliases (256)
 * and the account analyzer (255) all have room left when it fits. Sources: Lambda
 * CreateFunction FunctionName ("1-64 characters"), CloudFormation CreateStack StackName (128),
 * EventBridge PutRule Name (64), SNS CreateTopic Name (256), KMS CreateAlias AliasName (256),
 * CloudWatch PutMetricAlarm AlarmName (255), Access Analyzer CreateAnalyzer analyzerName (255).
 */
export function environmentNames(
  environment: string,
  applications: readonly { engine: Engine; strategy: RotationStrategy }[],
): LimitedName[] {
  const prefix = namePrefix(environment);
  const names: LimitedName[] = [];
  for (const { engine, strategy } of applications) {
    const fn = rotationFunctionName(environment, engine, strategy);
    names.push(
      { what: "Lambda function name", name: fn, max: 64 },
      { what: "CloudFormation stack name", name: `serverlessrepo-${fn}`, max: 128 },
      { what: "CloudWatch alarm name", name: `${fn}-errors`, max: 255 },
    );
  }
  names.push(
    { what: "EventBridge rule name", name: `${prefix}-rotation-failed`, max: 64 },
    { what: "SNS topic name", name: `${prefix}-rotation-alerts`, max: 256 },
    { what: "KMS alias name", name: `alias/${prefix}-alerts`, max: 256 },
    { what: "KMS alias name", name: `alias/${prefix}-secrets`, max: 256 },
    { what: "IAM Access Analyzer name", name: `${prefix}-account`, max: 255 },
  );
  return names;
}

/** ARN of a workload's application role, as IAM reports it (no path). */
export function applicationRoleArn(
  partition: string,
  accountId: string,
  environment: string,
  workload: string,
): string {
  return `arn:${partition}:iam::${accountId}:role/${applicationRoleName(environment, workload)}`;
}
