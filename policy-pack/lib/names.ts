/** The pack's name, as it registers itself and as violations name it. */
export const PACK_NAME = "secrets-hub-guard";

/**
 * Names of the policies that judge an environment as a whole (quotas and routing across
 * every stack). SDK-free, so that the offline plan can import them: it runs these once more
 * over all stacks together, and a policy added to the environment group is added here.
 */
export const ENVIRONMENT_POLICY = {
  peeringQuota: "peering-quota",
  pendingPeeringRequestsQuota: "pending-peering-requests-quota",
  routeTableQuota: "route-table-quota",
  securityGroupRulesQuota: "security-group-rules-quota",
  interfaceEndpointsQuota: "interface-endpoints-quota",
  noDefaultRouteViaPeering: "no-default-route-via-peering",
  peeredCidrsDisjoint: "peered-cidrs-disjoint",
  transitGatewayAttachmentQuota: "transit-gateway-attachment-quota",
  transitGatewayRouteQuota: "transit-gateway-route-quota",
  noDefaultRouteViaTransitGateway: "no-default-route-via-transit-gateway",
  transitGatewayCidrsDisjoint: "transit-gateway-cidrs-disjoint",
} as const;

export const ENVIRONMENT_POLICIES: readonly string[] = Object.values(ENVIRONMENT_POLICY);

/**
 * Config parameter of each quota policy: the value of the quota in the user's accounts
 * (AWS's default until raised). The plan reads `maxPendingPeeringRequests` for its own
 * check of the deployment steps.
 */
export const QUOTA_PARAM = {
  peeringQuota: "maxPeeringsPerVpc",
  pendingPeeringRequestsQuota: "maxPendingPeeringRequests",
  routeTableQuota: "maxRoutesPerRouteTable",
  securityGroupRules: "maxRulesPerSecurityGroup",
  securityGroupsPerInterface: "maxSecurityGroupsPerInterface",
  interfaceEndpointsQuota: "maxInterfaceEndpointsPerVpc",
} as const;
