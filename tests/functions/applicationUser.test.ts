// The application-user function's SQL against recorded fakes of the pg and mysql2 clients,
// and Secrets Manager under aws-sdk-client-mock.
import * as assert from "node:assert/strict";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { escapeIdentifier, escapeLiteral } from "pg";
import * as mysql from "mysql2";
import {
  Connection,
  Dependencies,
  MASTER_LOGIN_ATTEMPTS,
  MysqlSession,
  PostgresSession,
  createApplicationUser,
} from "../../functions/application-user/handler";

const MASTER_ARN = "arn:aws:secretsmanager:us-east-1:111111111111:secret:app/db/master-AbCdEf";
const USER_ARN = "arn:aws:secretsmanager:us-east-1:111111111111:secret:app/db-GhIjKl";
const USER_PASSWORD = "user-Pa55'word\\x";
const MASTER_PASSWORD = "master-S3cret";

const secretValue = (engine: string, username: string, password: string, extra = {}) =>
  JSON.stringify({
    engine,
    host: "db.example.internal",
    port: 5432,
    username,
    password,
    dbname: "orders",
    ssl: true,
    ...extra,
  });

/** A pg client that records each statement and answers from `answer`. */
function fakePostgres(answer: (sql: string) => Record<string, unknown>[]) {
  const log: string[] = [];
  const connections: Connection[] = [];
  const session: PostgresSession = {
    async query(text, values) {
      log.push(values ? `${text} -- ${JSON.stringify(values)}` : text);
      return { rows: answer(text) };
    },
    escapeIdentifier,
    escapeLiteral,
    async end() {},
  };
  return { log, connections, connect: async (c: Connection) => (connections.push(c), session) };
}

function fakeMysql(existing: boolean) {
  const log: string[] = [];
  const formatted: string[] = [];
  const session: MysqlSession = {
    async query(sql, values) {
      log.push(sql);
      formatted.push(mysql.format(sql, (values ?? []) as never));
      return [sql.startsWith("SELECT") && existing ? [{ 1: 1 }] : [], undefined];
    },
    escapeId: (name) => mysql.escapeId(name, true),
    async end() {},
  };
  return { log, formatted, connect: async () => session };
}

