import * as assert from "node:assert/strict";
import { secretsKeyPolicy } from "../../components/iamDocuments";
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

describe("secrets key policy size", () => {
  const bytes = (workloads: number, organizationId?: string) =>
    Buffer.byteLength(
      JSON.stringify(
        secretsKeyPolicy({
          accountId: "111111111111",
          region: "ap-southeast-2",
          readerAccountIds: Array.from({ length: workloads }, (_, i) => String(200000000000 + i)),
          organizationId,
        }),
      ),
    );

  it("naming the organization, 1,000 or 5,000 workloads take the bytes of 100", () => {
    assert.equal(bytes(1000, "o-abcdefghij"), bytes(100, "o-abcdefghij"));
    assert.equal(bytes(5000, "o-abcdefghij"), bytes(100, "o-abcdefghij"));
  });

  it("listing the accounts, each workload account adds 15 bytes; about 2,150 fit in 32,768", () => {
    assert.equal(bytes(1000) - bytes(100), 900 * 15);
    assert.ok(bytes(2150) <= 32768, String(bytes(2150)));
    assert.ok(bytes(2200) > 32768, String(bytes(2200)));
  });
});
