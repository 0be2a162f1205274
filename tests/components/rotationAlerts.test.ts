import * as assert from "node:assert/strict";
import {
  ROTATION_FAILURE_PATTERN,
  RotationAlerts,
  RotationAlertsArgs,
} from "../../components/rotationAlerts";
import { assertRefused, ofType, policyOf, runComponent } from "../harness";

const args: RotationAlertsArgs = {
  namePrefix: "secrets-hub-test",
  accountId: "111111111111",
  region: "us-east-1",
  functionNames: ["secrets-hub-test-rotation-postgres-single"],
  destination: { kind: "topic", emails: ["team@example.com"] },
};

describe("RotationAlerts", () => {
  it("refuses an existing topic outside its Region, naming both", () =>
    assertRefused(
      () =>
        new RotationAlerts("alerts", {
          ...args,
          destination: { kind: "existing", topicArn: "arn:aws:sns:eu-west-1:111111111111:t" },
        }),
      "RotationAlerts alerts",
      "eu-west-1",
      "must be in us-east-1",
    ));

  it("refuses no function to watch", () =>
    assertRefused(
      () => new RotationAlerts("alerts", { ...args, functionNames: [] }),
      "RotationAlerts alerts",
      "functionNames",
    ));

  it("the topic's key: EventBridge without aws:Source* conditions, CloudWatch of this account only", async () => {
    const run = await runComponent(() => {
      new RotationAlerts("alerts", args);
      return {};
    });
    const [key] = ofType(run, "aws:kms/key:Key");
    const statements = policyOf(key).Statement as any[];
    const events = statements.filter((s) => s.Principal?.Service === "events.amazonaws.com");
    const cloudwatch = statements.filter(
      (s) => s.Principal?.Service === "cloudwatch.amazonaws.com",
    );
    assert.equal(events.length, 1);
    assert.equal(events[0].Condition, undefined);
    assert.equal(cloudwatch.length, 1);
    assert.deepEqual(cloudwatch[0].Condition, {
      StringEquals: { "aws:SourceAccount": "111111111111" },
    });
    // The topic policy still limits EventBridge to this rule.
    const [topicPolicy] = ofType(run, "aws:sns/topicPolicy:TopicPolicy");
    const fromEvents = policyOf(topicPolicy).Statement.find(
      (s: any) => s.Principal.Service === "events.amazonaws.com",
    );
    assert.match(
      fromEvents.Condition.ArnEquals["aws:SourceArn"],
      /:rule\/secrets-hub-test-rotation-failed$/,
    );
    assert.equal(ofType(run, "aws:sns/topicSubscription:TopicSubscription").length, 1);
  });

  it("matches RotationFailed, RotationAbandoned and TestRotationFailed under both CloudTrail detail types", () => {
    assert.deepEqual([...ROTATION_FAILURE_PATTERN["detail-type"]].sort(), [
      "AWS API Call via CloudTrail",
      "AWS Service Event via CloudTrail",
    ]);
    assert.deepEqual(ROTATION_FAILURE_PATTERN.detail.eventName, [
      "RotationFailed",
      "RotationAbandoned",
      "TestRotationFailed",
    ]);
  });
});

describe("RotationAlerts guards", () => {
  it("refuses an empty functionNames: no function's errors would raise an alarm", () =>
    assertRefused(
      () =>
        new RotationAlerts("rotation-alerts", {
          namePrefix: "secrets-hub-dev",
          accountId: "111111111111",
          region: "us-east-1",
          functionNames: [],
          destination: { kind: "topic" },
        }),
      "RotationAlerts rotation-alerts",
      "functionNames",
    ));
});
