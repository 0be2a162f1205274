import { SecretsKey, SecretsKeyArgs } from "../../components/secretsKey";
import { assertRefused } from "../harness";

const args: SecretsKeyArgs = {
  accountId: "111111111111",
  region: "us-east-1",
  replicaRegion: "us-west-2",
  aliasName: "test-secrets",
};

describe("SecretsKey component guards", () => {
  it("refuses a replicaRegion equal to region", () =>
    assertRefused(
      () => new SecretsKey("secrets", { ...args, replicaRegion: "us-east-1" }),
      "SecretsKey secrets",
      "replicaRegion",
    ));

  for (const extra of [["us-east-1"], ["us-west-2"], ["eu-west-1", "eu-west-1"]]) {
    it(`refuses additionalRegions ${extra.join(", ")}`, () =>
      assertRefused(
        () => new SecretsKey("secrets", { ...args, additionalRegions: extra }),
        "SecretsKey secrets",
        "additionalRegions",
      ));
  }

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
