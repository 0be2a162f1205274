import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { isIpv4Cidr } from "../kernel/cidr";
import { ENGINE_SPECS, Engine, databasePort } from "../kernel/engines";

/** Connection facts every workload database has, instance or cluster. */
interface DatabaseEndpointFacts {
  engine: Engine;
  /** DNS name of the instance, or the writer (cluster) endpoint of an Aurora cluster. */
  host: string;
  port: number;
  /** Database the rotation function connects to. */
  dbname: string;
  /** Master user whose password is rotated. */
  username: string;
}

/**
 * Connection facts of a workload database (no password: that travels separately, as a
 * secret), naming it by exactly one identifier: `dbInstanceIdentifier` for an RDS
 * instance, `dbClusterIdentifier` for an Aurora cluster (the engine's
 * `ENGINE_SPECS[engine].identifierKey`; AWS's secret structure takes one or the other).
 * The stack contract (src/contract.ts) checks this shape with its schema.
 */
export type DatabaseEndpoint = DatabaseEndpointFacts &
  (
    | { /** RDS instance identifier. */ dbInstanceIdentifier: string; dbClusterIdentifier?: never }
    | {
        /** Aurora cluster identifier. */ dbClusterIdentifier: string;
        dbInstanceIdentifier?: never;
      }
  );

/** The identifier an endpoint names its database by: the secret JSON key and its value. */
export function endpointIdentifier(endpoint: DatabaseEndpoint): {
  key: "dbInstanceIdentifier" | "dbClusterIdentifier";
  value: string;
} {
  return endpoint.dbClusterIdentifier !== undefined
    ? { key: "dbClusterIdentifier", value: endpoint.dbClusterIdentifier }
    : { key: "dbInstanceIdentifier", value: endpoint.dbInstanceIdentifier };
}

/**
 * Who else in the workload VPC may connect on the database port, besides the rotation
 * subnets: the applications' security groups and CIDRs.
 */
export interface AllowFrom {
  /** Security groups (`sg-…`) of the VPC admitted on the port. Default: none. */
  securityGroupIds?: string[];
  /** IPv4 CIDRs admitted on the port. Default: none. */
  cidrs?: string[];
}

/** Generated passwords: RDS refuses '/', '@', '"' and spaces in passwords. */
export const PASSWORD_RULES: random.RandomPasswordArgs = {
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
  /** Sources admitted on the database port: the central rotation subnets. */
  rotationCidrs: string[];
  /**
   * Further sources admitted on the database port (one ingress rule each). Plain: it decides
   * the rules created. Default: none.
   */
  allowFrom?: AllowFrom;
  /** Protect the instance and its password from replacement and deletion; turn off only in sandboxes. Default: true. */
  protect?: boolean;
  /** Tags. Default: none. */
  tags?: Record<string, string>;
}

/**
 * A private, encrypted RDS instance (PostgreSQL or MySQL) whose security group admits the
 * database port only from the central rotation subnets and the `allowFrom` sources. The master password is generated
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
    if (ENGINE_SPECS[args.engine].deployment !== "instance") {
      throw new Error(
        `Database ${name}: engine ${args.engine} is an Aurora cluster engine; use AuroraCluster (components/auroraCluster.ts)`,
      );
    }
    checkCommonArgs("Database", name, args);
    const protect = args.protect ?? true;
    const port = databasePort(args);

    const sg = databaseSecurityGroup(this, name, { ...args, port });

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

/** The arguments {@link Database} and AuroraCluster check alike. */
export function checkCommonArgs(
  component: string,
  name: string,
  args: { rotationCidrs: string[]; backupRetentionDays?: number; allowFrom?: AllowFrom },
): void {
  if (args.rotationCidrs.length === 0) {
    throw new Error(`${component} ${name}: rotationCidrs needs at least one CIDR`);
  }
  if (
    args.backupRetentionDays !== undefined &&
    (!Number.isInteger(args.backupRetentionDays) ||
      args.backupRetentionDays < 1 ||
      args.backupRetentionDays > 35)
  ) {
    throw new Error(
      `${component} ${name}: backupRetentionDays must be a whole number from 1 to 35, got ${args.backupRetentionDays}`,
    );
  }
  const groups = args.allowFrom?.securityGroupIds ?? [];
  const cidrs = args.allowFrom?.cidrs ?? [];
  for (const id of groups) {
    if (!/^sg-[0-9a-f]{8}(?:[0-9a-f]{9})?$/.test(id)) {
      throw new Error(
        `${component} ${name}: allowFrom.securityGroupIds must be security group ids (sg- and 8 or 17 hex digits), got '${id}'`,
      );
    }
  }
  for (const cidr of cidrs) {
    if (!isIpv4Cidr(cidr)) {
      throw new Error(`${component} ${name}: allowFrom.cidrs must be IPv4 CIDRs, got '${cidr}'`);
    }
  }
  for (const [what, list] of [
    ["securityGroupIds", groups],
    ["cidrs", cidrs],
  ] as const) {
    const twice = list.find((v, i) => list.indexOf(v) !== i);
    if (twice !== undefined) {
      throw new Error(`${component} ${name}: allowFrom.${what} lists ${twice} twice`);
    }
  }
}

