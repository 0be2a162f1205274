import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { organizationIdOf, secretsKeyPolicy } from "./iamDocuments";
import { toJson } from "./policyJson";

/** Arguments of {@link SecretsKey}. */
export interface SecretsKeyArgs {
  /** Account that owns the key. */
  accountId: string;
  /** Primary region. */
  region: string;
  /** Region of the disaster-recovery replica key (every secret's DR replica is encrypted with it). */
  replicaRegion: string;
  /**
   * Further Regions that get a replica key: those of workloads outside the primary and the
   * DR Region, whose secrets are replicated there so they are read in-Region. Default: none.
   */
  additionalRegions?: readonly string[];
  /** Alias, without the `alias/` prefix, in every Region. */
  aliasName: string;
  /** Waiting period before deletion, 7-30 days. Default: 30. */
  deletionWindowInDays?: number;
  /** Automatic key rotation period, 90-2560 days. Default: 365. */
  rotationPeriodInDays?: number;
  /**
   * Accounts of the workload application roles granted Decrypt/DescribeKey through Secrets
   * Manager (the key policy names accounts, not roles: see `secretsKeyPolicy`). Default: none.
   */
  readerAccountIds?: readonly string[];
  /**
   * The organization that holds those accounts (`arn:aws:organizations::…:organization/o-…`):
   * the grant then names the organization once, whatever the number of workloads. Default:
   * none, the grant lists each account.
   */
  organizationArn?: string;
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
  /** Every replica key, by Region: the DR Region and the additional Regions. */
  public readonly replicaKeyArns: Record<string, pulumi.Output<string>>;

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
    const extra = args.additionalRegions ?? [];
    const clash = extra.find(
      (r, i) => r === args.region || r === args.replicaRegion || extra.indexOf(r) !== i,
    );
    if (clash !== undefined) {
      throw new Error(
        `SecretsKey ${name}: additionalRegions must name Regions other than region and replicaRegion, once each (got ${clash} again)`,
      );
    }
    const protect = args.protect ?? true;
    const policyFor = (region: string) =>
      toJson(
        secretsKeyPolicy({
          accountId: args.accountId,
          region,
          readerAccountIds: args.readerAccountIds ?? [],
          organizationId:
            args.organizationArn === undefined ? undefined : organizationIdOf(args.organizationArn),
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

    // AWS allows one replica of a multi-Region key per Region. The DR replica keeps the
    // names it always had; a further Region's replica is named after its Region.
    this.replicaKeyArns = {};
    for (const region of [args.replicaRegion, ...extra]) {
      const suffix = region === args.replicaRegion ? "replica" : `replica-${region}`;
      const replica = new aws.kms.ReplicaKey(
        `${name}-${suffix}`,
        {
          region,
          primaryKeyArn: key.arn,
          description: `secrets-hub: replica of ${args.aliasName} for the secret replicas`,
          deletionWindowInDays,
          bypassPolicyLockoutSafetyCheck: false,
          policy: policyFor(region),
          tags: args.tags,
        },
        { parent: this, protect },
      );
      new aws.kms.Alias(
        `${name}-${suffix}-alias`,
        { region, name: `alias/${args.aliasName}`, targetKeyId: replica.keyId },
        { parent: this },
      );
      this.replicaKeyArns[region] = replica.arn;
    }

    this.keyArn = key.arn;
    this.keyId = key.keyId;
    this.replicaKeyArn = this.replicaKeyArns[args.replicaRegion];
    this.registerOutputs({ keyArn: this.keyArn, replicaKeyArn: this.replicaKeyArn });
  }
}
