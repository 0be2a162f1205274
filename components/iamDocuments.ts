/**
 * The IAM and KMS policy documents of the components (key, secret and trust policies),
 * built as typed objects (`aws.iam.PolicyDocument`) and serialized once. Statements list
 * principals together rather than one statement per workload, so documents stay small as
 * the number of workloads grows (key policies are limited to 32,768 bytes, secret policies
 * to 20,480 characters).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export type PolicyDocument = aws.iam.PolicyDocument;

/** `secretsmanager.<region>.amazonaws.com`: the only service allowed to use the key for workloads. */
export function secretsManagerService(region: string): string {
  return `secretsmanager.${region}.amazonaws.com`;
}

export function accountRoot(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}

/** Arguments of {@link secretsKeyPolicy}. */
export interface KeyPolicyArgs {
  /** Account that owns and administers the key. */
  accountId: string;
  /** Region the key lives in (the `kms:ViaService` condition names it). */
  region: string;
  /** ARN prefix of the rotation function's execution role (a CloudFormation-generated name). */
  rotationRoleArnPattern: string;
  /** Workload application roles that may decrypt their secrets through Secrets Manager. */
  readerRoleArns: readonly string[];
}

/**
 * The key policy of the secrets CMK (and of its replica, with the replica's region):
 * root administration, use by the rotation function through Secrets Manager, and
 * Decrypt/DescribeKey for the workload roles only through Secrets Manager.
 */
export function secretsKeyPolicy(args: KeyPolicyArgs): PolicyDocument {
  const via = secretsManagerService(args.region);
  const statements: aws.iam.PolicyStatement[] = [
    {
      Sid: "AccountRootAdministration",
      Effect: "Allow",
      Principal: { AWS: accountRoot(args.accountId) },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "RotationFunctionUse",
      Effect: "Allow",
      Principal: { AWS: accountRoot(args.accountId) },
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:ViaService": via, "kms:CallerAccount": args.accountId },
        ArnLike: { "aws:PrincipalArn": args.rotationRoleArnPattern },
      },
    },
  ];
  if (args.readerRoleArns.length > 0) {
    statements.push({
      Sid: "WorkloadApplicationRolesDecryptViaSecretsManager",
      Effect: "Allow",
      Principal: { AWS: [...args.readerRoleArns].sort() },
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
      Condition: { StringEquals: { "kms:ViaService": via } },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** The resource policy of one secret: its workload's application role alone may read it. */
export function secretReadPolicy(readerRoleArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "WorkloadApplicationRoleRead",
        Effect: "Allow",
        Principal: { AWS: readerRoleArn },
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: "*",
      },
    ],
  };
}

/** Trust policy for the given service principals. */
export function serviceTrustPolicy(services: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "TrustedServices",
        Effect: "Allow",
        Principal: { Service: [...services] },
        Action: "sts:AssumeRole",
      },
    ],
  };
}

/** Serializes a document once, resolving any Outputs inside it. */
export function toJson(document: pulumi.Input<PolicyDocument>): pulumi.Output<string> {
  return pulumi.jsonStringify(document);
}
