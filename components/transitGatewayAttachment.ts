import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link TransitGatewayAttachment}. */
export interface TransitGatewayAttachmentArgs {
  /** The central transit gateway (shared with this account through AWS RAM). */
  transitGatewayId: pulumi.Input<string>;
  /**
   * The RAM share to accept (an invitation to this account). Default: none, for a share with
   * the organization, which reaches its accounts without an invitation.
   */
  shareArn?: pulumi.Input<string>;
  /** The workload VPC. */
  vpcId: pulumi.Input<string>;
  /** One private subnet per zone: the attachment's network interfaces. */
  subnetIds: pulumi.Input<string>[];
  /** Central VPC CIDR: the destination of the routes. */
  centralCidr: string;
  /** Route tables to add the route to (every private route table of the workload). */
  routeTableIds: pulumi.Input<string>[];
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/**
 * The workload side in transit gateway mode: accepts the RAM share (when it is an
 * invitation), attaches the VPC in every zone (the gateway auto-accepts it; central then
 * associates and propagates it), and routes the central CIDR to the transit gateway from
 * every private route table. The route tables of a shared gateway are the owner's: the
 * default-route-table arguments of the attachment are left alone (Terraform
 * aws_ec2_transit_gateway_vpc_attachment: they cannot be configured for RAM-shared gateways).
 */
export class TransitGatewayAttachment extends pulumi.ComponentResource {
  public readonly attachmentId: pulumi.Output<string>;

  constructor(
    name: string,
    args: TransitGatewayAttachmentArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("secrets-hub:workload:TransitGatewayAttachment", name, {}, opts);
    if (args.subnetIds.length === 0)
      throw new Error(`TransitGatewayAttachment ${name}: subnetIds must not be empty`);
    if (args.routeTableIds.length === 0)
      throw new Error(`TransitGatewayAttachment ${name}: routeTableIds must not be empty`);

    const accepter =
      args.shareArn === undefined
        ? undefined
        : new aws.ram.ResourceShareAccepter(
            `${name}-share`,
            { shareArn: args.shareArn },
            { parent: this },
          );
    const attachment = new aws.ec2transitgateway.VpcAttachment(
      `${name}-attachment`,
      {
        transitGatewayId: args.transitGatewayId,
        vpcId: args.vpcId,
        subnetIds: args.subnetIds,
        dnsSupport: "enable",
        tags: { ...args.tags, Name: `${name}-central` },
      },
      // The gateway is visible to this account only once the share is accepted.
      { parent: this, dependsOn: accepter ? [accepter] : [] },
    );
    const routes = args.routeTableIds.map(
      (routeTableId, i) =>
        new aws.ec2.Route(
          `${name}-to-central-${i}`,
          {
            routeTableId,
            destinationCidrBlock: args.centralCidr,
            transitGatewayId: args.transitGatewayId,
          },
          // A VPC route to a transit gateway needs the VPC attached to it.
          { parent: this, dependsOn: [attachment] },
        ),
    );
    // Known only once the routes to central exist: central reads this export as "attached".
    this.attachmentId = pulumi.all([attachment.id, ...routes.map((r) => r.id)]).apply(([id]) => id);
    this.registerOutputs({ attachmentId: this.attachmentId });
  }
}
