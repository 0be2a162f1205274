/**
 * The application-user function's logic, with its clients passed in (index.ts gives it the
 * real ones; tests/functions/applicationUser.test.ts recorded fakes).
 *
 * Given the ARNs of a multi-user database's master secret and application secret, it logs in
 * as the master and creates the application user the way AWS's multi-user rotation functions
 * expect to find it (aws-samples/aws-secrets-manager-rotation-lambdas, commit b4b8eca,
 * `SecretsManagerRDSPostgreSQLRotationMultiUser` and `…MySQLRotationMultiUser`,
 * `set_secret`): they log in with the secret's AWSCURRENT user, then as the master create
 * `<user>_clone` and
 * - PostgreSQL: `GRANT <user> TO <user>_clone`. Since PostgreSQL 16 granting membership in a
 *   role takes ADMIN OPTION on it, unless superuser (release notes: "Restrict the privileges
 *   of CREATEROLE roles … adding members, now require the role requesting the change to have
 *   ADMIN OPTION"); a role created by a CREATEROLE non-superuser is granted back to its
 *   creator WITH ADMIN OPTION (CREATE ROLE; `createrole_self_grant` only adds SET/INHERIT).
 *   RDS's master is `rds_superuser`, not a superuser: so the master itself must create the
 *   user, as here, and a user someone else created is refused with what to do.
 * - MySQL: `SHOW GRANTS FOR '<user>'` (pymysql quotes the name alone: `'<user>'@'%'`) and
 *   each grant again to the clone, and the `ssl_type` of `mysql.user`: so the user must be
 *   `'<user>'@'%'`.
 *
 * Idempotent: a user that exists keeps its password (rotation may have changed it since);
 * only the grants are stated again. Nothing secret leaves it: the result names the user and
 * what was done, the log lines alike, and every error message has both passwords masked.
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
  ENGINE_FAMILIES,
  MYSQL_APPLICATION_RIGHTS,
  MYSQL_USER_HOST,
  POSTGRES_APPLICATION_RIGHTS,
} from "./rights";

/** The invocation's input: ARNs only, never a value. */
export interface ApplicationUserEvent {
  masterSecretArn: string;
  userSecretArn: string;
}

/** What the function returns (and the Invocation resource stores in state): no secret. */
export interface ApplicationUserResult {
  engine: "postgres" | "mysql";
  username: string;
  database: string;
  /** The user was created now (false: it existed; its password was left alone). */
  created: boolean;
  /** The statements run, with the password as `***`. */
  statements: string[];
}

