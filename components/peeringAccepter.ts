import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link PeeringAccepter}. */
export interface PeeringAccepterArgs {
  /** The central stack's peering request for this workload (`pcx-…`). */
  peeringConnectionId: pulumi.Input<string>;
  /** Central VPC CIDR: the destination of the routes. */
  centralCidr: string;
  /** Route tables to add the route to (every private route table of the workload). */
  routeTableIds: pulumi.Input<string>[];
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/**
 * Accepts the central account's peering request, lets the central VPC resolve this VPC's
 * private DNS names (the rotation function reaches the database by its RDS host name), and
 * routes the central CIDR through the peering from every private route table.
 */
export class PeeringAccepter extends pulumi.ComponentResource {
  public readonly peeringConnectionId: pulumi.Output<string>;

  constructor(name: string, args: PeeringAccepterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:workload:PeeringAccepter", name, {}, opts);
    if (args.routeTableIds.length === 0)
      throw new Error(`PeeringAccepter ${name}: routeTableIds must not be empty`);

    const accepter = new aws.ec2.VpcPeeringConnectionAccepter(
      `${name}-accepter`,
      {
        vpcPeeringConnectionId: args.peeringConnectionId,
        autoAccept: true,
        accepter: { allowRemoteVpcDnsResolution: true },
        tags: { ...args.tags, Name: `${name}-central` },
      },
      { parent: this },
    );
    const routes = args.routeTableIds.map(
      (routeTableId, i) =>
        new aws.ec2.Route(
          `${name}-to-central-${i}`,
          {
            routeTableId,
            destinationCidrBlock: args.centralCidr,
            vpcPeeringConnectionId: accepter.id,
          },
          { parent: this },
        ),
    );
    // Known only once every return route exists: central reads this export as "linked" and
    // starts the first rotation, which needs the way back (issue 21: a failed route must not
    // leave the id exported).
    this.peeringConnectionId = pulumi
      .all([accepter.id, ...routes.map((r) => r.id)])
      .apply(([id]) => id);
    this.registerOutputs({ peeringConnectionId: this.peeringConnectionId });
  }
}
