/**
 * Names derived from the environment file that AWS limits. The config schema checks them
 * (so a long name is a config error, not a failed deployment) and the programs use them.
 */

/** IAM role of a workload's application (the central policies name its ARN); at most 64 characters. */
export function applicationRoleName(environment: string, workload: string): string {
  return `secrets-hub-${environment}-${workload}-app`;
}

/** RDS instance identifier of a workload's database; it must match {@link RDS_INSTANCE_IDENTIFIER}. */
export function databaseIdentifier(environment: string, workload: string, dbName: string): string {
  return `${environment}-${workload}-${dbName}`.toLowerCase().replace(/_/g, "-");
}

export const ROLE_NAME_MAX = 64;
/** The rule RDS imposes on {@link databaseIdentifier}; its one definition is in components/engines.ts. */
export { RDS_INSTANCE_IDENTIFIER } from "../components/engines";
