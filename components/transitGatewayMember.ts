import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link TransitGatewayMember}. */
export interface TransitGatewayMemberArgs {
  /**
   * The workload's attachment, once its stack exports it. Plain presence decides whether it
   * is routed; default: not attached yet (nothing of it exists).
   */
  attachmentId?: string;
  /** Route table the workload attachment is associated with (the hub's `spokes`). */
  spokeRouteTableId: pulumi.Input<string>;
  /** Route table the workload's CIDR propagates into (the hub's `hub`). */
  hubRouteTableId: pulumi.Input<string>;
}

/**
 * Central's side of one workload in transit gateway mode: once the workload has attached
 * its VPC, that attachment's association with the spokes route table (its
 * traffic reaches only central) and its propagation into the hub route table (central's
 * traffic reaches it). The transit gateway owner manages both, even for an attachment owned
 * by another account (AWS Transit Gateway guide, "Transit gateway route tables").
 */
export class TransitGatewayMember extends pulumi.ComponentResource {
  /** What rotation traffic to this workload needs on central's side. */
  public readonly path: pulumi.Resource[];

  /** The type token (the URN of a route this component used to own is built from it). */
  static readonly TYPE = "secrets-hub:central:TransitGatewayMember";

  constructor(
    name: string,
    args: TransitGatewayMemberArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(TransitGatewayMember.TYPE, name, {}, opts);
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
    this.path = routing;
    this.registerOutputs({});
  }
}
