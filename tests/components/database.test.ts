import { Database, DatabaseArgs } from "../../components/database";
import { assertRefused } from "../harness";

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
