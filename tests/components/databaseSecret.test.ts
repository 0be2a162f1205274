import { DatabaseSecret, DatabaseSecretArgs } from "../../components/databaseSecret";
import { assertRefused } from "../harness";

const args: DatabaseSecretArgs = {
  secretName: "test/orders",
  kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/primary",
  replica: { region: "us-west-2", kmsKeyArn: "arn:aws:kms:us-west-2:111111111111:key/replica" },
  region: "us-east-1",
  readerRoleArn: "arn:aws:iam::222222222222:role/test-app",
  rotationLambdaArn: "arn:aws:lambda:us-east-1:111111111111:function:rotation",
  schedule: "rate(30 days)",
};

describe("DatabaseSecret component guards", () => {
  for (const days of [6, 31]) {
    it(`refuses recoveryWindowInDays ${days}`, () =>
      assertRefused(
        () => new DatabaseSecret("orders-db", { ...args, recoveryWindowInDays: days }),
        "DatabaseSecret orders-db",
        "recoveryWindowInDays",
        String(days),
      ));
  }

  it("refuses a replica.region equal to region", () =>
    assertRefused(
      () =>
        new DatabaseSecret("orders-db", {
          ...args,
          replica: { ...args.replica, region: "us-east-1" },
        }),
      "DatabaseSecret orders-db",
      "replica.region",
    ));
});
