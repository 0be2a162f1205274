/**
 * The defaults and value forms of the environment file that more than the schema needs: the
 * schema (`schema.ts`, which re-exports them) applies them to a valid file, the tolerant view
 * of the config rules (`view.ts`) to any file, so that no rule spells one again.
 */

/** `rotation.schedule` when absent. */
export const ROTATION_SCHEDULE_DEFAULT = "rate(30 days)";

/** `database.rotationStrategy` when absent. */
export const ROTATION_STRATEGY_DEFAULT = "single-user" as const;

/** `connectivity` when absent. */
export const CONNECTIVITY_DEFAULT = "peering" as const;

/** A rotation window, `<N>h` (`rotation.duration`, `secret.duration`); N is the first group. */
export const DURATION = /^(\d+)h$/;

/** The name the `database:` shorthand's database has (for `readers[].reads`). */
export const SHORTHAND_DATABASE = "database";

/** The name the `applicationRole:` shorthand's (or the default) reader has. */
export const SHORTHAND_READER = "app";

/** Instances of an Aurora cluster that names none: a writer and a reader in another zone. */
export const AURORA_INSTANCES_DEFAULT = 2;

/** `backupRetentionDays` of a created database when absent. */
export const BACKUP_RETENTION_DAYS_DEFAULT = 7;

/** `extendedSupport` of a created database when absent. */
export const EXTENDED_SUPPORT_DEFAULT = false;
