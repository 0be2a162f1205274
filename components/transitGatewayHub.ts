import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Whom the transit gateway is shared with through AWS RAM. */
export type TransitGatewayShareTarget =
  | { kind: "organization"; organizationArn: string }
  /** Accounts: of the organization (no invitation, external principals off), or external ones (each accepts an invitation). */
  | { kind: "accounts"; accountIds: string[]; external: boolean };

/** Arguments of {@link TransitGatewayHub}. */
export interface TransitGatewayHubArgs {
  /** Prefix of the RAM share's name, e.g. `secrets-hub-dev`. */
  namePrefix: string;
  /** The central VPC, attached to the transit gateway. */
  vpcId: pulumi.Input<string>;
  /** Central private subnets, one per zone: the attachment's network interfaces. */
  subnetIds: pulumi.Input<string>[];
  /** Central private route tables: each gets a route per entry of `destinations`. */
  routeTableIds: pulumi.Input<string>[];
  /**
   * Prefixes routed from every central route table to the transit gateway: the summary
   * prefixes, or the aggregate of the workload CIDRs. Each route is named from its prefix and
   * route table index, so a prefix that stays keeps its route when others change.
   */
  destinations: string[];
  /**
   * The URN a route to `cidr` in the `routeTableIndex`-th table had before it was named from
   * its prefix, given as its alias (a route that moves keeps its identity: EC2 refuses a
   * second route to an identical destination). Default: none.
   */
  formerRoute?: (cidr: string, routeTableIndex: number) => pulumi.Input<string> | undefined;
  /** Private ASN of the transit gateway. Default: AWS's (64512). */
  amazonSideAsn?: number;
  /** The organization, or the workload accounts (each accepts an invitation). */
  shareWith: TransitGatewayShareTarget;
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/**
 * The central transit gateway, in hub-and-spoke isolation: no default route table
 * association or propagation, and two route tables. `hub` is associated with the central
 * attachment and learns each workload CIDR (propagation, per workload); `spokes` is
 * associated with every workload attachment and learns only the central CIDR. A workload
 * therefore reaches central and nothing else, as with peering.
 *
 * Shared attachments are auto-accepted: RAM already limits who can attach (the listed
 * accounts or the organization), and an attachment associated with no route table carries
 * no traffic, so central still decides what is routed, by associating and propagating each
 * workload's attachment explicitly (`TransitGatewayMember`). Explicit acceptance would add
 * a round: the workload's route to central waits for an available attachment.
 * (AWS Transit Gateway guide, "Transit gateways": auto accept shared attachments, default
 * route table association and propagation; Terraform aws_ec2_transit_gateway.)
 */
export class TransitGatewayHub extends pulumi.ComponentResource {
  public readonly transitGatewayId: pulumi.Output<string>;
  /** ARN of the RAM share of the transit gateway. */
  public readonly shareArn: pulumi.Output<string>;
  /** Associated with central's attachment; a propagated route per workload. */
  public readonly hubRouteTableId: pulumi.Output<string>;
  /** Associated with every workload attachment; central's CIDR propagated. */
  public readonly spokeRouteTableId: pulumi.Output<string>;
  /** Central's own attachment: central VPC routes through the gateway need it first. */
  public readonly centralAttachment: aws.ec2transitgateway.VpcAttachment;
  /** What traffic from central needs: the central attachment's routing and summary routes. */
  public readonly path: pulumi.Resource[];

