import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  ENGINE_SPECS,
  Engine,
  RDS_INSTANCE_IDENTIFIER,
  databasePort,
  engineVersionProblem,
  instanceClassProblem,
} from "../kernel/engines";
import {
  AllowFrom,
  DatabaseEndpoint,
  PASSWORD_RULES,
  checkCommonArgs,
  databaseSecurityGroup,
} from "./database";

/** The most instances (a writer and up to 15 readers) an Aurora cluster holds (Aurora User Guide, "Aurora DB clusters": up to 15 Aurora Replicas). */
export const AURORA_INSTANCES_MAX = 16;

/**
 * Identifier of a cluster's `index`-th instance (from 0): `<cluster>-<index + 1>`. The
 * writer is whichever instance Aurora promotes, so no name says "writer".
 */
export function clusterInstanceIdentifier(clusterIdentifier: string, index: number): string {
  return `${clusterIdentifier}-${index + 1}`;
}

/**
 * The longest cluster identifier whose instances' identifiers (`-16` appended) still fit
 * RDS's 63 characters.
 */
export const CLUSTER_IDENTIFIER_MAX = 63 - `-${AURORA_INSTANCES_MAX}`.length;

/** Arguments of {@link AuroraCluster}. */
export interface AuroraClusterArgs {
  /** Engine: `aurora-postgresql` or `aurora-mysql`. Plain: it decides the port and the rules created. */
  engine: Engine;
  /**
   * Engine version at creation, in the engine's form (`16.6`, `8.0.mysql_aurora.3.08.2`:
   * `engineVersionProblem`). Default: the version RDS chooses for the engine.
   */
  engineVersion?: string;
  /** Instance class of every instance, e.g. `db.r7g.large` (`instanceClassProblem`). Required. */
  instanceClass: string;
  /** Instances: the writer and `instances - 1` readers, 1 to 16. Plain: it decides how many exist. */
  instances: number;
  /**
   * Zones to spread the instances over, instance `i` in `availabilityZones[i % n]` (the
   * writer in the first): a reader in another zone than the writer is what lets a failover
   * survive the loss of a zone. Default: RDS places each instance in a zone of the subnet
   * group.
   */
  availabilityZones?: string[];
  /** Name of the database created in the cluster. */
  dbName: string;
  /** Master user name. */
  username: string;
  /** Port the cluster listens on. Default: the engine's (`ENGINE_SPECS[engine].defaultPort`). */
  port?: number;
  /**
   * Enrol the cluster in paid RDS Extended Support once its major version leaves standard
   * support (as `Database`'s `extendedSupport`: RDS enrols by default, this component
   * does not unless asked). Default: false.
   */
  extendedSupport?: boolean;
  /** Days of automated backups, 1-35. Default: 7. */
  backupRetentionDays?: number;
  /** Also generate a password for an application user (multi-user rotation). Default: false. */
  applicationPassword?: boolean;
  /** Cluster identifier, unique in the account and region; at most {@link CLUSTER_IDENTIFIER_MAX} characters. */
  identifier: string;
  /** VPC of the cluster and its security group. */
  vpcId: pulumi.Input<string>;
  /** Private subnets (at least two zones) for the subnet group. */
  subnetIds: pulumi.Input<string>[];
  /** Sources admitted on the port: the central rotation subnets. */
  rotationCidrs: string[];
  /** Further sources admitted on the port (one ingress rule each). Default: none. */
  allowFrom?: AllowFrom;
  /** Protect the cluster, its instances and its password from replacement and deletion. Default: true. */
  protect?: boolean;
  /** Tags. Default: none. */
  tags?: Record<string, string>;
}

/**
 * A private, encrypted Aurora cluster (PostgreSQL or MySQL compatible, provisioned
 * instances) with the same surface as `Database`: its endpoint (the cluster's writer
 * endpoint as `host`, named by `dbClusterIdentifier`), the generated passwords, and a
 * security group that admits the port from the central rotation subnets and `allowFrom`.
 *
 * What the provider does with it (hashicorp/terraform-provider-aws
 * internal/service/rds/cluster.go): the read does not return `master_password` (state keeps
 * what was sent), so `ignoreChanges: ["masterPassword"]` is what stops a re-run writing the
 * first password over the rotated one; the update sends `EngineVersion` whenever the
 * configured version differs from `engine_version_actual`, so after RDS's automatic minor
 * upgrade a configured minor would become a downgrade request: the version is a creation
 * setting here (`ignoreChanges: ["engineVersion"]`), upgrades are RDS's (minor) or an
 * operator's (major). `applyImmediately` stays at its default (false): modifications wait
 * for the maintenance window, as `Database`'s do. The cluster's `availabilityZones` is not
 * set: RDS assigns three whatever is asked, and fewer than three reads back as a
 * replacement (rds/cluster.d.ts).
 */
export class AuroraCluster extends pulumi.ComponentResource {
  public readonly endpoint: pulumi.Output<DatabaseEndpoint>;
  /** The cluster's reader endpoint (load-balanced over the readers; the writer when alone). */
  public readonly readerEndpoint: pulumi.Output<string>;
  /** The master password the cluster was created with (a secret). */
  public readonly initialPassword: pulumi.Output<string>;
  /** The application user's first password, when `applicationPassword` (a secret). */
  public readonly applicationInitialPassword?: pulumi.Output<string>;
  public readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: AuroraClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:workload:AuroraCluster", name, {}, opts);
    validate(name, args);
    const protect = args.protect ?? true;
    const port = databasePort(args);

