import * as assert from "node:assert/strict";
import { DatabaseAccess } from "../../components/databaseAccess";
import { assertRefused, ofType, runComponent } from "../harness";

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

describe("DatabaseAccess component guards", () => {
  it("refuses an empty rotationCidrs: the database would admit nothing", () =>
    assertRefused(
      () =>
        new DatabaseAccess("orders-db-access", {
          securityGroupId: "sg-0123456789abcdef0",
          port: 5432,
          rotationCidrs: [],
          engine: "postgres",
        }),
      "DatabaseAccess orders-db-access",
      "rotationCidrs",
    ));

  it("admits exactly the rotation subnets on the database port, adjacent ones in one rule", async () => {
    const run = await runComponent(() => {
      new DatabaseAccess("orders-db-access", {
        securityGroupId: "sg-0123456789abcdef0",
        port: 5432,
        rotationCidrs: ["10.0.0.0/20", "10.0.16.0/20", "10.0.64.0/20"],
        engine: "postgres",
      });
      return {};
    });
    const rules = ofType(run, INGRESS).map((r) => r.inputs);
    assert.deepEqual(
      rules.map((r) => [r.securityGroupId, r.cidrIpv4, r.ipProtocol, r.fromPort, r.toPort]),
      [
        ["sg-0123456789abcdef0", "10.0.0.0/19", "tcp", 5432, 5432],
        ["sg-0123456789abcdef0", "10.0.64.0/20", "tcp", 5432, 5432],
      ],
    );
  });
});
