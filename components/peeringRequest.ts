import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link PeeringRequest}. */
export interface PeeringRequestArgs {
  /** The central VPC. */
  vpcId: pulumi.Input<string>;
  /** The workload VPC. */
  peerVpcId: string;
  /** Account that owns the workload VPC (cross-account: its stack accepts). */
  peerOwnerId: string;
  /** Region of the workload VPC. */
  peerRegion: string;
  /** Workload VPC CIDR: the destination of the routes. */
  peerCidr: string;
  /** Central route tables to add the route to (every private route table). */
  routeTableIds: pulumi.Input<string>[];
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/**
 * The central side of the peering with one workload VPC: a cross-account request (the
 * workload stack accepts it; an unaccepted request expires after 7 days) and a route to
 * the workload CIDR from every central private route table.
 */
export class PeeringRequest extends pulumi.ComponentResource {
  public readonly peeringConnectionId: pulumi.Output<string>;
  /** The routes, for resources that need traffic to flow (the first rotation). */
  public readonly routes: aws.ec2.Route[];

  constructor(name: string, args: PeeringRequestArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:central:PeeringRequest", name, {}, opts);
    if (args.routeTableIds.length === 0)
      throw new Error(`PeeringRequest ${name}: routeTableIds must not be empty`);

    const peering = new aws.ec2.VpcPeeringConnection(
      `${name}-peering`,
      {
        vpcId: args.vpcId,
        peerVpcId: args.peerVpcId,
        peerOwnerId: args.peerOwnerId,
        peerRegion: args.peerRegion,
        // Cross-account: the accepter side (the workload stack) accepts.
        autoAccept: false,
        tags: { ...args.tags, Name: name },
      },
      { parent: this },
    );
    this.routes = args.routeTableIds.map(
      (routeTableId, i) =>
        new aws.ec2.Route(
          `${name}-route-${i}`,
          { routeTableId, destinationCidrBlock: args.peerCidr, vpcPeeringConnectionId: peering.id },
          { parent: this },
        ),
    );
    this.peeringConnectionId = peering.id;
    this.registerOutputs({ peeringConnectionId: this.peeringConnectionId });
  }
}
