/**
 * Names of the policies that judge an environment as a whole (quotas and routing across
 * every stack). SDK-free, so that the offline plan can import them: it runs these once more
 * over all stacks together, and a policy added to the environment group is added here.
 */
export const ENVIRONMENT_POLICY = {
  peeringQuota: "peering-quota",
  noDefaultRouteViaPeering: "no-default-route-via-peering",
  peeredCidrsDisjoint: "peered-cidrs-disjoint",
  transitGatewayAttachmentQuota: "transit-gateway-attachment-quota",
  transitGatewayRouteQuota: "transit-gateway-route-quota",
  noDefaultRouteViaTransitGateway: "no-default-route-via-transit-gateway",
  transitGatewayCidrsDisjoint: "transit-gateway-cidrs-disjoint",
} as const;

export const ENVIRONMENT_POLICIES: readonly string[] = Object.values(ENVIRONMENT_POLICY);
