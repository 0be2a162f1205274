import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountRootArn, arnPrefix } from "../kernel/partitions";

/** Where the alerts go: a topic this component creates (with e-mail subscriptions), or one that exists. */
export type AlertDestination =
  | {
      /** Create a topic encrypted with its own customer-managed key. */
      kind: "topic";
      /** Addresses subscribed to the topic; each must confirm the subscription e-mail. Default: none. */
      emails?: readonly string[];
    }
  | {
      /** Publish to an existing topic (its owner keeps its key policy and subscriptions right). */
      kind: "existing";
      topicArn: string;
    };

/** Arguments of {@link RotationAlerts}. */
export interface RotationAlertsArgs {
  /** Prefix of every name, e.g. `secrets-hub-dev`. */
  namePrefix: string;
  /** Account and region of the rotation (the key policy's `aws:SourceAccount`, the alarm ARNs). */
  accountId: string;
  region: string;
  /** Names of the rotation functions whose errors raise an alarm. */
  functionNames: readonly string[];
  destination: AlertDestination;
  /** Protect the topic's key from replacement and deletion. Default: true. */
  protect?: boolean;
  tags?: Record<string, string>;
}

/**
 * Tells someone when rotation fails, which is how a broken network path or a retired
 * runtime would otherwise go unnoticed until the next window: an EventBridge rule on
 * Secrets Manager's `RotationFailed`, `RotationAbandoned` and `TestRotationFailed` events
 * (CloudTrail service events, delivered to the default bus without a trail) and a
 * CloudWatch alarm on each rotation function's `Errors`, all publishing to one SNS topic.
 * A created topic is encrypted with its own customer-managed key whose policy lets
 * EventBridge and CloudWatch (of this account only) use it; the AWS-managed `aws/sns` key
 * cannot, as its policy cannot name them. An existing topic must be in `region`:
 * EventBridge targets and alarm actions are Regional.
 */
