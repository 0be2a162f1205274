import { DatabaseSecret, DatabaseSecretArgs } from "../../components/databaseSecret";
import { assertRefused } from "../harness";

const args: DatabaseSecretArgs = {
  secretName: "test/orders",
  kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/primary",
  replicas: [{ region: "us-west-2", kmsKeyArn: "arn:aws:kms:us-west-2:111111111111:key/replica" }],
  region: "us-east-1",
  readerRoleArns: ["arn:aws:iam::222222222222:role/test-app"],
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

  const key = (region: string) => `arn:aws:kms:${region}:111111111111:key/replica`;
  for (const [what, replicas] of [
    ["no replica", []],
    ["a replica in the primary region", [{ region: "us-east-1", kmsKeyArn: key("us-east-1") }]],
    [
      "the same replica region twice",
      [
        { region: "us-west-2", kmsKeyArn: key("us-west-2") },
        { region: "us-west-2", kmsKeyArn: key("us-west-2") },
      ],
    ],
  ] as const) {
    it(`refuses ${what}`, () =>
      assertRefused(
        () => new DatabaseSecret("orders-db", { ...args, replicas: [...replicas] }),
        "DatabaseSecret orders-db",
        "replicas",
      ));
  }
});