/** Where and as whom to connect: always TLS with the server's certificate verified. */
export interface Connection {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** The part of a `pg.Client` used here. */
export interface PostgresSession {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  escapeIdentifier(name: string): string;
  escapeLiteral(value: string): string;
  end(): Promise<void>;
}

/** The part of a `mysql2/promise` connection used here (`?` placeholders, escaped by the driver). */
export interface MysqlSession {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>;
  escapeId(name: string): string;
  end(): Promise<void>;
}

/** What the handler needs from outside. */
export interface Dependencies {
  secrets: SecretsManagerClient;
  postgres(connection: Connection): Promise<PostgresSession>;
  mysql(connection: Connection): Promise<MysqlSession>;
  /** Waits between login attempts. */
  sleep(ms: number): Promise<void>;
  log(line: string): void;
}

/** The secret JSON of AWS's rotation functions (the keys read here). */
interface DatabaseSecretValue {
  engine: string;
  host: string;
  port?: number | string;
  username: string;
  password: string;
  dbname?: string;
}

/**
 * Logins as the master before giving up. The master secret rotates at once when created
 * (single-user), so this may run while its rotation has set the AWSPENDING password in the
 * database and not yet moved AWSCURRENT: each attempt tries AWSCURRENT, then AWSPENDING.
 */
export const MASTER_LOGIN_ATTEMPTS = 6;
export const MASTER_LOGIN_WAIT_MS = 5000;

/** The function's logic: creates (or finds) the application user and states its grants. */
export async function createApplicationUser(
  event: ApplicationUserEvent,
  deps: Dependencies,
): Promise<ApplicationUserResult> {
  if (
    !event ||
    typeof event.masterSecretArn !== "string" ||
    typeof event.userSecretArn !== "string"
  ) {
    throw new Error("the input must be { masterSecretArn, userSecretArn }, both secret ARNs");
  }
  const user = await readSecret(deps, event.userSecretArn, "AWSCURRENT");
  if (!user) throw new Error(`${event.userSecretArn} has no AWSCURRENT version`);
  const masks = [user.password];
  try {
    const family = ENGINE_FAMILIES[user.engine];
    if (!family) {
      throw new Error(
        `${event.userSecretArn}: engine '${user.engine}' is not one of ${Object.keys(ENGINE_FAMILIES).join(", ")}`,
      );
    }
    const database = user.dbname;
    if (!database) throw new Error(`${event.userSecretArn}: the secret names no dbname`);
    const work = family === "postgres" ? postgresUser : mysqlUser;
    const result = await withMaster(deps, event, user, database, masks, (session) =>
      work(session as never, user, database),
    );
    deps.log(
      `${result.created ? "created" : "found"} ${family} user ${user.username} on ${user.host}/${database}; grants stated`,
    );
    return { engine: family, username: user.username, database, ...result };
  } catch (error) {
    // A fresh error: no cause chain, no driver fields (a statement's text) that could hold
    // a password, and the message masked.
    throw new Error(mask(error instanceof Error ? error.message : String(error), masks));
  }
}

type Work = (
  session: PostgresSession & MysqlSession,
) => Promise<{ created: boolean; statements: string[] }>;

/** Logs in as the master (AWSCURRENT, then AWSPENDING; a few times) and runs `work`. */
async function withMaster(
  deps: Dependencies,
  event: ApplicationUserEvent,
  user: DatabaseSecretValue,
  database: string,
  masks: string[],
  work: Work,
): Promise<{ created: boolean; statements: string[] }> {
  const family = ENGINE_FAMILIES[user.engine];
  let lastError = "";
  for (let attempt = 1; attempt <= MASTER_LOGIN_ATTEMPTS; attempt++) {
    for (const stage of ["AWSCURRENT", "AWSPENDING"] as const) {
      const master = await readSecret(deps, event.masterSecretArn, stage);
      if (!master) continue;
      masks.push(master.password);
      // As AWS's functions check (confused deputy): the master must be of the same database.
      if (master.host !== user.host) {
        throw new Error(
          `the master secret's host ${master.host} is not the application secret's ${user.host}`,
        );
      }
      const connection: Connection = {
        host: master.host,
        port: Number(master.port ?? user.port ?? (family === "postgres" ? 5432 : 3306)),
        user: master.username,
        password: master.password,
        database,
      };
      let session: (PostgresSession & MysqlSession) | undefined;
      try {
        session = (await (family === "postgres"
          ? deps.postgres(connection)
          : deps.mysql(connection))) as PostgresSession & MysqlSession;
      } catch (error) {
        if (!isLoginRefused(error)) throw error;
        lastError = mask(error instanceof Error ? error.message : String(error), masks);
        deps.log(`master login (${stage}) refused, attempt ${attempt}`);
        continue;
      }
      try {
        return await work(session);
      } finally {
        await session.end();
      }
    }
    if (attempt < MASTER_LOGIN_ATTEMPTS) await deps.sleep(MASTER_LOGIN_WAIT_MS);
  }
  throw new Error(
    `could not log in as the master of ${event.masterSecretArn} (AWSCURRENT nor AWSPENDING, ${MASTER_LOGIN_ATTEMPTS} attempts): ${lastError}`,
  );
}

/** A refused login: PostgreSQL 28P01 (invalid password), MySQL 1045 (access denied). */
function isLoginRefused(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown };
  return e?.code === "28P01" || e?.errno === 1045 || e?.code === "ER_ACCESS_DENIED_ERROR";
}

async function postgresUser(
  pg: PostgresSession,
  user: DatabaseSecretValue,
  database: string,
): Promise<{ created: boolean; statements: string[] }> {
  const role = pg.escapeIdentifier(user.username);
  const statements: string[] = [];
  const run = async (sql: string, shown = sql) => {
    statements.push(shown);
    await pg.query(sql);
  };
  const found = await pg.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [user.username]);
  const created = found.rows.length === 0;
  await run("BEGIN");
  try {
    if (created) {
      // A utility statement takes no bind parameters: the password goes as an escaped literal.
      await run(
        `CREATE ROLE ${role} WITH LOGIN PASSWORD ${pg.escapeLiteral(user.password)}`,
        `CREATE ROLE ${role} WITH LOGIN PASSWORD ***`,
      );
    } else {
      await requireAdminOption(pg, user.username);
    }
    const r = POSTGRES_APPLICATION_RIGHTS;
    await run(
      `GRANT ${r.database.join(", ")} ON DATABASE ${pg.escapeIdentifier(database)} TO ${role}`,
    );
    await run(
      `GRANT ${r.schemaRights.join(", ")} ON SCHEMA ${pg.escapeIdentifier(r.schema)} TO ${role}`,
    );
    await run("COMMIT");
  } catch (error) {
    await pg.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
  return { created, statements };
}

