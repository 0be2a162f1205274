/**
 * Peering mode's resources: central's peering request (with its routes) per requested
 * workload, and the workload's accepter (with its return routes). Same names and parents as
 * when the programs built them inline: `<workload>-peering`, under each program's options.
 */
import * as pulumi from "@pulumi/pulumi";
import { PeeringAccepter } from "../../components/peeringAccepter";
import { PeeringRequest } from "../../components/peeringRequest";
import type { ModeResources } from "./mode";

export const peeringResources: ModeResources = {
  // Peering has no shared part in central: one request per workload.
  central: ({ network, tags, opts }) => {
    const peeringConnectionIds: Record<string, pulumi.Output<string>> = {};
    return {
      leg: ({ workload, peer }, linked) => {
        const peering = new PeeringRequest(
          `${workload.name}-peering`,
          {
            vpcId: network.vpcId,
            peerVpcId: peer.outputs.vpcId,
            peerOwnerId: workload.accountId,
            peerRegion: workload.region,
            peerCidr: workload.vpcCidr,
            routeTableIds: network.privateRouteTableIds,
            tags: { ...tags, "secrets-hub:workload": workload.name },
          },
          opts,
        );
        peeringConnectionIds[workload.name] = peering.peeringConnectionId;
        return linked ? peering.routes : undefined;
      },
      outputs: () => ({ peeringConnectionIds: pulumi.output(peeringConnectionIds) }),
    };
  },
  // The accepter, once central has requested this workload's peering.
  workload: ({ network, tags, opts }, workload, central) => {
    const peeringConnectionId = central?.peeringConnectionId;
    if (!central || !peeringConnectionId) return {};
    const accepter = new PeeringAccepter(
      `${workload.name}-peering`,
      {
        peeringConnectionId,
        centralCidr: central.vpcCidr,
        routeTableIds: network.privateRouteTableIds,
        tags,
      },
      opts,
    );
    return { acceptedPeeringConnectionId: accepter.peeringConnectionId };
  },
};
