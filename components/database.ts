import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Database as DatabaseConfig } from "../src/config";
import { databasePort } from "../src/config";
import type { DatabaseEndpoint } from "../src/contract";

/** Arguments of {@link Database}. */
export interface DatabaseArgs {
  /** Engine, sizes and names from the environment file. Plain: decides what is created. */
  config: DatabaseConfig;
  /** RDS instance identifier, unique in the account and region. */
  identifier: string;
  vpcId: pulumi.Input<string>;
  /** Private subnets (at least two zones) for the subnet group. */
  subnetIds: pulumi.Input<string>[];
  /** The only sources admitted on the database port: the central rotation subnets. */
  rotationCidrs: string[];
  /** Protect the instance and its password from replacement and deletion; turn off only in sandboxes. Default: true. */
  protect?: boolean;
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
  public readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:workload:Database", name, {}, opts);
    if (args.config.existing) {
      throw new Error(
        `Database ${name}: config.existing is set; an existing database is not created (use existingDatabaseEndpoint)`,
      );
    }
    if (args.rotationCidrs.length === 0) {
      throw new Error(`Database ${name}: rotationCidrs needs at least one CIDR`);
    }
    const protect = args.protect ?? true;
    const port = databasePort(args.config);

    const sg = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: `${args.config.engine} ${port} from the central rotation subnets only`,
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
            description: `${args.config.engine} from central rotation subnet ${cidr}`,
          },
          { parent: this },
        ),
    );

    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { name: `${args.identifier}-subnets`, subnetIds: args.subnetIds, tags: args.tags },
      { parent: this },
    );

    const password = new random.RandomPassword(
      `${name}-master-password`,
      // RDS refuses '/', '@', '"' and spaces in master passwords.
      {
        length: 32,
        special: true,
        overrideSpecial: "!#$%&*()-_=+[]{}<>:?",
        minLower: 2,
        minUpper: 2,
        minNumeric: 2,
      },
      { parent: this, protect },
    );

    const instance = new aws.rds.Instance(
      `${name}-instance`,
      {
        identifier: args.identifier,
        engine: args.config.engine,
        engineVersion: args.config.engineVersion,
        instanceClass: args.config.instanceClass,
        allocatedStorage: args.config.allocatedStorage,
        storageType: "gp3",
        dbName: args.config.dbName,
        username: args.config.username,
        password: password.result,
        port,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [sg.id],
        publiclyAccessible: false,
        storageEncrypted: true,
        multiAz: false,
        backupRetentionPeriod: 7,
        copyTagsToSnapshot: true,
        deletionProtection: protect,
        skipFinalSnapshot: !protect,
        finalSnapshotIdentifier: protect ? `${args.identifier}-final` : undefined,
        autoMinorVersionUpgrade: true,
        tags: args.tags,
      },
      // Rotation owns the password after creation: never write the initial one back.
      { parent: this, protect, ignoreChanges: ["password"] },
    );

    this.endpoint = pulumi.output({
      engine: args.config.engine,
      host: instance.address,
      port: instance.port,
      dbname: args.config.dbName,
      username: args.config.username,
      dbInstanceIdentifier: instance.identifier,
    });
    this.initialPassword = pulumi.secret(password.result);
    this.securityGroupId = sg.id;
    this.registerOutputs({ endpoint: this.endpoint, securityGroupId: this.securityGroupId });
  }
}

/** Connection facts of a database that exists outside this program. */
export function existingDatabaseEndpoint(config: DatabaseConfig): DatabaseEndpoint {
  if (!config.existing) throw new Error("existingDatabaseEndpoint: config.existing is not set");
  return {
    engine: config.engine,
    host: config.existing.host,
    port: databasePort(config),
    dbname: config.dbName,
    username: config.username,
    dbInstanceIdentifier: config.existing.dbInstanceIdentifier,
  };
}
