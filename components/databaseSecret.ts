import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { secretReadPolicy } from "./iamDocuments";
import { toJson } from "./policyJson";
import { ROTATION_AWAITS_TAG, ROTATION_NONE, ROTATION_NONE_TAG } from "../policy-pack/lib/tags";

/**
 * A custom staging label on the first version. Rotation moves AWSCURRENT away and leaves
 * custom labels alone, so the first version keeps a label for good (it holds a password that
 * the first rotation already replaced in the database).
 */
export const INITIAL_VERSION_STAGE = "SECRETS_HUB_INITIAL";

/** Arguments of {@link DatabaseSecret}. */
export interface DatabaseSecretArgs {
  /** Secret name (charset `A-Za-z0-9/_+=.@-`, checked by the config schema). */
  secretName: string;
  /** The CMK (primary region). */
  kmsKeyArn: pulumi.Input<string>;
  /**
   * Replica Regions, each with the replica key that encrypts the replica there: the
   * disaster-recovery Region first, then any Region a workload reads from. At least one.
   */
  replicas: { region: string; kmsKeyArn: pulumi.Input<string> }[];
  /** Primary region (to derive the replica ARN). */
  region: string;
  /**
   * First value: the JSON the rotation function expects, a secret. Absent for an existing
   * database, whose value the operator puts once by hand.
   */
  initialValue?: pulumi.Output<string>;
  /**
   * The only principals allowed to read the secret (its resource policy): the reader roles
   * that name it. Absent or empty for a master secret, which only the rotation function
   * reads, in this account, through IAM.
   */
  readerRoleArns?: readonly string[];
  /** Description of the secret. Default: "Database credentials; rotated by secrets-hub". */
  description?: string;
  /**
   * Why rotation is not switched on yet, when the secret cannot be rotated before an
   * operator acts (an existing database's first value; a multi-user application user).
   * The secret then gets no rotation and a tag `secrets-hub:rotation-awaits` with this
   * reason, which the pack reports until it is gone. Default: none (rotation on).
   */
  rotationAwaits?: string;
  /**
   * Rotate as soon as rotation is switched on. Default: when the program wrote the first
   * value (the rotation proves the network path and replaces the password it knows).
   */
  rotateImmediately?: boolean;
  /**
   * `RotationLambdaARN` of the matching rotation application (or a custom function).
   * Absent: the secret does not rotate by design (a non-database secret with `rotation:
   * none`), tagged so for the pack's `secret-not-rotated`.
   */
  rotationLambdaArn?: pulumi.Input<string>;
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
  /**
   * Resources that must exist between the secret's first value and its rotation (the
   * application user of a multi-user database, created by ApplicationUserSetup): called once
   * the secret and its first version are registered, with both; the rotation depends on what
   * it returns. Requires initialValue. Default: none.
   */
  beforeRotation?: (secret: {
    arn: pulumi.Output<string>;
    version: pulumi.Resource;
  }) => pulumi.Resource[];
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
  /** ARN of the first (disaster-recovery) replica. */
  public readonly replicaArn: pulumi.Output<string>;
  /** ARN of every replica, by Region. */
  public readonly replicaArns: Record<string, pulumi.Output<string>>;
  /** The first version, when the program wrote the first value. */
  public readonly initialVersion: aws.secretsmanager.SecretVersion | undefined;
  /** The rotation, when it is switched on. */
  public readonly rotation: aws.secretsmanager.SecretRotation | undefined;

