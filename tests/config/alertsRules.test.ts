import * as assert from "node:assert/strict";
import { ConfigError, environmentFromFile } from "../../src/config";
import { editedDevFile } from "../harness";

function load(topicArn: string) {
  return environmentFromFile(
    editedDevFile((c) => {
      c["secrets-hub:alerts"] = { topicArn };
    }),
  );
}

describe("config rule alerts-topic-in-central-region", () => {
  for (const [what, topicArn] of [
    ["another Region", "arn:aws:sns:eu-west-1:111111111111:security-alerts"],
    ["another partition", "arn:aws-us-gov:sns:us-east-1:111111111111:security-alerts"],
  ]) {
    it(`refuses an existing alerts topic in ${what}, naming the key and the central Region`, () => {
      assert.throws(
        () => load(topicArn),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, String(error));
          const problem = error.problems.find((p) => p.startsWith("secrets-hub:alerts.topicArn:"));
          assert.match(
            problem ?? error.problems.join("\n"),
            /^secrets-hub:alerts\.topicArn: must be a topic in the central Region \(arn:aws:sns:us-east-1:…\): EventBridge targets and alarm actions are Regional \(secrets-hub:central\.region is us-east-1\)/,
          );
          return true;
        },
      );
    });
  }

  it("accepts a topic of the central Region", () => {
    const env = load("arn:aws:sns:us-east-1:111111111111:security-alerts");
    assert.equal(env.alerts.topicArn, "arn:aws:sns:us-east-1:111111111111:security-alerts");
  });
});
