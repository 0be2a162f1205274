import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { privateSubnetLayout } from "../kernel/cidr";

/** Arguments of {@link Network}. */
export interface NetworkArgs {
  /** VPC CIDR block. Plain: it decides the subnet layout. */
  cidrBlock: string;
  /** Availability zones, one private subnet each (at least 2). */
  availabilityZones: readonly string[];
  /** Prefix length of each subnet. Default: VPC prefix + 4. */
  subnetPrefixLength?: number;
  /** Tags for every resource of the network. Default: none. */
  tags?: Record<string, string>;
}

/**
 * A private VPC: DNS support and DNS hostnames on (interface endpoints with private DNS
 * need both), one private subnet per availability zone carved in order from the VPC CIDR,
 * and one route table per subnet so that peering routes can be added per zone.
 * No internet gateway and no NAT: everything here talks through endpoints and peering.
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly cidrBlock: string;
  /** Private subnet ids, in the order of `availabilityZones`. */
  public readonly privateSubnetIds: pulumi.Output<string>[];
  /** Private subnet CIDRs, in the order of `availabilityZones`. */
  public readonly privateSubnetCidrs: string[];
  /** One route table per private subnet. */
  public readonly privateRouteTableIds: pulumi.Output<string>[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:network:Network", name, {}, opts);
    if (args.availabilityZones.length < 2) {
      throw new Error(
        `Network ${name}: availabilityZones needs at least 2 zones, got ${args.availabilityZones.length}`,
      );
    }
    const cidrs = privateSubnetLayout(
      args.cidrBlock,
      args.availabilityZones.length,
      args.subnetPrefixLength,
    );

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: args.cidrBlock,
        enableDnsSupport: true,
        enableDnsHostnames: true,
        tags: { ...args.tags, Name: `${name}-vpc` },
      },
      { parent: this },
    );

    const subnets = args.availabilityZones.map(
      (zone, i) =>
        new aws.ec2.Subnet(
          `${name}-private-${zone}`,
          {
            vpcId: vpc.id,
            cidrBlock: cidrs[i],
            availabilityZone: zone,
            mapPublicIpOnLaunch: false,
            tags: { ...args.tags, Name: `${name}-private-${zone}`, tier: "private" },
          },
          { parent: this },
        ),
    );

    const routeTables = subnets.map((subnet, i) => {
      const zone = args.availabilityZones[i];
      const table = new aws.ec2.RouteTable(
        `${name}-private-${zone}`,
        { vpcId: vpc.id, tags: { ...args.tags, Name: `${name}-private-${zone}` } },
        { parent: this },
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-private-${zone}`,
        { subnetId: subnet.id, routeTableId: table.id },
        { parent: this },
      );
      return table;
    });

    this.vpcId = vpc.id;
    this.cidrBlock = args.cidrBlock;
    this.privateSubnetIds = subnets.map((s) => s.id);
    this.privateSubnetCidrs = cidrs;
    this.privateRouteTableIds = routeTables.map((t) => t.id);
    this.registerOutputs({
      vpcId: this.vpcId,
      privateSubnetIds: this.privateSubnetIds,
      privateRouteTableIds: this.privateRouteTableIds,
    });
  }
}
