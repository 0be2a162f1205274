/**
 * The application-user function (Lambda, `nodejs22.x`), bundled by esbuild into one file
 * when a multi-user database exists (components/applicationUser.ts). See handler.ts for what
 * it does and docs/rotation.md, "What the program runs in the database".
 *
 * TLS: both drivers verify the server's certificate and name (`rejectUnauthorized: true`;
 * pg and mysql2 pass the host as the TLS server name). The RDS certificate authorities are not
 * in Node's own store: Lambda's Node.js runtimes ship the Amazon CAs, RDS's included, in
 * `/var/runtime/ca-cert.pem` and from Node.js 20 load them only when
 * `NODE_EXTRA_CA_CERTS=/var/runtime/ca-cert.pem` is set (AWS Lambda Developer Guide,
 * "Building Lambda functions with Node.js", CA certificate loading), which the component sets.
 *
 * Drivers: `pg` (node-postgres) and `mysql2`, the most used pure-JavaScript clients, no
 * native code (esbuild bundles them; pg's optional `pg-native` is left out), each with the
 * escaping this needs (`escapeIdentifier`/`escapeLiteral`; `escapeId` and `?` placeholders).
 * The AWS SDK v3 is the runtime's own (Lambda includes it in Node.js 18 and later), not bundled.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import mysql from "mysql2/promise";
import pg from "pg";
import { ApplicationUserEvent, ApplicationUserResult, createApplicationUser } from "./handler";

const CONNECT_TIMEOUT_MS = 5000;

// The regional endpoint's name: with the interface endpoint's private DNS it resolves to the
// endpoint in the VPC (the function has no other way out).
const secrets = new SecretsManagerClient({});

export async function handler(event: ApplicationUserEvent): Promise<ApplicationUserResult> {
  return createApplicationUser(event, {
    secrets,
    async postgres(c) {
      const client = new pg.Client({
        host: c.host,
        port: c.port,
        user: c.user,
        password: c.password,
        database: c.database,
        ssl: { rejectUnauthorized: true },
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      });
      await client.connect();
      return client;
    },
    async mysql(c) {
      return mysql.createConnection({
        host: c.host,
        port: c.port,
        user: c.user,
        password: c.password,
        database: c.database,
        ssl: { rejectUnauthorized: true },
        connectTimeout: CONNECT_TIMEOUT_MS,
      });
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: (line) => console.log(line),
  });
}
