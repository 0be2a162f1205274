/**
 * What the application-user function grants the application user of a multi-user database:
 * constants, not config, so that every environment's application users hold the same
 * rights and docs/rotation.md is generated from this record. SDK-free: the function's bundle,
 * the component and the docs generator import it.
 *
 * Least privilege, yet enough for an application that owns its tables:
 * - PostgreSQL: `CONNECT` and `TEMPORARY` on the secret's database (`dbname`), `USAGE` and
 *   `CREATE` on its schema `public` (PostgreSQL 15 took `CREATE` on `public` from `PUBLIC`).
 *   Tables the user creates are its own; the clone the rotation creates is granted the user
 *   (`GRANT <user> TO <user>_clone`) and so inherits them. No role attributes (`CREATEDB`,
 *   `CREATEROLE`), no membership in `rds_superuser`.
 * - MySQL: data and schema rights on the secret's database only (`<dbname>`.*), none on
 *   `*.*`; the rotation copies them to the clone (`SHOW GRANTS FOR '<user>'@'%'`, then
 *   each grant to the clone). The user requires TLS (`REQUIRE SSL`), which the rotation copies
 *   as well (`ssl_type` of `mysql.user`); the secret says `"ssl": true`.
 */

/** The rights of the PostgreSQL application user. */
export const POSTGRES_APPLICATION_RIGHTS = {
  /** On the database the secret's `dbname` names. */
  database: ["CONNECT", "TEMPORARY"],
  /** The schema the rights below are on. */
  schema: "public",
  /** On that schema. */
  schemaRights: ["USAGE", "CREATE"],
} as const;

/** The rights of the MySQL application user, on `<dbname>`.* */
export const MYSQL_APPLICATION_RIGHTS = [
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "CREATE",
  "ALTER",
  "DROP",
  "INDEX",
  "REFERENCES",
  "CREATE TEMPORARY TABLES",
  "LOCK TABLES",
  "CREATE VIEW",
  "SHOW VIEW",
  "TRIGGER",
  "EXECUTE",
] as const;

/** The host part of the MySQL user: the multi-user function creates and reads `'<user>'@'%'`. */
export const MYSQL_USER_HOST = "%";

/** The engine families the function serves, as the secret JSON's `engine` names them. */
export const ENGINE_FAMILIES: Record<string, "postgres" | "mysql"> = {
  postgres: "postgres",
  "aurora-postgresql": "postgres",
  mysql: "mysql",
  mariadb: "mysql",
  "aurora-mysql": "mysql",
};
