/**
 * The AWS quotas the design depends on, in one place: AWS's default, the highest value AWS
 * grants where it is adjustable, and the Service Quotas code to raise it. The policies of
 * `secrets-hub-guard` check them (a raised value goes in the policy config under the
 * policy's name), the config check refuses what no raise could serve, and the program
 * paces peering requests by the pending-request quota. SDK-free: the program imports it.
 *
 * Sources: Amazon VPC quotas (docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html),
 * AWS PrivateLink quotas (docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html),
 * AWS KMS quotas and Secrets Manager quotas for the policy sizes.
 */
export interface Quota {
  /** What is counted, as AWS's quota page names it. */
  name: string;
  /** Service Quotas service code and quota code (`aws service-quotas request-service-quota-increase`). */
  serviceCode: string;
  quotaCode?: string;
  /** AWS's default value. */
  defaultValue: number;
  /**
   * The most AWS grants on request; equal to the default for a hard limit; undefined where
   * AWS states no ceiling.
   */
  maximum?: number;
  /** What else to know before raising it. */
  note?: string;
}

export const QUOTAS = {
  activePeeringsPerVpc: {
    name: "Active VPC peering connections per VPC",
    serviceCode: "vpc",
    quotaCode: "L-7E9ECCDB",
    defaultValue: 50,
    maximum: 125,
    note: "raise routes per route table with it: every peering adds a route to each route table that uses it",
  },
  pendingPeeringRequests: {
    name: "Outstanding VPC peering connection requests",
    serviceCode: "vpc",
    quotaCode: "L-DC9F7029",
    defaultValue: 25,
    // AWS states no ceiling; more outstanding requests than one VPC can have active
    // peerings serve nothing here (every request comes from the central VPC).
    maximum: 125,
    note: "counted per account, over the requests not yet accepted; an unaccepted request expires after 7 days",
  },
  routesPerRouteTable: {
    name: "Routes per route table",
    serviceCode: "vpc",
    quotaCode: "L-93826ACB",
    defaultValue: 50,
    maximum: 1000,
    note: "non-propagated routes, IPv4 and IPv6 counted separately",
  },
  rulesPerSecurityGroup: {
    name: "Inbound or outbound rules per security group",
    serviceCode: "vpc",
    quotaCode: "L-0EA8095F",
    defaultValue: 60,
    maximum: 1000,
    note: "inbound and outbound, IPv4 and IPv6 counted separately; a rule naming a prefix list counts as its maximum entries; this quota times security groups per network interface may not exceed 1,000",
  },
  securityGroupsPerInterface: {
    name: "Security groups per network interface",
    serviceCode: "vpc",
    quotaCode: "L-2AFB9258",
    defaultValue: 5,
    maximum: 16,
    note: "this quota times rules per security group may not exceed 1,000",
  },
  interfaceEndpointsPerVpc: {
    name: "Interface and Gateway Load Balancer endpoints per VPC",
    serviceCode: "vpc",
    quotaCode: "L-29B6F2EB",
    defaultValue: 50,
    // AWS states no ceiling (the increase goes through AWS Support).
  },
  keyPolicySize: {
    name: "Key policy document size (bytes)",
    serviceCode: "kms",
    defaultValue: 32768,
    maximum: 32768,
  },
  roleInlinePoliciesSize: {
    name: "Role policy size: all inline policies of a role (characters, whitespace not counted)",
    serviceCode: "iam",
    defaultValue: 10240,
    maximum: 10240,
    note: "IAM User Guide, IAM and AWS STS quotas; a hard limit.",
  },
  secretPolicySize: {
    name: "Secret resource-based policy size (characters)",
    serviceCode: "secretsmanager",
    defaultValue: 20480,
    maximum: 20480,
  },
  attachmentsPerTransitGateway: {
    name: "Attachments per transit gateway",
    serviceCode: "ec2",
    quotaCode: "L-E0233F82",
    defaultValue: 5000,
    maximum: 5000,
  },
  // AWS counts these across all route tables of one transit gateway. Adjustable on request
  // (no published maximum): the maximum is the default until a raise is recorded.
  routesPerTransitGateway: {
    name: "Total combined routes (dynamic and static) across all route tables for a single transit gateway",
    serviceCode: "ec2",
    defaultValue: 10000,
    maximum: 10000,
  },
  transitGatewaysPerAccount: {
    name: "Transit gateways per account",
    serviceCode: "ec2",
    quotaCode: "L-A2478D36",
    defaultValue: 5,
    maximum: 5,
  },
} as const satisfies Record<string, Quota>;

export type QuotaName = keyof typeof QUOTAS;

/** Rules per security group × security groups per network interface: AWS refuses more. */
export const SECURITY_GROUP_RULES_TIMES_GROUPS_MAX = 1000;

/** True when AWS grants no increase. */
export function isHardLimit(quota: Quota): boolean {
  return quota.maximum !== undefined && quota.maximum <= quota.defaultValue;
}

/** How to raise a quota, for messages: the console page and the CLI call. */
export function howToRaise(quota: Quota): string {
  if (isHardLimit(quota)) return `${quota.name} is a hard limit`;
  const code = quota.quotaCode
    ? `aws service-quotas request-service-quota-increase --service-code ${quota.serviceCode} --quota-code ${quota.quotaCode} --desired-value N`
    : `the Service Quotas console (${quota.serviceCode})`;
  const upTo = quota.maximum === undefined ? "" : ` (up to ${quota.maximum})`;
  return `raise "${quota.name}"${upTo} with ${code}, then set the raised value in the policy config`;
}

/**
 * One line that names the quota, the count, the limit and the way out: a raise while AWS
 * grants one, and `remedy`, the design change that needs none (default: fewer per VPC, or
 * transit gateway connectivity), once AWS grants no more or beside the raise when given.
 */
export function quotaExceeded(
  quota: Quota,
  count: number,
  limit: number,
  where: string,
  remedy?: string,
): string {
  const code = quota.quotaCode ? ` (${quota.serviceCode} ${quota.quotaCode})` : "";
  const way =
    quota.maximum !== undefined && limit >= quota.maximum
      ? `AWS grants at most ${quota.maximum}: ${remedy ?? "change the design (fewer per VPC, or transit gateway connectivity)"}`
      : remedy === undefined
        ? howToRaise(quota)
        : `${howToRaise(quota)}; or ${remedy}`;
  return `${where}: ${count} exceed the quota "${quota.name}" of ${limit}${code}; ${way}`;
}