  constructor(name: string, args: DatabaseSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:central:DatabaseSecret", name, {}, opts);
    const recoveryWindowInDays = args.recoveryWindowInDays ?? 30;
    if (recoveryWindowInDays < 7 || recoveryWindowInDays > 30) {
      throw new Error(
        `DatabaseSecret ${name}: recoveryWindowInDays must be from 7 to 30, got ${recoveryWindowInDays}`,
      );
    }
    const regions = args.replicas.map((r) => r.region);
    if (regions.length === 0)
      throw new Error(`DatabaseSecret ${name}: replicas needs at least one Region`);
    const clash = regions.find((r, i) => r === args.region || regions.indexOf(r) !== i);
    if (clash !== undefined) {
      throw new Error(
        `DatabaseSecret ${name}: replicas must name Regions other than region (${args.region}), once each (got ${clash} again)`,
      );
    }
    if (args.beforeRotation && !args.initialValue) {
      throw new Error(
        `DatabaseSecret ${name}: beforeRotation needs initialValue (it runs after the first version)`,
      );
    }
    const protect = args.protect ?? true;

    const secret = new aws.secretsmanager.Secret(
      `${name}-secret`,
      {
        name: args.secretName,
        description: args.description ?? "Database credentials; rotated by secrets-hub",
        kmsKeyId: args.kmsKeyArn,
        recoveryWindowInDays,
        replicas: args.replicas.map((r) => ({ region: r.region, kmsKeyId: r.kmsKeyArn })),
        forceOverwriteReplicaSecret: false,
        tags: args.rotationAwaits
          ? { ...args.tags, [ROTATION_AWAITS_TAG]: args.rotationAwaits }
          : args.rotationLambdaArn === undefined
            ? { ...args.tags, [ROTATION_NONE_TAG]: ROTATION_NONE }
            : args.tags,
      },
      { parent: this, protect },
    );

    let version: aws.secretsmanager.SecretVersion | undefined;
    if (args.initialValue) {
      version = new aws.secretsmanager.SecretVersion(
        `${name}-initial`,
        {
          secretId: secret.id,
          secretString: pulumi.secret(args.initialValue),
          // The label keeps this version from ever being deprecated: Secrets Manager deletes
          // versions that have lost every label, and a refresh would then drop this resource
          // from state and the next `up` write the stale first password back as AWSCURRENT.
          // Labelled, the version survives rotation, so refresh keeps finding it.
          versionStages: ["AWSCURRENT", INITIAL_VERSION_STAGE],
        },
        // Rotation owns the value and the AWSCURRENT label after the first write: a re-run
        // must neither rewrite the value nor move AWSCURRENT back (an update of versionStages
        // would call UpdateSecretVersionStage and make the stale password current again).
        {
          parent: this,
          protect,
          ignoreChanges: ["secretString", "versionStages"],
          additionalSecretOutputs: ["secretString"],
        },
      );
    }

    if (args.readerRoleArns !== undefined && args.readerRoleArns.length > 0) {
      new aws.secretsmanager.SecretPolicy(
        `${name}-policy`,
        {
          secretArn: secret.arn,
          policy: toJson(secretReadPolicy(args.readerRoleArns)),
          blockPublicPolicy: true,
        },
        { parent: this },
      );
    }

    const rules: aws.types.input.secretsmanager.SecretRotationRotationRules =
      typeof args.schedule === "number"
        ? { automaticallyAfterDays: args.schedule, duration: args.duration }
        : { scheduleExpression: args.schedule, duration: args.duration };
    const before =
      version && args.beforeRotation ? args.beforeRotation({ arn: secret.arn, version }) : [];
    this.initialVersion = version;
    if (args.rotationAwaits === undefined && args.rotationLambdaArn !== undefined) {
      this.rotation = new aws.secretsmanager.SecretRotation(
        `${name}-rotation`,
        {
          secretId: secret.id,
          rotationLambdaArn: args.rotationLambdaArn,
          rotationRules: rules,
          // With a first value, rotate at once: it proves the network path and replaces the
          // password the workload stack knows. Without one there is nothing to rotate yet.
          rotateImmediately: args.rotateImmediately ?? args.initialValue !== undefined,
        },
        {
          parent: this,
          dependsOn: [...(args.rotationDependsOn ?? []), ...(version ? [version] : []), ...before],
        },
      );
    }

    this.arn = secret.arn;
    const primary = `:${args.region}:`;
    this.replicaArns = Object.fromEntries(
      regions.map((region) => [
        region,
        secret.arn.apply((arn) => arn.replace(primary, `:${region}:`)),
      ]),
    );
    this.replicaArn = this.replicaArns[regions[0]];
    this.registerOutputs({ arn: this.arn, replicaArn: this.replicaArn });
  }
}
