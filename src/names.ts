/**
 * Names derived from the environment file that AWS limits. The config schema checks them
 * (so a long name is a config error, not a failed deployment) and the programs use them.
 */

/** IAM role of a workload's application (the central policies name its ARN); at most 64 characters. */
export function applicationRoleName(environment: string, workload: string): string {
  return `secrets-hub-${environment}-${workload}-app`;
}

/** RDS instance identifier: at most 63 characters, letters, digits and single hyphens. */
export function databaseIdentifier(environment: string, workload: string, dbName: string): string {
  return `${environment}-${workload}-${dbName}`.toLowerCase().replace(/_/g, "-");
}

export const ROLE_NAME_MAX = 64;
export const DB_IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$/;