/**
 * A database's security group: the port from each rotation CIDR (`<name>-from-rotation-<i>`,
 * the names the rules always had) and from each `allowFrom` source, named by the source
 * (`<name>-from-<sg id>`, `<name>-from-<cidr with dashes>`) so that adding, removing or
 * reordering sources leaves the other rules in place. The group has no egress rule: a
 * database answers on its connections, which security groups track.
 */
export function databaseSecurityGroup(
  parent: pulumi.Resource,
  name: string,
  args: {
    engine: Engine;
    port: number;
    vpcId: pulumi.Input<string>;
    rotationCidrs: string[];
    allowFrom?: AllowFrom;
    tags?: Record<string, string>;
    /** The group's description (changing it replaces the group). Default: Database's. */
    description?: string;
  },
): aws.ec2.SecurityGroup {
  const { engine, port } = args;
  const sg = new aws.ec2.SecurityGroup(
    `${name}-sg`,
    {
      vpcId: args.vpcId,
      // The description it always had: changing it replaces the group. It says what the
      // group was created for; the rules say what it admits now.
      description: args.description ?? `${engine} ${port} from the central rotation subnets only`,
      revokeRulesOnDelete: true,
      tags: { ...args.tags, Name: `${name}-sg` },
    },
    { parent },
  );
  const rule = portRule(parent, sg.id, port);
  args.rotationCidrs.forEach((cidr, i) =>
    rule(
      `${name}-from-rotation-${i}`,
      { cidrIpv4: cidr },
      `${engine} from central rotation subnet ${cidr}`,
    ),
  );
  allowFromRules(parent, name, { securityGroupId: sg.id, engine, port, allowFrom: args.allowFrom });
  return sg;
}

/**
 * One ingress rule on the database port per `allowFrom` source, named by the source
 * (`<name>-from-<sg id>`, `<name>-from-<cidr with dashes>`), on a created database's group
 * or an existing database's (DatabaseAccess, whose rules say `note` in their description).
 */
export function allowFromRules(
  parent: pulumi.Resource,
  name: string,
  args: {
    securityGroupId: pulumi.Input<string>;
    engine: string;
    port: number;
    allowFrom?: AllowFrom;
    note?: string;
  },
): aws.vpc.SecurityGroupIngressRule[] {
  const suffix = args.note ? ` (${args.note})` : "";
  const port = portRule(parent, args.securityGroupId, args.port);
  const rule = (
    ruleName: string,
    source: { cidrIpv4?: string; referencedSecurityGroupId?: string },
    description: string,
  ) => port(ruleName, source, description + suffix);
  return [
    ...(args.allowFrom?.securityGroupIds ?? []).map((id) =>
      rule(
        `${name}-from-${id}`,
        { referencedSecurityGroupId: id },
        `${args.engine} from security group ${id}`,
      ),
    ),
    ...(args.allowFrom?.cidrs ?? []).map((cidr) =>
      rule(
        `${name}-from-${cidr.replace(/[./]/g, "-")}`,
        { cidrIpv4: cidr },
        `${args.engine} from ${cidr}`,
      ),
    ),
  ];
}

/** A maker of ingress rules on one group and TCP port, each with its source and description. */
function portRule(parent: pulumi.Resource, securityGroupId: pulumi.Input<string>, port: number) {
  return (
    ruleName: string,
    source: { cidrIpv4?: string; referencedSecurityGroupId?: string },
    description: string,
  ) =>
    new aws.vpc.SecurityGroupIngressRule(
      ruleName,
      { securityGroupId, ...source, ipProtocol: "tcp", fromPort: port, toPort: port, description },
      { parent },
    );
}
