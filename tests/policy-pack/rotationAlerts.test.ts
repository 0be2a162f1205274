import { checkPolicySize, ROLE_INLINE_POLICIES_MAX_CHARS } from "../../policy-pack/policies/access";
import { checkRotationAlerting } from "../../policy-pack/policies/rotation";
import type { PlainResource } from "../../policy-pack/policies/model";
import { ok, res, violates } from "./findings";

/** A stack with a rotation, the failure rule, its target, and the topic on its own key. */
function stack(options: { protect: boolean; subscribed: boolean }): PlainResource[] {
  const key = { ...res("aws:kms/key:Key", "alerts-key", {}), protect: options.protect };
  const topic = res(
    "aws:sns/topic:Topic",
    "alerts-topic",
    { kmsMasterKeyId: "arn:aws:kms:us-east-1:111111111111:key/k" },
    { kmsMasterKeyId: [key.urn] },
  );
  const rule = res("aws:cloudwatch/eventRule:EventRule", "rotation-failed", {
    eventPattern: JSON.stringify({ detail: { eventName: ["RotationFailed"] } }),
  });
  return [
    res("aws:secretsmanager/secretRotation:SecretRotation", "db-rotation", {}),
    key,
    topic,
    rule,
    res(
      "aws:cloudwatch/eventTarget:EventTarget",
      "to-topic",
      {},
      {
        rule: [rule.urn],
        arn: [topic.urn],
      },
    ),
    ...(options.subscribed
      ? [
          res(
            "aws:sns/topicSubscription:TopicSubscription",
            "email-0",
            {},
            {
              topic: [topic.urn],
            },
          ),
        ]
      : []),
  ];
}

describe("rotation-failure-alerting: someone receives the alerts", () => {
  it("reports a protected environment's alerts topic that nobody is subscribed to", () =>
    violates(
      checkRotationAlerting(stack({ protect: true, subscribed: false })),
      /alerts-topic: the rotation alerts topic has no subscription, so a failing rotation reaches no one: set secrets-hub:alerts\.emails/,
    ));

  it("accepts a subscribed topic", () =>
    ok(checkRotationAlerting(stack({ protect: true, subscribed: true }))));

  it("does not ask a sandbox (its key not protected)", () =>
    ok(checkRotationAlerting(stack({ protect: false, subscribed: false }))));
});

describe("policy-size-limits: inline role policies", () => {
  it("counts characters without whitespace against IAM's 10,240 per role", () => {
    const statement = (i: number) => ({
      Sid: `S${i}`,
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: "*",
    });
    const spaced = JSON.stringify({ Version: "2012-10-17", Statement: [statement(0)] }, null, 40);
    ok(
      checkPolicySize(
        spaced + " ".repeat(20000),
        ROLE_INLINE_POLICIES_MAX_CHARS,
        "characters without whitespace",
      ),
    );
    violates(
      checkPolicySize(
        JSON.stringify({ Statement: Array.from({ length: 200 }, (_, i) => statement(i)) }),
        ROLE_INLINE_POLICIES_MAX_CHARS,
        "characters without whitespace",
      ),
      /characters without whitespace; the AWS limit is 10240$/,
    );
  });
});
