import { Database, DatabaseArgs } from "../../components/database";
import * as assert from "node:assert/strict";
import { assertRefused, ofType, runComponent } from "../harness";

const args: DatabaseArgs = {
  engine: "postgres",
  instanceClass: "db.t4g.micro",
  allocatedStorage: 20,
  dbName: "orders",
  username: "orders_admin",
  identifier: "test-orders",
  vpcId: "vpc-0123",
  subnetIds: ["subnet-a", "subnet-b"],
  rotationCidrs: ["10.0.0.0/20"],
};

describe("Database component guards", () => {
  it("refuses an empty rotationCidrs", () =>
    assertRefused(
      () => new Database("orders-db", { ...args, rotationCidrs: [] }),
      "Database orders-db",
      "rotationCidrs",
    ));
});

describe("Database allowFrom", () => {
  const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
  const rulesOf = async (allowFrom?: DatabaseArgs["allowFrom"]) => {
    const stack = await runComponent(() => {
      new Database("orders-db", { ...args, allowFrom });
      return {};
    });
    return ofType(stack, INGRESS).map((r) => ({
      urn: r.urn,
      name: r.name,
      source: r.inputs.cidrIpv4 ?? r.inputs.referencedSecurityGroupId,
      port: [r.inputs.fromPort, r.inputs.toPort],
    }));
  };

  it("adds one ingress rule on the port per source, leaving the rotation rules as they were", async () => {
    const before = await rulesOf();
    const after = await rulesOf({
      securityGroupIds: ["sg-0123456789abcdef0", "sg-01234567"],
      cidrs: ["10.1.0.0/20"],
    });
    assert.deepEqual(
      before.map((r) => r.name),
      ["orders-db-from-rotation-0"],
    );
    assert.deepEqual(after.slice(0, before.length), before);
    assert.deepEqual(
      after.slice(before.length).map((r) => [r.name, r.source, r.port]),
      [
        ["orders-db-from-sg-0123456789abcdef0", "sg-0123456789abcdef0", [5432, 5432]],
        ["orders-db-from-sg-01234567", "sg-01234567", [5432, 5432]],
        ["orders-db-from-10-1-0-0-20", "10.1.0.0/20", [5432, 5432]],
      ],
    );
  });

  it("names each rule by its source: removing one leaves the others' URNs", async () => {
    const both = await rulesOf({ cidrs: ["10.1.0.0/20", "10.2.0.0/20"] });
    const second = await rulesOf({ cidrs: ["10.2.0.0/20"] });
    assert.equal(
      second.find((r) => r.source === "10.2.0.0/20")?.urn,
      both.find((r) => r.source === "10.2.0.0/20")?.urn,
    );
  });

  it("refuses an Aurora engine and a malformed allowFrom entry", async () => {
    await assertRefused(
      () => new Database("orders-db", { ...args, engine: "aurora-postgresql" }),
      "Database orders-db",
      "AuroraCluster",
    );
    await assertRefused(
      () => new Database("orders-db", { ...args, allowFrom: { securityGroupIds: ["sg-xyz"] } }),
      "Database orders-db",
      "allowFrom.securityGroupIds",
    );
  });
});