    const sg = databaseSecurityGroup(this, name, {
      ...args,
      port,
      description: `${args.engine} ${port} from the central rotation subnets and allowFrom`,
    });
    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { name: `${args.identifier}-subnets`, subnetIds: args.subnetIds, tags: args.tags },
      { parent: this },
    );
    const password = new random.RandomPassword(`${name}-master-password`, PASSWORD_RULES, {
      parent: this,
      protect,
    });

    const cluster = new aws.rds.Cluster(
      `${name}-cluster`,
      {
        clusterIdentifier: args.identifier,
        engine: args.engine,
        // Provisioned instances (Serverless v1, `serverless`, is retired; v2 would be
        // `provisioned` with db.serverless instances, which this component refuses).
        engineMode: "provisioned",
        engineVersion: args.engineVersion,
        databaseName: args.dbName,
        masterUsername: args.username,
        masterPassword: password.result,
        port,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [sg.id],
        storageEncrypted: true,
        backupRetentionPeriod: args.backupRetentionDays ?? 7,
        copyTagsToSnapshot: true,
        deletionProtection: protect,
        skipFinalSnapshot: !protect,
        finalSnapshotIdentifier: protect ? `${args.identifier}-final` : undefined,
        // Explicit: RDS's default is to enrol (rds/cluster.d.ts engineLifecycleSupport).
        engineLifecycleSupport: args.extendedSupport
          ? "open-source-rds-extended-support"
          : "open-source-rds-extended-support-disabled",
        tags: args.tags,
      },
      // Rotation owns the password after creation; the version is a creation setting (see
      // the class comment).
      { parent: this, protect, ignoreChanges: ["masterPassword", "engineVersion"] },
    );

    const zones = args.availabilityZones ?? [];
    for (let i = 0; i < args.instances; i++) {
      new aws.rds.ClusterInstance(
        `${name}-instance-${i + 1}`,
        {
          identifier: clusterInstanceIdentifier(args.identifier, i),
          clusterIdentifier: cluster.id,
          engine: args.engine as aws.types.enums.rds.EngineType,
          // No engineVersion: an instance runs its cluster's (rds/clusterInstance.d.ts: an
          // upgrade "must be done on the aws.rds.Cluster engineVersion").
          instanceClass: args.instanceClass,
          dbSubnetGroupName: subnetGroup.name,
          publiclyAccessible: false,
          availabilityZone: zones.length > 0 ? zones[i % zones.length] : undefined,
          autoMinorVersionUpgrade: true,
          copyTagsToSnapshot: true,
          tags: args.tags,
        },
        { parent: this, protect },
      );
    }

    this.endpoint = pulumi.output({
      engine: args.engine,
      host: cluster.endpoint,
      port: cluster.port,
      dbname: args.dbName,
      username: args.username,
      dbClusterIdentifier: cluster.clusterIdentifier,
    });
    this.readerEndpoint = cluster.readerEndpoint;
    this.initialPassword = pulumi.secret(password.result);
    if (args.applicationPassword) {
      const application = new random.RandomPassword(
        `${name}-application-password`,
        PASSWORD_RULES,
        { parent: this, protect },
      );
      this.applicationInitialPassword = pulumi.secret(application.result);
    }
    this.securityGroupId = sg.id;
    this.registerOutputs({
      endpoint: this.endpoint,
      readerEndpoint: this.readerEndpoint,
      securityGroupId: this.securityGroupId,
    });
  }
}

function validate(name: string, args: AuroraClusterArgs): void {
  const spec = ENGINE_SPECS[args.engine];
  if (spec.deployment !== "cluster") {
    throw new Error(
      `AuroraCluster ${name}: engine ${args.engine} is an RDS instance engine; use Database (components/database.ts), or aurora-postgresql / aurora-mysql`,
    );
  }
  checkCommonArgs("AuroraCluster", name, args);
  if (
    !Number.isInteger(args.instances) ||
    args.instances < 1 ||
    args.instances > AURORA_INSTANCES_MAX
  ) {
    throw new Error(
      `AuroraCluster ${name}: instances must be a whole number from 1 to ${AURORA_INSTANCES_MAX} (a writer and up to 15 readers), got ${args.instances}`,
    );
  }
  if (
    args.identifier.length > CLUSTER_IDENTIFIER_MAX ||
    !RDS_INSTANCE_IDENTIFIER.test(args.identifier)
  ) {
    throw new Error(
      `AuroraCluster ${name}: identifier must be lower-case letters, digits and single hyphens, from a letter to a letter or digit, at most ${CLUSTER_IDENTIFIER_MAX} characters (its instances append -1 to -${AURORA_INSTANCES_MAX}), got '${args.identifier}'`,
    );
  }
  const problems = [
    instanceClassProblem(args.engine, args.instanceClass),
    args.engineVersion === undefined
      ? undefined
      : engineVersionProblem(args.engine, args.engineVersion),
  ].filter((p) => p !== undefined);
  if (problems.length > 0) throw new Error(`AuroraCluster ${name}: ${problems.join("; ")}`);
}
