import { SecretsKey, SecretsKeyArgs } from "../../components/secretsKey";
import { assertRefused } from "../harness";

const args: SecretsKeyArgs = {
  accountId: "111111111111",
  region: "us-east-1",
  replicaRegion: "us-west-2",
  aliasName: "test-secrets",
  rotationRoleArnPattern: "arn:aws:iam::111111111111:role/serverlessrepo-test-rotation-*",
};

describe("SecretsKey component guards", () => {
  it("refuses a replicaRegion equal to region", () =>
    assertRefused(
      () => new SecretsKey("secrets", { ...args, replicaRegion: "us-east-1" }),
      "SecretsKey secrets",
      "replicaRegion",
    ));

  for (const days of [6, 31]) {
    it(`refuses deletionWindowInDays ${days}`, () =>
      assertRefused(
        () => new SecretsKey("secrets", { ...args, deletionWindowInDays: days }),
        "SecretsKey secrets",
        "deletionWindowInDays",
        String(days),
      ));
  }
});
