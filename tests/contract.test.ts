import * as assert from "node:assert/strict";
import type { z } from "zod";
import type { DatabaseEndpoint } from "../components/database";
import { databaseEndpointSchema } from "../src/contract";

/** `true` only when A and B are assignable both ways: no field more or less on either side. */
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

describe("stack contract", () => {
  it("reads exactly the Database component's DatabaseEndpoint", () => {
    // Compile-time: a field added to one side only fails the typecheck here.
    const same: Exactly<z.infer<typeof databaseEndpointSchema>, DatabaseEndpoint> = true;
    assert.equal(same, true);
    const endpoint: DatabaseEndpoint = {
      engine: "mysql",
      host: "orders.example.internal",
      port: 3306,
      dbname: "orders",
      username: "orders_admin",
      dbInstanceIdentifier: "orders-prod",
    };
    assert.deepEqual(databaseEndpointSchema.parse(endpoint), endpoint);
    assert.equal(
      databaseEndpointSchema.safeParse({ ...endpoint, engine: "oracle" }).success,
      false,
    );
  });

  it("names a database by exactly one identifier, its engine's", () => {
    const cluster: DatabaseEndpoint = {
      engine: "aurora-postgresql",
      host: "ledger.cluster-abc.us-east-1.rds.amazonaws.com",
      port: 5432,
      dbname: "ledger",
      username: "ledger_admin",
      dbClusterIdentifier: "ledger-prod",
    };
    assert.deepEqual(databaseEndpointSchema.parse(cluster), cluster);
    const parses = (value: unknown) => databaseEndpointSchema.safeParse(value).success;
    assert.equal(parses({ ...cluster, dbInstanceIdentifier: "ledger-prod-1" }), false, "both");
    const neither: Record<string, unknown> = { ...cluster };
    delete neither.dbClusterIdentifier;
    assert.equal(parses(neither), false, "neither");
    assert.equal(
      parses({ ...neither, dbInstanceIdentifier: "ledger-prod" }),
      false,
      "an instance id for a cluster engine",
    );
    assert.equal(
      parses({ ...cluster, engine: "postgres" }),
      false,
      "a cluster id for an instance engine",
    );
  });
});