  constructor(name: string, args: TransitGatewayHubArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:central:TransitGatewayHub", name, {}, opts);
    if (args.subnetIds.length === 0)
      throw new Error(`TransitGatewayHub ${name}: subnetIds must not be empty`);
    if (args.routeTableIds.length === 0)
      throw new Error(`TransitGatewayHub ${name}: routeTableIds must not be empty`);
    if (args.destinations.length === 0)
      throw new Error(`TransitGatewayHub ${name}: destinations must not be empty`);
    if (args.shareWith.kind === "accounts" && args.shareWith.accountIds.length === 0)
      throw new Error(`TransitGatewayHub ${name}: shareWith.accountIds must not be empty`);

    const gateway = new aws.ec2transitgateway.TransitGateway(
      `${name}-tgw`,
      {
        description: `${args.namePrefix}: central to workload databases (secret rotation)`,
        amazonSideAsn: args.amazonSideAsn,
        autoAcceptSharedAttachments: "enable",
        defaultRouteTableAssociation: "disable",
        defaultRouteTablePropagation: "disable",
        // Lets the rotation function resolve a workload's RDS host name to its private address.
        dnsSupport: "enable",
        tags: { ...args.tags, Name: name },
      },
      { parent: this },
    );
    const table = (role: string) =>
      new aws.ec2transitgateway.RouteTable(
        `${name}-${role}`,
        { transitGatewayId: gateway.id, tags: { ...args.tags, Name: `${name}-${role}` } },
        { parent: this },
      );
    const hub = table("hub");
    const spokes = table("spokes");

    this.centralAttachment = new aws.ec2transitgateway.VpcAttachment(
      `${name}-central`,
      {
        transitGatewayId: gateway.id,
        vpcId: args.vpcId,
        subnetIds: args.subnetIds,
        dnsSupport: "enable",
        // Routing is managed by the association and propagation below.
        transitGatewayDefaultRouteTableAssociation: false,
        transitGatewayDefaultRouteTablePropagation: false,
        tags: { ...args.tags, Name: `${name}-central` },
      },
      { parent: this },
    );
    const association = new aws.ec2transitgateway.RouteTableAssociation(
      `${name}-central-hub`,
      {
        transitGatewayAttachmentId: this.centralAttachment.id,
        transitGatewayRouteTableId: hub.id,
      },
      { parent: this },
    );
    const propagation = new aws.ec2transitgateway.RouteTablePropagation(
      `${name}-central-to-spokes`,
      {
        transitGatewayAttachmentId: this.centralAttachment.id,
        transitGatewayRouteTableId: spokes.id,
      },
      { parent: this },
    );

    const organization = args.shareWith.kind === "organization";
    const share = new aws.ram.ResourceShare(
      `${name}-share`,
      {
        name: `${args.namePrefix}-transit-gateway`,
        // Only accounts outside the organization need external principals: off otherwise,
        // so that an SCP denying sharing outside the organization (ram:AllowsExternalPrincipals)
        // allows this share. An update of this flag is in place (UpdateResourceShare).
        allowExternalPrincipals: args.shareWith.kind === "accounts" && args.shareWith.external,
        tags: { ...args.tags, Name: `${name}-share` },
      },
      { parent: this },
    );
    new aws.ram.ResourceAssociation(
      `${name}-share-tgw`,
      { resourceArn: gateway.arn, resourceShareArn: share.arn },
      { parent: this },
    );
    const principals =
      args.shareWith.kind === "organization"
        ? [args.shareWith.organizationArn]
        : args.shareWith.accountIds;
    principals.forEach(
      (principal) =>
        new aws.ram.PrincipalAssociation(
          `${name}-share-${organization ? "organization" : principal}`,
          { principal, resourceShareArn: share.arn },
          { parent: this },
        ),
    );

    // Pulumi creates a resource with a new name when the program registers it and deletes
    // the ones it no longer registers at the end of the update (pulumi/pulumi
    // pkg/resource/deploy/step_generator.go, GenerateDeletes: "resources … not registered in
    // the new snapshot", once the program is done), so a widened prefix is routed before the
    // narrower ones go. EC2 accepts overlapping, non-identical destinations in one table and
    // sends traffic by the longest prefix (VPC User Guide, "How route priority works"); an
    // identical destination is refused with RouteAlreadyExists (terraform-provider-aws PR
    // #36512's acceptance test), hence names from the prefix and `formerRoute`.
    const routes = args.destinations.flatMap((cidr) =>
      args.routeTableIds.map((routeTableId, i) => {
        const former = args.formerRoute?.(cidr, i);
        return new aws.ec2.Route(
          `${name}-${cidr.replace(/[./]/g, "-")}-${i}`,
          { routeTableId, destinationCidrBlock: cidr, transitGatewayId: gateway.id },
          // A VPC route to a transit gateway needs the VPC attached to it.
          {
            parent: this,
            dependsOn: [this.centralAttachment],
            aliases: former === undefined ? undefined : [former],
          },
        );
      }),
    );

    this.transitGatewayId = gateway.id;
    this.shareArn = share.arn;
    this.hubRouteTableId = hub.id;
    this.spokeRouteTableId = spokes.id;
    this.path = [association, propagation, ...routes];
    this.registerOutputs({
      transitGatewayId: this.transitGatewayId,
      shareArn: this.shareArn,
      hubRouteTableId: this.hubRouteTableId,
      spokeRouteTableId: this.spokeRouteTableId,
    });
  }
}
