/**
 * The IAM and KMS policy documents of the components (key, secret and trust policies),
 * built as typed objects (`aws.iam.PolicyDocument`) and serialized once. Statements list
 * principals together rather than one statement per workload, so documents stay small as
 * the number of workloads grows (key policies are limited to 32,768 bytes, secret policies
 * to 20,480 characters).
 */
import type * as aws from "@pulumi/aws";
import { accountRootArn, serviceEndpoint } from "../kernel/partitions";

export type PolicyDocument = aws.iam.PolicyDocument;

/**
 * `secretsmanager.<region>.<DNS suffix>` (`.amazonaws.com.cn` in China): the only service
 * allowed to use the key for workloads, as `kms:ViaService` names it (kernel/partitions.ts).
 */
export function secretsManagerService(region: string): string {
  return serviceEndpoint("secretsmanager", region);
}

/** `arn:<partition of region>:iam::<account>:root`. */
export function accountRoot(region: string, accountId: string): string {
  return accountRootArn(region, accountId);
}

/** Arguments of {@link secretsKeyPolicy}. */
export interface KeyPolicyArgs {
  /** Account that owns and administers the key. */
  accountId: string;
  /** Region the key lives in (the `kms:ViaService` condition names it). */
  region: string;
  /** Accounts of the workloads whose application roles decrypt their secrets. */
  readerAccountIds: readonly string[];
  /**
   * The organization of those accounts (`o-…`), when the environment names it: the grant then
   * names the organization instead of each account, and stays the same size for any number of
   * workloads. Default: each account.
   */
  organizationId?: string;
}

/** `o-…` of an organization ARN (`arn:aws:organizations::<management>:organization/o-…`). */
export function organizationIdOf(organizationArn: string): string {
  return organizationArn.slice(organizationArn.lastIndexOf("/") + 1);
}

/**
 * The key policy of the secrets CMK (and of each replica, with the replica's region): root
 * administration, which delegates to IAM in the owner account (the rotation functions'
 * roles get their key rights from IAM policies), and Decrypt/DescribeKey for the workload
 * accounts only through Secrets Manager of the key's Region.
 *
 * The grant names the callers' accounts, not their roles, so that it does not grow by an
 * ARN per workload: `Principal: "*"` narrowed by `aws:PrincipalOrgID` (the organization, a
 * constant size) or by `kms:CallerAccount` (12 digits per account, 15 bytes in the JSON), and
 * always `kms:ViaService` = `secretsmanager.<region>.amazonaws.com`. AWS KMS: "Do not set
 * the Principal to an asterisk (*) in any key policy statement that allows permissions
 * unless you use conditions to limit the key policy" (docs.aws.amazon.com/kms/latest/
 * developerguide/determining-access-key-policy.html); kms:CallerAccount "allow[s] or den[ies]
 * access to all identities (users and roles) in an AWS account" and kms:ViaService limits use
 * to requests from the named service (…/developerguide/conditions-kms.html); aws:PrincipalOrgID
 * compares the caller's organization (docs.aws.amazon.com/IAM/latest/UserGuide/
 * reference_policies_condition-keys.html). Which role reads which secret is decided where it
 * always was: each secret's resource policy names its one role ({@link secretReadPolicy}) and
 * each role's identity policy names its own secret and the keys; a cross-account read needs
 * all three (tests/stacks/access.test.ts evaluates them).
 */
export function secretsKeyPolicy(args: KeyPolicyArgs): PolicyDocument {
  const via = secretsManagerService(args.region);
  const statements: aws.iam.PolicyStatement[] = [
    {
      Sid: "AccountRootAdministration",
      Effect: "Allow",
      Principal: { AWS: accountRoot(args.region, args.accountId) },
      Action: "kms:*",
      Resource: "*",
    },
  ];
  const accounts = [...new Set(args.readerAccountIds)].sort();
  if (accounts.length > 0) {
    const org = args.organizationId;
    statements.push({
      Sid: org
        ? "OrganizationDecryptViaSecretsManager"
        : "WorkloadAccountsDecryptViaSecretsManager",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
      Condition: {
        StringEquals: org
          ? { "kms:ViaService": via, "aws:PrincipalOrgID": org }
          : { "kms:ViaService": via, "kms:CallerAccount": accounts },
      },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** The resource policy of one secret: exactly the reader roles that read it may, no one else. */
export function secretReadPolicy(readerRoleArns: string | readonly string[]): PolicyDocument {
  const roles = typeof readerRoleArns === "string" ? [readerRoleArns] : [...readerRoleArns];
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "WorkloadApplicationRoleRead",
        Effect: "Allow",
        // One role as a string, as the policy always read (no update on a re-run).
        Principal: { AWS: roles.length === 1 ? roles[0] : roles.sort() },
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: "*",
      },
    ],
  };
}

/** What a reader role may read: secret ARNs (patterns) and the keys, through Secrets Manager. */
export interface SecretGrant {
  /** The secrets it reads: primary and replica ARNs (or ARN patterns). */
  secretArns: readonly string[];
  /** The CMK and replica key ARNs. */
  keyArns: readonly string[];
  /** Regions of the secrets, for the `kms:ViaService` condition. */
  regions: readonly string[];
}

/**
 * A reader role's identity policy: exactly `GetSecretValue`/`DescribeSecret` on the secrets
 * it reads and `kms:Decrypt` on the keys through Secrets Manager in those Regions. IAM
 * allows 10,240 characters of inline policies per role (IAM quotas, "Role policy size"):
 * the config rule `reader-policy-fits` measures this document.
 */
export function secretReaderIdentityPolicy(grant: SecretGrant): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadOwnSecret",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: [...grant.secretArns],
      },
      {
        Sid: "DecryptOwnSecret",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: [...grant.keyArns],
        Condition: {
          StringEquals: { "kms:ViaService": grant.regions.map(secretsManagerService) },
        },
      },
    ],
  };
}

/** IAM's limit on the inline policies of one role, in characters without white space. */
export const ROLE_INLINE_POLICY_MAX = 10_240;

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
