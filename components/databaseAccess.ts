import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { aggregateCidrs } from "../kernel/cidr";
import { type AllowFrom, allowFromRules } from "./database";

/** Arguments of {@link DatabaseAccess}. */
export interface DatabaseAccessArgs {
  /** The existing database's security group. */
  securityGroupId: string;
  /** The database port. */
  port: number;
  /** The only sources to admit: the central rotation subnets. At least one. */
  rotationCidrs: string[];
  /** Applications in the workload VPC admitted on the port too (`allowFrom`). Default: none. */
  allowFrom?: AllowFrom;
  /** Engine, for the rule descriptions. */
  engine: string;
}

/**
 * Lets the rotation functions reach a database this program did not create: ingress rules
 * on the database port from exactly the central rotation subnets (summarized into the
 * fewest blocks that cover them and nothing more: two adjacent subnets make one rule),
 * added to the database's own security group, and nothing else (the group and its other
 * rules stay its owner's; each rule counts toward its quota of 60 inbound rules).
 */
export class DatabaseAccess extends pulumi.ComponentResource {
  public readonly ruleIds: pulumi.Output<string>[];

  constructor(name: string, args: DatabaseAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:workload:DatabaseAccess", name, {}, opts);
    if (args.rotationCidrs.length === 0)
      throw new Error(`DatabaseAccess ${name}: rotationCidrs needs at least one CIDR`);
    this.ruleIds = aggregateCidrs(args.rotationCidrs).map(
      (cidr, i) =>
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-from-rotation-${i}`,
          {
            securityGroupId: args.securityGroupId,
            cidrIpv4: cidr,
            ipProtocol: "tcp",
            fromPort: args.port,
            toPort: args.port,
            description: `${args.engine} from central rotation subnet ${cidr} (secrets-hub)`,
          },
          { parent: this },
        ).id,
    );
    // Applications: one rule per source, named by the source, so adding one keeps the others.
    allowFromRules(this, name, {
      securityGroupId: args.securityGroupId,
      engine: args.engine,
      port: args.port,
      allowFrom: args.allowFrom,
      note: "secrets-hub",
    });
    this.registerOutputs({ ruleIds: this.ruleIds });
  }
}
