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
});
