/**
 * AWS partitions: which partition a Region is in, and what differs between partitions (the
 * ARN partition, the DNS suffix of service endpoints, where the rotation applications are
 * published). Plain data and functions: the kernel imports nothing.
 */

/** The partitions the program knows. */
export const PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;
export type Partition = (typeof PARTITIONS)[number];

/** What differs between partitions. */
export interface PartitionSpec {
  /** The partition as ARNs spell it: `arn:<partition>:...`. */
  readonly partition: Partition;
  /** DNS suffix of service endpoints: `secretsmanager.<region>.<dnsSuffix>`. */
  readonly dnsSuffix: string;
  /**
   * Where AWS publishes the Secrets Manager rotation applications in this partition (the
   * Serverless Application Repository account and Region of their ARNs).
   */
  readonly rotationApplicationPublisher: { readonly account: string; readonly region: string };
}

/**
 * Publisher accounts and Regions as the AWS CDK has them: aws/aws-cdk
 * packages/aws-cdk-lib/aws-secretsmanager/lib/secret-rotation.ts,
 * `SecretRotationApplication.applicationArnForPartition` (aws: us-east-1 297356227824;
 * aws-cn: cn-north-1 193023089310; aws-us-gov: us-gov-west-1 023102451235). DNS suffixes:
 * amazonaws.com, and amazonaws.com.cn in China (the CDK's `Stack.urlSuffix`, AWS's "Service
 * endpoints" reference); GovCloud uses amazonaws.com.
 */
export const PARTITION_SPECS: { readonly [P in Partition]: PartitionSpec & { partition: P } } = {
  aws: {
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    rotationApplicationPublisher: { account: "297356227824", region: "us-east-1" },
  },
  "aws-cn": {
    partition: "aws-cn",
    dnsSuffix: "amazonaws.com.cn",
    rotationApplicationPublisher: { account: "193023089310", region: "cn-north-1" },
  },
  "aws-us-gov": {
    partition: "aws-us-gov",
    dnsSuffix: "amazonaws.com",
    rotationApplicationPublisher: { account: "023102451235", region: "us-gov-west-1" },
  },
};

/**
 * The AWS partition of a Region (`aws`, `aws-cn`, `aws-us-gov`), for ARNs. Regions the
 * program does not know are placed by their prefix (kernel/regions.ts lists the known ones,
 * and the config refuses a Region it does not list).
 */
export function partitionOf(region: string): Partition {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/**
 * Serverless Application Repository ARN of an AWS-published rotation application in a
 * partition: `arn:<partition>:serverlessrepo:<publisher region>:<publisher account>:
 * applications/<name>`, as the CDK's `applicationArnForPartition` builds it.
 */
export function rotationApplicationArn(partition: Partition, applicationName: string): string {
  const { account, region } = PARTITION_SPECS[partition].rotationApplicationPublisher;
  return `arn:${partition}:serverlessrepo:${region}:${account}:applications/${applicationName}`;
}

/**
 * The partition's ARN prefix, `arn:<partition>`: every ARN the program builds starts with
 * it (AWS General Reference, "Amazon Resource Names": `arn:partition:service:region:account`).
 */
export function arnPrefix(region: string): string {
  return `arn:${partitionOf(region)}`;
}

/** `arn:<partition>:iam::<account>:root` of the account, in the Region's partition. */
export function accountRootArn(region: string, accountId: string): string {
  return `${arnPrefix(region)}:iam::${accountId}:root`;
}

/**
 * A service's Regional endpoint host, `<service>.<region>.<dnsSuffix>`: what SDKs call and
 * what KMS's `kms:ViaService` condition compares ("the service's endpoint name", AWS KMS
 * developer guide, conditions-kms.html; `secretsmanager.cn-north-1.amazonaws.com.cn` in
 * China, whose endpoints are listed in docs.amazonaws.cn/en_us/general/latest/gr/
 * endpoints-arns.html).
 */
export function serviceEndpoint(service: string, region: string): string {
  return `${service}.${region}.${PARTITION_SPECS[partitionOf(region)].dnsSuffix}`;
}
