/**
 * The IAM and KMS policy documents of the components (key, secret and trust policies),
 * built as typed objects (`aws.iam.PolicyDocument`) and serialized once. Statements list
 * principals together rather than one statement per workload, so documents stay small as
 * the number of workloads grows (key policies are limited to 32,768 bytes, secret policies
 * to 20,480 characters).
 */
import type * as aws from "@pulumi/aws";

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
  /** Workload application roles that may decrypt their secrets through Secrets Manager. */
  readerRoleArns: readonly string[];
}

/**
 * The key policy of the secrets CMK (and of each replica, with the replica's region): root
 * administration, which delegates to IAM in the owner account (the rotation functions'
 * roles get their key rights from IAM policies), and Decrypt/DescribeKey for the workload
 * roles of other accounts only through Secrets Manager.
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

/**
 * What a rotation function's role needs on the replica keys: when the function puts a new
 * version, Secrets Manager re-encrypts it for every replica with that Region's key, on the
 * caller's behalf (AWS: "To encrypt the replicated secret with a KMS key other than
 * aws/secretsmanager, you need kms:GenerateDataKey and kms:Encrypt to the key"; Decrypt to
 * read a replica back). Only through Secrets Manager of the key's Region.
 */
export function replicaKeyUsePolicy(
  keys: readonly { region: string; keyArn: string }[],
): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: keys.map((key, i) => ({
      Sid: `ReplicaKeyUseViaSecretsManager${i}`,
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"],
      Resource: key.keyArn,
      Condition: { StringEquals: { "kms:ViaService": secretsManagerService(key.region) } },
    })),
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
