/** The pack's name, as it registers itself and as violations name it. */
export const PACK_NAME = "secrets-hub-guard";

/**
 * Names of the environment group (policies/environment.ts): quotas and routing across every
 * stack. SDK-free, so that the offline plan can import them: it runs these once more over
 * all stacks together ({@link ENVIRONMENT_POLICIES}), and a policy added to the group is
 * added here.
 */
export const ENVIRONMENT_POLICY = {
  peeringQuota: "peering-quota",
  pendingPeeringRequestsQuota: "pending-peering-requests-quota",
  routeTableQuota: "route-table-quota",
  securityGroupRulesQuota: "security-group-rules-quota",
  interfaceEndpointsQuota: "interface-endpoints-quota",
  noDefaultRouteViaPeering: "no-default-route-via-peering",
  peeredCidrsDisjoint: "peered-cidrs-disjoint",
} as const;

/**
 * Names of the transit gateway group (policies/transitGateway.ts): attachments and routes per
 * transit gateway, no default route through one, disjoint attached CIDRs. They judge the
 * environment as a whole too.
 */
export const TRANSIT_GATEWAY_POLICY = {
  attachmentQuota: "transit-gateway-attachment-quota",
  routeQuota: "transit-gateway-route-quota",
  noDefaultRoute: "no-default-route-via-transit-gateway",
  cidrsDisjoint: "transit-gateway-cidrs-disjoint",
} as const;

/**
 * Every policy the offline plan runs once more over all stacks together: the environment
 * group and the transit gateway group, in registration order.
 */
export const ENVIRONMENT_POLICIES: readonly string[] = [
  ...Object.values(ENVIRONMENT_POLICY),
  ...Object.values(TRANSIT_GATEWAY_POLICY),
];

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

/** Config parameter of each transit gateway quota policy (AWS's default until raised). */
export const TRANSIT_GATEWAY_PARAM = {
  attachmentQuota: "maxAttachmentsPerTransitGateway",
  routeQuota: "maxRoutesPerTransitGateway",
} as const;
