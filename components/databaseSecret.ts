import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { secretReadPolicy, toJson } from "./iamDocuments";

/** Arguments of {@link DatabaseSecret}. */
export interface DatabaseSecretArgs {
  /** Secret name (charset `A-Za-z0-9/_+=.@-`, checked by the config schema). */
  secretName: string;
  /** The CMK (primary region). */
  kmsKeyArn: pulumi.Input<string>;
  /** Replica region and the replica key that encrypts the replica. */
  replica: { region: string; kmsKeyArn: pulumi.Input<string> };
  /** Primary region (to derive the replica ARN). */
  region: string;
  /**
   * First value: the JSON the rotation function expects, a secret. Absent for an existing
   * database, whose value the operator puts once by hand.
   */
  initialValue?: pulumi.Output<string>;
  /** The only principal allowed to read the secret. */
  readerRoleArn: string;
  /** `RotationLambdaARN` of the matching rotation application. */
  rotationLambdaArn: pulumi.Input<string>;
  /** `rate()`/`cron()` expression, or a number of days. */
  schedule: string | number;
  /** Rotation window (`3h`). Default: none (AWS default). */
  duration?: string;
  /** Waiting period before a deleted secret is gone, 7-30 days. Default: 30. */
  recoveryWindowInDays?: number;
  /** Protect the secret and its first version. Default: true. */
  protect?: boolean;
  /** Resources the first rotation needs (the Secrets Manager endpoint, peering routes). */
  rotationDependsOn?: pulumi.Input<pulumi.Resource>[];
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/**
 * One database secret: encrypted with the CMK, replicated to the replica region with the
 * replica key, readable by one application role (`blockPublicPolicy` on), rotated on a
 * schedule. Its first value comes from the workload stack; afterwards rotation owns it, so
 * the value is ignored on every later run (`ignoreChanges`) and never reverted.
 */
export class DatabaseSecret extends pulumi.ComponentResource {
  public readonly arn: pulumi.Output<string>;
  public readonly replicaArn: pulumi.Output<string>;

  constructor(name: string, args: DatabaseSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:central:DatabaseSecret", name, {}, opts);
    const recoveryWindowInDays = args.recoveryWindowInDays ?? 30;
    if (recoveryWindowInDays < 7 || recoveryWindowInDays > 30) {
      throw new Error(
        `DatabaseSecret ${name}: recoveryWindowInDays must be from 7 to 30, got ${recoveryWindowInDays}`,
      );
    }
    if (args.replica.region === args.region) {
      throw new Error(
        `DatabaseSecret ${name}: replica.region must differ from region (${args.region})`,
      );
    }
    const protect = args.protect ?? true;

    const secret = new aws.secretsmanager.Secret(
      `${name}-secret`,
      {
        name: args.secretName,
        description: "Database credentials; rotated by secrets-hub",
        kmsKeyId: args.kmsKeyArn,
        recoveryWindowInDays,
        replicas: [{ region: args.replica.region, kmsKeyId: args.replica.kmsKeyArn }],
        forceOverwriteReplicaSecret: false,
        tags: args.tags,
      },
      { parent: this, protect },
    );

    let version: aws.secretsmanager.SecretVersion | undefined;
    if (args.initialValue) {
      version = new aws.secretsmanager.SecretVersion(
        `${name}-initial`,
        { secretId: secret.id, secretString: pulumi.secret(args.initialValue) },
        // Rotation owns the value after the first write; a re-run must not revert it.
        {
          parent: this,
          protect,
          ignoreChanges: ["secretString"],
          additionalSecretOutputs: ["secretString"],
        },
      );
    }

    new aws.secretsmanager.SecretPolicy(
      `${name}-policy`,
      {
        secretArn: secret.arn,
        policy: toJson(secretReadPolicy(args.readerRoleArn)),
        blockPublicPolicy: true,
      },
      { parent: this },
    );

    const rules: aws.types.input.secretsmanager.SecretRotationRotationRules =
      typeof args.schedule === "number"
        ? { automaticallyAfterDays: args.schedule, duration: args.duration }
        : { scheduleExpression: args.schedule, duration: args.duration };
    new aws.secretsmanager.SecretRotation(
      `${name}-rotation`,
      {
        secretId: secret.id,
        rotationLambdaArn: args.rotationLambdaArn,
        rotationRules: rules,
        // With a first value, rotate at once: it proves the network path and replaces the
        // password the workload stack knows. Without one there is nothing to rotate yet.
        rotateImmediately: args.initialValue !== undefined,
      },
      {
        parent: this,
        dependsOn: [...(args.rotationDependsOn ?? []), ...(version ? [version] : [])],
      },
    );

    this.arn = secret.arn;
    const primary = `:${args.region}:`;
    const replica = `:${args.replica.region}:`;
    this.replicaArn = secret.arn.apply((arn) => arn.replace(primary, replica));
    this.registerOutputs({ arn: this.arn, replicaArn: this.replicaArn });
  }
}
