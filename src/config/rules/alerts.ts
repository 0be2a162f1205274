/** Rules on `secrets-hub:alerts`: where the rotation-failure alerts can go. */
import { partitionOf } from "../../../kernel/partitions";
import type { Rule } from "./rule";

/**
 * An existing alerts topic is in the central Region (and so its partition): the EventBridge
 * rule's target and the alarms' actions must be, "The targets you associate with a rule must
 * be in the same AWS Region as the rule" (AWS re:Post knowledge center,
 * sns-not-getting-eventbridge-notification), and a CloudWatch alarm notifies an SNS topic of
 * its own Region only.
 */
export const alertsTopicInCentralRegion: Rule = {
  name: "alerts-topic-in-central-region",
  check(env, report) {
    const topicArn = env.alerts.topicArn;
    const region = env.central.region;
    if (topicArn === undefined || region === undefined) return;
    const [, partition, service, topicRegion] = topicArn.split(":");
    if (service !== "sns" || topicRegion === undefined) return;
    const expected = partitionOf(region);
    if (topicRegion !== region || partition !== expected) {
      report({
        path: ["alerts", "topicArn"],
        input: topicArn,
        message: `must be a topic in the central Region (arn:${expected}:sns:${region}:…): EventBridge targets and alarm actions are Regional (secrets-hub:central.region is ${region})`,
      });
    }
  },
};
