import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { secretsKeyPolicy, toJson } from "./iamDocuments";

/** Arguments of {@link SecretsKey}. */
export interface SecretsKeyArgs {
  /** Account that owns the key. */
  accountId: string;
  /** Primary region. */
  region: string;
  /** Region of the replica key (every secret replica is encrypted with it). */
  replicaRegion: string;
  /** Alias, without the `alias/` prefix, in both regions. */
  aliasName: string;
  /** Waiting period before deletion, 7-30 days. Default: 30. */
  deletionWindowInDays?: number;
  /** Automatic key rotation period, 90-2560 days. Default: 365. */
  rotationPeriodInDays?: number;
  /** Workload application roles granted Decrypt/DescribeKey through Secrets Manager. Default: none. */
  readerRoleArns?: readonly string[];
  /** ARN pattern of the rotation function's execution role. */
  rotationRoleArnPattern: string;
  /** Protect both keys from replacement and deletion. Default: true. */
  protect?: boolean;
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/**
 * The customer-managed key of the secrets: symmetric ENCRYPT_DECRYPT, automatic rotation
 * on, Multi-Region primary with a replica key in the replica region. Both carry an explicit
 * key policy with the same grants, each conditioned on its own region's Secrets Manager.
 */
export class SecretsKey extends pulumi.ComponentResource {
  public readonly keyArn: pulumi.Output<string>;
  public readonly keyId: pulumi.Output<string>;
  public readonly replicaKeyArn: pulumi.Output<string>;

  constructor(name: string, args: SecretsKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:central:SecretsKey", name, {}, opts);
    if (args.replicaRegion === args.region) {
      throw new Error(
        `SecretsKey ${name}: replicaRegion must differ from region (both ${args.region})`,
      );
    }
    const deletionWindowInDays = args.deletionWindowInDays ?? 30;
    if (deletionWindowInDays < 7 || deletionWindowInDays > 30) {
      throw new Error(
        `SecretsKey ${name}: deletionWindowInDays must be from 7 to 30, got ${deletionWindowInDays}`,
      );
    }
    const protect = args.protect ?? true;
    const policyFor = (region: string) =>
      toJson(
        secretsKeyPolicy({
          accountId: args.accountId,
          region,
          rotationRoleArnPattern: args.rotationRoleArnPattern,
          readerRoleArns: args.readerRoleArns ?? [],
        }),
      );

    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `secrets-hub: encrypts the database secrets (${args.aliasName})`,
        keyUsage: "ENCRYPT_DECRYPT",
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        enableKeyRotation: true,
        rotationPeriodInDays: args.rotationPeriodInDays ?? 365,
        deletionWindowInDays,
        multiRegion: true,
        bypassPolicyLockoutSafetyCheck: false,
        policy: policyFor(args.region),
        tags: args.tags,
      },
      { parent: this, protect },
    );
    new aws.kms.Alias(
      `${name}-alias`,
      { name: `alias/${args.aliasName}`, targetKeyId: key.keyId },
      { parent: this },
    );

    const replica = new aws.kms.ReplicaKey(
      `${name}-replica`,
      {
        region: args.replicaRegion,
        primaryKeyArn: key.arn,
        description: `secrets-hub: replica of ${args.aliasName} for the secret replicas`,
        deletionWindowInDays,
        bypassPolicyLockoutSafetyCheck: false,
        policy: policyFor(args.replicaRegion),
        tags: args.tags,
      },
      { parent: this, protect },
    );
    new aws.kms.Alias(
      `${name}-replica-alias`,
      { region: args.replicaRegion, name: `alias/${args.aliasName}`, targetKeyId: replica.keyId },
      { parent: this },
    );

    this.keyArn = key.arn;
    this.keyId = key.keyId;
    this.replicaKeyArn = replica.arn;
    this.registerOutputs({ keyArn: this.keyArn, replicaKeyArn: this.replicaKeyArn });
  }
}
