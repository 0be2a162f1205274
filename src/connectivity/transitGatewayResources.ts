/**
 * Transit gateway mode's resources: central's hub (the transit gateway, its route tables and
 * central attachment, its RAM share, summary routes), central's side of each workload, and
 * the workload's attachment. Same names and parents as when src/stacks/connectivity.ts built
 * them: `transit-gateway`, `<workload>-tgw`, under each program's options.
 */
import * as pulumi from "@pulumi/pulumi";
import { TransitGatewayAttachment } from "../../components/transitGatewayAttachment";
import { TransitGatewayHub } from "../../components/transitGatewayHub";
import { TransitGatewayMember } from "../../components/transitGatewayMember";
import { namePrefix } from "../names";
import { shareModeOf } from "../config/transitGateway";
import type { ModeResources } from "./mode";
import { centralDestinations } from "./transitGatewayRoutes";

export const transitGatewayResources: ModeResources = {
  central: ({ env, network, tags, opts }) => {
    const settings = env.transitGateway;
    const hub = new TransitGatewayHub(
      "transit-gateway",
      {
        namePrefix: namePrefix(env.environment),
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        routeTableIds: network.privateRouteTableIds,
        destinations: centralDestinations(env),
        // Until this release, without summary prefixes, each workload's TransitGatewayMember
        // routed its own CIDR (`<workload>-tgw-route-<i>`). An aggregate prefix identical to
        // a workload CIDR takes over that route instead of a second one: EC2 refuses a route
        // whose destination a route of the table already has (RouteAlreadyExists), and a
        // new name is created before the old one is deleted.
        formerRoute: (cidr, i) => {
          const owner = env.workloads.find((w) => w.vpcCidr === cidr);
          return owner === undefined
            ? undefined
            : pulumi.createUrn(
                `${owner.name}-tgw-route-${i}`,
                "aws:ec2/route:Route",
                pulumi.createUrn(`${owner.name}-tgw`, TransitGatewayMember.TYPE, opts.parent),
              );
        },
        amazonSideAsn: settings.amazonSideAsn,
        // Every workload account of the file, from the first run: the share does not change
        // as workloads come and go through their phases.
        shareWith:
          shareModeOf(settings) === "organization"
            ? { kind: "organization", organizationArn: settings.organizationArn! }
            : {
                kind: "accounts",
                accountIds: env.workloads.map((w) => w.accountId),
                external: shareModeOf(settings) === "external-accounts",
              },
        tags,
      },
      opts,
    );
    return {
      // Central's side of one workload, once attached: its attachment associated and
      // propagated (the hub routes its CIDR, within a summary prefix or the aggregate).
      leg: ({ workload, peer }, linked) => {
        const member = new TransitGatewayMember(
          `${workload.name}-tgw`,
          {
            attachmentId: peer.outputs.transitGatewayAttachmentId,
            spokeRouteTableId: hub.spokeRouteTableId,
            hubRouteTableId: hub.hubRouteTableId,
          },
          opts,
        );
        return linked ? [...hub.path, ...member.path] : undefined;
      },
      outputs: () => ({
        // No peering in this mode; the key stays (the contract requires it), empty.
        peeringConnectionIds: pulumi.output({}),
        transitGatewayId: hub.transitGatewayId,
        transitGatewayShareArn: hub.shareArn,
      }),
    };
  },
  /**
   * The workload's attachment, once central exports its transit gateway (and, for a share
   * with accounts, the share to accept); nothing before.
   */
  workload: ({ env, network, tags, opts }, workload, central) => {
    // Only an external account gets an invitation to accept (src/config/transitGateway.ts).
    const invited = shareModeOf(env.transitGateway) === "external-accounts";
    if (!central?.transitGatewayId || (invited && !central.transitGatewayShareArn)) {
      return {};
    }
    const attachment = new TransitGatewayAttachment(
      `${workload.name}-tgw`,
      {
        transitGatewayId: central.transitGatewayId,
        shareArn: invited ? central.transitGatewayShareArn : undefined,
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        centralCidr: central.vpcCidr,
        routeTableIds: network.privateRouteTableIds,
        tags,
      },
      opts,
    );
    return { transitGatewayAttachmentId: attachment.attachmentId };
  },
};
