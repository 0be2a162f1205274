import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link TransitGatewayMember}. */
export interface TransitGatewayMemberArgs {
  /** The central transit gateway. */
  transitGatewayId: pulumi.Input<string>;
  /** The workload VPC CIDR. */
  cidr: string;
  /**
   * Central private route tables that get a route to `cidr`. Default: none (the hub routes
   * summary prefixes instead).
   */
  routeTableIds?: pulumi.Input<string>[];
  /** Central's attachment: a VPC route through the gateway waits for it. */
  centralAttachment: pulumi.Resource;
  /**
   * The workload's attachment, once its stack exports it. Plain presence decides whether it
   * is routed; default: not attached yet (only the central routes exist).
   */
  attachmentId?: string;
  /** Route table the workload attachment is associated with (the hub's `spokes`). */
  spokeRouteTableId: pulumi.Input<string>;
  /** Route table the workload's CIDR propagates into (the hub's `hub`). */
  hubRouteTableId: pulumi.Input<string>;
}

/**
 * Central's side of one workload in transit gateway mode: the route to the workload CIDR
 * from each central route table (unless summary prefixes cover it), and, once the workload
 * has attached its VPC, that attachment's association with the spokes route table (its
 * traffic reaches only central) and its propagation into the hub route table (central's
 * traffic reaches it). The transit gateway owner manages both, even for an attachment owned
 * by another account (AWS Transit Gateway guide, "Transit gateway route tables").
 */
export class TransitGatewayMember extends pulumi.ComponentResource {
  /** What rotation traffic to this workload needs on central's side. */
  public readonly path: pulumi.Resource[];

  constructor(
    name: string,
    args: TransitGatewayMemberArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("secrets-hub:central:TransitGatewayMember", name, {}, opts);
    const routes = (args.routeTableIds ?? []).map(
      (routeTableId, i) =>
        new aws.ec2.Route(
          `${name}-route-${i}`,
          {
            routeTableId,
            destinationCidrBlock: args.cidr,
            transitGatewayId: args.transitGatewayId,
          },
          { parent: this, dependsOn: [args.centralAttachment] },
        ),
    );
    const routing: pulumi.Resource[] = [];
    if (args.attachmentId !== undefined) {
      routing.push(
        new aws.ec2transitgateway.RouteTableAssociation(
          `${name}-spokes`,
          {
            transitGatewayAttachmentId: args.attachmentId,
            transitGatewayRouteTableId: args.spokeRouteTableId,
          },
          { parent: this },
        ),
        new aws.ec2transitgateway.RouteTablePropagation(
          `${name}-to-hub`,
          {
            transitGatewayAttachmentId: args.attachmentId,
            transitGatewayRouteTableId: args.hubRouteTableId,
          },
          { parent: this },
        ),
      );
    }
    this.path = [...routes, ...routing];
    this.registerOutputs({});
  }
}
