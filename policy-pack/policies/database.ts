/**
 * Databases: RDS instances and Aurora clusters (with their instances) are encrypted, private,
 * backed up, deletion-protected where the program protects them, and enrolled in RDS
 * Extended Support only on purpose.
 */
import {
  Config,
  Finding,
  PlainResource,
  Props,
  isUnknown,
  numberParam,
  resourcePolicy,
  stackPolicy,
  unknownFinding,
} from "./model";
import { CLUSTER_INSTANCE, DB_CLUSTER, DB_INSTANCE } from "../lib/types";

/** Engines RDS Extended Support covers (RDS and Aurora, MySQL and PostgreSQL). */
const EXTENDED_SUPPORT_ENGINES = ["postgres", "mysql", "aurora-postgresql", "aurora-mysql"];
const LIFECYCLE_VALUES = [
  "open-source-rds-extended-support",
  "open-source-rds-extended-support-disabled",
];

const native = (type: string) => type.startsWith("aws-native:");

/** Storage is encrypted (RDS cannot encrypt an existing instance's or cluster's storage in place). */
export function checkStorageEncrypted(props: Props, _config: Config, type: string): Finding[] {
  // An instance of an Aurora cluster inherits the cluster's encryption: its DB cluster
  // carries the setting (aws-native models cluster members as DbInstance with
  // dbClusterIdentifier).
  if (native(type) && type.endsWith("DbInstance") && props.dbClusterIdentifier !== undefined)
    return [];
  const value = props.storageEncrypted;
  if (isUnknown(value)) return [unknownFinding("storageEncrypted")];
  return value === true
    ? []
    : [
        {
          message:
            "storageEncrypted is not true: the database's storage and snapshots are not encrypted",
        },
      ];
}

/** Not reachable from the internet: publiclyAccessible is not true (AWS's default is false in a VPC's private subnets). */
export function checkNotPublic(props: Props): Finding[] {
  const value = props.publiclyAccessible;
  if (isUnknown(value)) return [unknownFinding("publiclyAccessible")];
  return value === true
    ? [{ message: "publiclyAccessible is true: the database gets a public address" }]
    : [];
}

/**
 * Automated backups kept at least `minBackupRetentionDays` (0 turns an instance's backups
 * off; unset is RDS's default of 1: CreateDBInstance / CreateDBCluster BackupRetentionPeriod).
 */
export function checkBackups(props: Props, config: Config): Finding[] {
  const min = Number(config.minBackupRetentionDays ?? 1);
  const value = props.backupRetentionPeriod ?? 1;
  if (isUnknown(value)) return [unknownFinding("backupRetentionPeriod")];
  return Number(value) >= min
    ? []
    : [
        {
          message: `backupRetentionPeriod is ${String(value)}; keep automated backups at least ${min} days`,
        },
      ];
}

/**
 * engineLifecycleSupport is set explicitly: unset, RDS enrols a MySQL or PostgreSQL
 * database in paid RDS Extended Support once its major version leaves standard support.
 */
export function checkLifecycleExplicit(props: Props): Finding[] {
  const engine = props.engine;
  if (isUnknown(engine)) return [unknownFinding("engine")];
  if (typeof engine !== "string" || !EXTENDED_SUPPORT_ENGINES.includes(engine)) return [];
  // An RDS instance that is a member of an Aurora cluster takes the cluster's.
  if (props.dbClusterIdentifier !== undefined) return [];
  const value = props.engineLifecycleSupport;
  if (isUnknown(value)) return [unknownFinding("engineLifecycleSupport")];
  if (value === undefined || value === null || value === "")
    return [
      {
        message: `engineLifecycleSupport is not set: RDS enrols ${engine} in paid Extended Support by default; set ${LIFECYCLE_VALUES.join(" or ")}`,
      },
    ];
  return LIFECYCLE_VALUES.includes(String(value))
    ? []
    : [
        {
          message: `engineLifecycleSupport ${String(value)} is not one of ${LIFECYCLE_VALUES.join(", ")}`,
        },
      ];
}

/**
 * A database the program protects (the `protect` option, which a sandbox turns off) also
 * has RDS's deletionProtection: `protect` guards against Pulumi, deletionProtection against
 * everything else (the console, the CLI, another tool).
 */
export function checkDeletionProtection(resources: PlainResource[]): Finding[] {
  const findings: Finding[] = [];
  for (const db of resources.filter((r) => [...DB_INSTANCE, ...DB_CLUSTER].includes(r.type))) {
    if (db.protect !== true) continue;
    if (db.type === "aws-native:rds:DbInstance" && db.props.dbClusterIdentifier !== undefined)
      continue;
    const value = db.props.deletionProtection;
    if (isUnknown(value)) {
      findings.push(unknownFinding(`${db.name}: deletionProtection`, db.urn));
    } else if (value !== true) {
      findings.push({
        urn: db.urn,
        message: `${db.name}: protected by the program but deletionProtection is not true; RDS would delete it on request`,
      });
    }
  }
  return findings;
}

export const databasePolicies = [
  resourcePolicy({
    name: "database-storage-encrypted",
    description: "RDS instances and Aurora clusters encrypt their storage.",
    types: [...DB_INSTANCE, ...DB_CLUSTER],
    check: checkStorageEncrypted,
  }),
  resourcePolicy({
    name: "database-not-public",
    description: "RDS instances and Aurora cluster instances are not publicly accessible.",
    types: [...DB_INSTANCE, ...CLUSTER_INSTANCE],
    check: checkNotPublic,
  }),
  resourcePolicy({
    name: "database-backups",
    description:
      "RDS instances and Aurora clusters keep automated backups at least minBackupRetentionDays.",
    types: [...DB_INSTANCE, ...DB_CLUSTER],
    configSchema: {
      properties: {
        minBackupRetentionDays: numberParam("Fewest days of automated backups.", 1, 1, 35),
      },
    },
    check: checkBackups,
  }),
  resourcePolicy({
    name: "database-lifecycle-explicit",
    description:
      "RDS instances and Aurora clusters of MySQL and PostgreSQL set engineLifecycleSupport explicitly (unset, RDS enrols them in paid Extended Support).",
    types: [...DB_INSTANCE, ...DB_CLUSTER],
    check: checkLifecycleExplicit,
  }),
  stackPolicy({
    name: "database-deletion-protection",
    description:
      "RDS instances and Aurora clusters the program protects (protect option; a sandbox turns it off) have deletionProtection on.",
    check: checkDeletionProtection,
  }),
];
