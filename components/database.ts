import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Engine, databasePort } from "../kernel/engines";

/**
 * Connection facts of a workload database (no password: that travels separately, as a
 * secret). The stack contract (src/contract.ts) checks this shape with its schema.
 */
export interface DatabaseEndpoint {
  engine: Engine;
  /** DNS name of the instance. */
  host: string;
  port: number;
  /** Database the rotation function connects to. */
  dbname: string;
  /** Master user whose password is rotated. */
  username: string;
  /** RDS instance identifier. */
  dbInstanceIdentifier: string;
}

/** Generated passwords: RDS refuses '/', '@', '"' and spaces in passwords. */
const PASSWORD_RULES: random.RandomPasswordArgs = {
  length: 32,
  special: true,
  overrideSpecial: "!#$%&*()-_=+[]{}<>:?",
  minLower: 2,
  minUpper: 2,
  minNumeric: 2,
};

/** Arguments of {@link Database}. */
export interface DatabaseArgs {
  /** Engine. Plain: it decides the port and the rules created. */
  engine: Engine;
  /** Engine version, e.g. `16` or `8.0`. Default: the version RDS chooses for the engine. */
  engineVersion?: string;
  /** Instance class, e.g. `db.t4g.micro`. Required: the config schema supplies its default. */
  instanceClass: string;
  /** Storage in GiB (gp3). Required: the config schema supplies its default. */
  allocatedStorage: number;
  /** Name of the database created in the instance. */
  dbName: string;
  /** Master user name. */
  username: string;
  /** Port the database listens on. Default: the engine's (`ENGINE_SPECS[engine].defaultPort`). */
  port?: number;
  /**
   * Enrol the instance in paid RDS Extended Support once its major version leaves standard
   * support. RDS's own default is to enrol; this component's is not to (an explicit
   * `engineLifecycleSupport`), so an outdated version shows up as an upgrade to plan rather
   * than as a bill. Default: false.
   */
  extendedSupport?: boolean;
  /** Multi-AZ deployment (a standby in a second zone). Default: false. */
  multiAz?: boolean;
  /** Days of automated backups, 1-35. Default: 7. */
  backupRetentionDays?: number;
  /**
   * Also generate a password for an application user (multi-user rotation: the admin's
   * credentials go to the master secret, the application user's to its own). Default: false.
   */
  applicationPassword?: boolean;
  /** RDS instance identifier, unique in the account and region. */
  identifier: string;
  /** VPC of the instance and its security group. */
  vpcId: pulumi.Input<string>;
  /** Private subnets (at least two zones) for the subnet group. */
  subnetIds: pulumi.Input<string>[];
  /** The only sources admitted on the database port: the central rotation subnets. */
  rotationCidrs: string[];
  /** Protect the instance and its password from replacement and deletion; turn off only in sandboxes. Default: true. */
  protect?: boolean;
  /** Tags. Default: none. */
  tags?: Record<string, string>;
}

/**
 * A private, encrypted RDS instance (PostgreSQL or MySQL) whose security group admits the
 * database port only from the central rotation subnets. The master password is generated
 * once by `random.RandomPassword` (stateful, secret) and is never written back after the
 * rotation function takes over (`ignoreChanges: ["password"]`).
 */
export class Database extends pulumi.ComponentResource {
  public readonly endpoint: pulumi.Output<DatabaseEndpoint>;
  /** The master password the instance was created with (a secret). */
  public readonly initialPassword: pulumi.Output<string>;
  /** The application user's first password, when `applicationPassword` (a secret). */
  public readonly applicationInitialPassword?: pulumi.Output<string>;
  public readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:workload:Database", name, {}, opts);
    if (args.rotationCidrs.length === 0) {
      throw new Error(`Database ${name}: rotationCidrs needs at least one CIDR`);
    }
    if (
      args.backupRetentionDays !== undefined &&
      (!Number.isInteger(args.backupRetentionDays) ||
        args.backupRetentionDays < 1 ||
        args.backupRetentionDays > 35)
    ) {
      throw new Error(
        `Database ${name}: backupRetentionDays must be a whole number from 1 to 35, got ${args.backupRetentionDays}`,
      );
    }
    const protect = args.protect ?? true;
    const port = databasePort(args);

    const sg = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: `${args.engine} ${port} from the central rotation subnets only`,
        revokeRulesOnDelete: true,
        tags: { ...args.tags, Name: `${name}-sg` },
      },
      { parent: this },
    );
    args.rotationCidrs.forEach(
      (cidr, i) =>
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-from-rotation-${i}`,
          {
            securityGroupId: sg.id,
            cidrIpv4: cidr,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            description: `${args.engine} from central rotation subnet ${cidr}`,
          },
          { parent: this },
        ),
    );

    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { name: `${args.identifier}-subnets`, subnetIds: args.subnetIds, tags: args.tags },
      { parent: this },
    );

    const password = new random.RandomPassword(`${name}-master-password`, PASSWORD_RULES, {
      parent: this,
      protect,
    });

    const instance = new aws.rds.Instance(
      `${name}-instance`,
      {
        identifier: args.identifier,
        engine: args.engine,
        engineVersion: args.engineVersion,
        instanceClass: args.instanceClass,
        allocatedStorage: args.allocatedStorage,
        storageType: "gp3",
        dbName: args.dbName,
        username: args.username,
        password: password.result,
        port,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [sg.id],
        publiclyAccessible: false,
        storageEncrypted: true,
        multiAz: args.multiAz ?? false,
        backupRetentionPeriod: args.backupRetentionDays ?? 7,
        copyTagsToSnapshot: true,
        deletionProtection: protect,
        skipFinalSnapshot: !protect,
        finalSnapshotIdentifier: protect ? `${args.identifier}-final` : undefined,
        autoMinorVersionUpgrade: true,
        engineLifecycleSupport: args.extendedSupport
          ? "open-source-rds-extended-support"
          : "open-source-rds-extended-support-disabled",
        tags: args.tags,
      },
      // Rotation owns the password after creation: never write the initial one back.
      { parent: this, protect, ignoreChanges: ["password"] },
    );

    this.endpoint = pulumi.output({
      engine: args.engine,
      host: instance.address,
      port: instance.port,
      dbname: args.dbName,
      username: args.username,
      dbInstanceIdentifier: instance.identifier,
    });
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
    this.registerOutputs({ endpoint: this.endpoint, securityGroupId: this.securityGroupId });
  }
}