describe("application-user function", () => {
  const sm = mockClient(SecretsManagerClient);
  const logs: string[] = [];
  const deps = (over: Partial<Dependencies>): Dependencies => ({
    secrets: new SecretsManagerClient({ region: "us-east-1" }),
    postgres: async () => assert.fail("no postgres expected"),
    mysql: async () => assert.fail("no mysql expected"),
    sleep: async () => {},
    log: (line) => logs.push(line),
    ...over,
  });
  const secrets = (engine: string, username = "app") => {
    sm.on(GetSecretValueCommand, { SecretId: USER_ARN, VersionStage: "AWSCURRENT" }).resolves({
      SecretString: secretValue(engine, username, USER_PASSWORD, { masterarn: MASTER_ARN }),
    });
    sm.on(GetSecretValueCommand, { SecretId: MASTER_ARN, VersionStage: "AWSCURRENT" }).resolves({
      SecretString: secretValue(engine, "admin", MASTER_PASSWORD),
    });
  };
  beforeEach(() => {
    sm.reset();
    logs.length = 0;
  });
  const event = { masterSecretArn: MASTER_ARN, userSecretArn: USER_ARN };

  it("PostgreSQL: creates the role as the master, with the password as a literal, then the grants", async () => {
    secrets("postgres");
    const pg = fakePostgres(() => []);
    const result = await createApplicationUser(event, deps({ postgres: pg.connect }));
    assert.deepEqual(
      pg.connections.map((c) => [c.user, c.password, c.database]),
      [["admin", MASTER_PASSWORD, "orders"]],
    );
    assert.deepEqual(pg.log, [
      'SELECT 1 FROM pg_roles WHERE rolname = $1 -- ["app"]',
      "BEGIN",
      `CREATE ROLE "app" WITH LOGIN PASSWORD ${escapeLiteral(USER_PASSWORD)}`,
      'GRANT CONNECT, TEMPORARY ON DATABASE "orders" TO "app"',
      'GRANT USAGE, CREATE ON SCHEMA "public" TO "app"',
      "COMMIT",
    ]);
    assert.equal(result.created, true);
    const shown = JSON.stringify(result) + logs.join("\n");
    assert.ok(!shown.includes(USER_PASSWORD) && !shown.includes(MASTER_PASSWORD), shown);
  });

  it("PostgreSQL: a role that exists keeps its password (no CREATE, no ALTER): grants only", async () => {
    secrets("postgres");
    const pg = fakePostgres((sql) =>
      sql.includes("pg_roles WHERE rolname")
        ? [{ "?column?": 1 }]
        : sql.includes("server_version_num")
          ? [{ v: 160004 }]
          : sql.includes("pg_has_role")
            ? [{ ok: true }]
            : [],
    );
    const result = await createApplicationUser(event, deps({ postgres: pg.connect }));
    assert.equal(result.created, false);
    assert.ok(!pg.log.some((s) => /CREATE ROLE|ALTER|PASSWORD/.test(s)), pg.log.join("\n"));
    assert.ok(pg.log.includes('GRANT CONNECT, TEMPORARY ON DATABASE "orders" TO "app"'));
  });

  it("PostgreSQL 16: refuses a role the master has no ADMIN OPTION on, naming the fix", async () => {
    secrets("postgres");
    const pg = fakePostgres((sql) =>
      sql.includes("rolname")
        ? [{ "?column?": 1 }]
        : sql.includes("server_version_num")
          ? [{ v: 160004 }]
          : sql.includes("pg_has_role")
            ? [{ ok: false }]
            : [],
    );
    await assert.rejects(
      createApplicationUser(event, deps({ postgres: pg.connect })),
      /ADMIN OPTION.*app_clone/,
    );
    assert.ok(pg.log.includes("ROLLBACK"));
  });

  it("quotes names with odd characters as identifiers", async () => {
    secrets("postgres", 'we"ird user');
    const pg = fakePostgres(() => []);
    await createApplicationUser(event, deps({ postgres: pg.connect }));
    assert.ok(
      pg.log.some((s) => s.startsWith('CREATE ROLE "we""ird user" WITH LOGIN')),
      pg.log.join("\n"),
    );

    secrets("mysql", "o'dd`name");
    const my = fakeMysql(false);
    await createApplicationUser(event, deps({ mysql: my.connect }));
    assert.ok(
      my.formatted.some((s) => s.includes("TO 'o\\'dd`name'@'%'")),
      my.formatted.join("\n"),
    );
  });

  it("MySQL: CREATE USER IF NOT EXISTS '<user>'@'%' requiring TLS, then the grants on <dbname>.*", async () => {
    secrets("mysql");
    const my = fakeMysql(false);
    const result = await createApplicationUser(event, deps({ mysql: my.connect }));
    assert.equal(result.created, true);
    assert.equal(
      my.formatted[1],
      `CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY ${mysql.escape(USER_PASSWORD)} REQUIRE SSL`,
    );
    assert.match(my.formatted[2], /^GRANT SELECT, INSERT, .* ON `orders`\.\* TO 'app'@'%'$/);
    assert.ok(!JSON.stringify(result).includes(USER_PASSWORD));
  });

  it("MySQL: a user that exists is not created again (its password stays)", async () => {
    secrets("mysql");
    const my = fakeMysql(true);
    await createApplicationUser(event, deps({ mysql: my.connect }));
    assert.ok(!my.log.some((s) => s.startsWith("CREATE USER")), my.log.join("\n"));
    assert.ok(my.log.some((s) => s.startsWith("GRANT")));
  });

  it("errors never hold a password, whatever the driver says", async () => {
    secrets("postgres");
    const pg = fakePostgres((sql) => {
      if (sql.startsWith("CREATE ROLE"))
        throw Object.assign(new Error(`syntax error in ${sql} near ${MASTER_PASSWORD}`), {
          query: sql,
        });
      return [];
    });
    const failure = await createApplicationUser(event, deps({ postgres: pg.connect })).then(
      () => assert.fail("expected a failure"),
      (e: Error) => e,
    );
    const text = `${failure.message} ${failure.stack} ${JSON.stringify(failure)} ${String((failure as { cause?: unknown }).cause)}`;
    assert.ok(text.includes("syntax error"), text);
    assert.ok(!text.includes(USER_PASSWORD) && !text.includes(escapeLiteral(USER_PASSWORD)), text);
    assert.ok(!text.includes(MASTER_PASSWORD), text);
  });

  it("logs in with the master's AWSPENDING when its AWSCURRENT is refused (its rotation in flight), and gives up after the attempts", async () => {
    secrets("postgres");
    sm.on(GetSecretValueCommand, { SecretId: MASTER_ARN, VersionStage: "AWSPENDING" }).resolves({
      SecretString: secretValue("postgres", "admin", "master-next"),
    });
    const pg = fakePostgres(() => []);
    const refuse = Object.assign(new Error("password authentication failed"), { code: "28P01" });
    const tried: string[] = [];
    await createApplicationUser(
      event,
      deps({
        postgres: async (c) => {
          tried.push(c.password);
          if (c.password === MASTER_PASSWORD) throw refuse;
          return pg.connect(c);
        },
      }),
    );
    assert.deepEqual(tried, [MASTER_PASSWORD, "master-next"]);

    let waits = 0;
    await assert.rejects(
      createApplicationUser(
        event,
        deps({
          postgres: async () => {
            throw refuse;
          },
          sleep: async () => void waits++,
        }),
      ),
      /could not log in as the master/,
    );
    assert.equal(waits, MASTER_LOGIN_ATTEMPTS - 1);
  });

  it("refuses a master secret of another host (as AWS's functions do)", async () => {
    secrets("postgres");
    sm.on(GetSecretValueCommand, { SecretId: MASTER_ARN, VersionStage: "AWSCURRENT" }).resolves({
      SecretString: secretValue("postgres", "admin", MASTER_PASSWORD, {
        host: "other.example.internal",
      }),
    });
    await assert.rejects(createApplicationUser(event, deps({})), /not the application secret's/);
  });
});