/**
 * An existing user the master does not administer (PostgreSQL 16 and later): the rotation's
 * `GRANT <user> TO <user>_clone` would fail, so say so now.
 */
async function requireAdminOption(pg: PostgresSession, username: string): Promise<void> {
  const version = await pg.query("SELECT current_setting('server_version_num')::int AS v");
  if (Number(version.rows[0]?.v) < 160000) return;
  const admin = await pg.query(
    "SELECT pg_has_role(current_user, $1, 'MEMBER WITH ADMIN OPTION') AS ok",
    [username],
  );
  if (admin.rows[0]?.ok !== true) {
    throw new Error(
      `the role ${username} exists but the master has no ADMIN OPTION on it, so multi-user rotation cannot grant it to ${username}_clone; run GRANT ${pg.escapeIdentifier(username)} TO <master> WITH ADMIN OPTION as its creator, or drop it and run again`,
    );
  }
}

async function mysqlUser(
  my: MysqlSession,
  user: DatabaseSecretValue,
  database: string,
): Promise<{ created: boolean; statements: string[] }> {
  const statements: string[] = [];
  const account = [user.username, MYSQL_USER_HOST];
  const [rows] = await my.query("SELECT 1 FROM mysql.user WHERE User = ? AND Host = ?", account);
  const created = (rows as unknown[]).length === 0;
  if (created) {
    // IF NOT EXISTS: a concurrent run that created it first leaves its password alone.
    statements.push("CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY *** REQUIRE SSL");
    await my.query("CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ? REQUIRE SSL", [
      ...account,
      user.password,
    ]);
  }
  const grant = `GRANT ${MYSQL_APPLICATION_RIGHTS.join(", ")} ON ${my.escapeId(database)}.* TO ?@?`;
  statements.push(grant);
  await my.query(grant, account);
  return { created, statements };
}

/** One stage of a secret, parsed; undefined when the secret has no version in that stage. */
async function readSecret(
  deps: Dependencies,
  arn: string,
  stage: "AWSCURRENT" | "AWSPENDING",
): Promise<DatabaseSecretValue | undefined> {
  let text: string | undefined;
  try {
    const out = await deps.secrets.send(
      new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }),
    );
    text = out.SecretString;
  } catch (error) {
    if ((error as { name?: string }).name === "ResourceNotFoundException" && stage !== "AWSCURRENT")
      return undefined;
    throw new Error(`reading ${arn} (${stage}): ${(error as Error).name ?? "error"}`);
  }
  let value: Partial<DatabaseSecretValue>;
  try {
    value = JSON.parse(text ?? "") as Partial<DatabaseSecretValue>;
  } catch {
    throw new Error(`${arn} (${stage}) is not JSON`);
  }
  for (const key of ["engine", "host", "username", "password"] as const) {
    if (typeof value[key] !== "string" || value[key] === "")
      throw new Error(`${arn} (${stage}) has no ${key}`);
  }
  return value as DatabaseSecretValue;
}

/**
 * `text` with each secret replaced by `***`: as given, and in the forms a statement would
 * carry it (PostgreSQL's `''` and `E'…\\…'`, MySQL's backslash escapes, JSON), and any
 * literal after `PASSWORD` or `IDENTIFIED BY`, should a driver quote a statement.
 */
export function mask(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(PASSWORD|IDENTIFIED BY)\s+E?'(?:[^'\\]|''|\\.)*'/gi, "$1 ***");
  for (const secret of secrets) {
    if (!secret) continue;
    const backslashed = secret.replace(/\\/g, "\\\\");
    const forms = [
      secret,
      secret.replace(/'/g, "''"),
      backslashed.replace(/'/g, "''"),
      backslashed.replace(/'/g, "\\'"),
      JSON.stringify(secret).slice(1, -1),
    ];
    for (const form of forms) out = out.split(form).join("***");
  }
  return out;
}