export class RotationAlerts extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;
  public readonly ruleArn: pulumi.Output<string>;

  constructor(name: string, args: RotationAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:central:RotationAlerts", name, {}, opts);
    if (args.functionNames.length === 0)
      throw new Error(`RotationAlerts ${name}: functionNames must name at least one function`);
    const protect = args.protect ?? true;
    const sourceAccount = { StringEquals: { "aws:SourceAccount": args.accountId } };

    const rule = new aws.cloudwatch.EventRule(
      `${name}-rotation-failed`,
      {
        name: `${args.namePrefix}-rotation-failed`,
        description: "Secrets Manager rotation failed or was abandoned",
        eventPattern: JSON.stringify(ROTATION_FAILURE_PATTERN),
        tags: args.tags,
      },
      { parent: this },
    );
    // ARNs in the Region's partition (arn:aws-us-gov:…, arn:aws-cn:…); the service
    // principals below are <service>.amazonaws.com in every partition (AWS CDK region-info
    // default.ts: "Service principals are now globally <SERVICE>.amazonaws.com", its
    // exceptions being codedeploy, logs, states and elasticmapreduce, none used here).
    const alarmArnPattern = `${arnPrefix(args.region)}:cloudwatch:${args.region}:${args.accountId}:alarm:${args.namePrefix}-*`;

    let topicArn: pulumi.Output<string>;
    if (args.destination.kind === "existing") {
      const topicRegion = args.destination.topicArn.split(":")[3];
      if (topicRegion !== args.region) {
        throw new Error(
          `RotationAlerts ${name}: the existing topic ${args.destination.topicArn} is in ${topicRegion}; EventBridge targets and alarm actions must be in ${args.region}`,
        );
      }
      topicArn = pulumi.output(args.destination.topicArn);
    } else {
      const key = new aws.kms.Key(
        `${name}-key`,
        {
          description: `secrets-hub: encrypts the rotation alerts topic (${args.namePrefix})`,
          keyUsage: "ENCRYPT_DECRYPT",
          customerMasterKeySpec: "SYMMETRIC_DEFAULT",
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          bypassPolicyLockoutSafetyCheck: false,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "AccountRootAdministration",
                Effect: "Allow",
                Principal: { AWS: accountRootArn(args.region, args.accountId) },
                Action: "kms:*",
                Resource: "*",
              },
              // No aws:Source* condition for EventBridge: "Adding the aws:SourceAccount and
              // aws:SourceArn to a AWS KMS policy is not supported for EventBridge-to-encrypted
              // topics" (Amazon SNS Developer Guide, sns-key-management: "Configuring AWS KMS
              // permissions"); with it, every rotation-failure event is dropped at the key
              // (seen in awslabs/landing-zone-accelerator-on-aws issue #407). Which rule may
              // publish stays limited by the topic policy's aws:SourceArn.
              {
                Sid: "EventBridgePublishEncrypted",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                Resource: "*",
              },
              {
                Sid: "CloudWatchPublishEncrypted",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                Resource: "*",
                Condition: sourceAccount,
              },
            ],
          } satisfies aws.iam.PolicyDocument),
          tags: args.tags,
        },
        { parent: this, protect },
      );
      new aws.kms.Alias(
        `${name}-key-alias`,
        { name: `alias/${args.namePrefix}-alerts`, targetKeyId: key.keyId },
        { parent: this },
      );
      const topic = new aws.sns.Topic(
        `${name}-topic`,
        {
          name: `${args.namePrefix}-rotation-alerts`,
          displayName: `secrets-hub ${args.namePrefix}: rotation alerts`,
          kmsMasterKeyId: key.arn,
          tags: args.tags,
        },
        { parent: this },
      );
      new aws.sns.TopicPolicy(
        `${name}-topic-policy`,
        {
          arn: topic.arn,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "RotationFailureRulePublishes",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sns:Publish",
                Resource: topic.arn,
                Condition: { ArnEquals: { "aws:SourceArn": rule.arn } },
              },
              {
                Sid: "RotationErrorAlarmsPublish",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "sns:Publish",
                Resource: topic.arn,
                Condition: {
                  ArnLike: { "aws:SourceArn": alarmArnPattern },
                  ...sourceAccount,
                },
              },
            ],
          } satisfies aws.iam.PolicyDocument),
        },
        { parent: this },
      );
      (args.destination.emails ?? []).forEach(
        (email, i) =>
          new aws.sns.TopicSubscription(
            `${name}-email-${i}`,
            { topic: topic.arn, protocol: "email", endpoint: email },
            { parent: this },
          ),
      );
      topicArn = topic.arn;
    }

    new aws.cloudwatch.EventTarget(
      `${name}-rotation-failed-to-topic`,
      { rule: rule.name, arn: topicArn, targetId: "rotation-alerts-topic" },
      { parent: this },
    );
    for (const functionName of args.functionNames) {
      new aws.cloudwatch.MetricAlarm(
        `${name}-${functionName}-errors`,
        {
          name: `${functionName}-errors`,
          alarmDescription: `Rotation function ${functionName} reported an error`,
          namespace: "AWS/Lambda",
          metricName: "Errors",
          dimensions: { FunctionName: functionName },
          statistic: "Sum",
          period: 300,
          evaluationPeriods: 1,
          threshold: 0,
          comparisonOperator: "GreaterThanThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [topicArn],
          tags: args.tags,
        },
        { parent: this },
      );
    }

    this.topicArn = topicArn;
    this.ruleArn = rule.arn;
    this.registerOutputs({ topicArn: this.topicArn, ruleArn: this.ruleArn });
  }
}

/**
 * Secrets Manager's rotation failures, as EventBridge receives them from CloudTrail.
 * `RotationFailed`, `RotationAbandoned` and `TestRotationFailed` are events Secrets Manager
 * itself records, delivered as "AWS Service Event via CloudTrail" (Secrets Manager User
 * Guide, "Match AWS Secrets Manager events with Amazon EventBridge"); "AWS API Call via
 * CloudTrail" is matched too, so that a failure CloudTrail records as the API call it
 * belongs to is not missed either.
 */
export const ROTATION_FAILURE_PATTERN = {
  source: ["aws.secretsmanager"],
  "detail-type": ["AWS Service Event via CloudTrail", "AWS API Call via CloudTrail"],
  detail: {
    // CloudTrail's eventSource is the service's global name in every partition.
    eventSource: ["secretsmanager.amazonaws.com"],
    eventName: ["RotationFailed", "RotationAbandoned", "TestRotationFailed"],
  },
};
