/**
 * The AWS quotas the design depends on, in one place: AWS's default, the highest value AWS
 * grants where it is adjustable, and the Service Quotas code to raise it. The policies of
 * `secrets-hub-guard` check them (a raised value goes in the policy config under the
 * policy's name), the config check refuses what no raise could serve, and the program
 * paces peering requests by the pending-request quota. SDK-free: the program imports it.
 *
 * Sources: Amazon VPC quotas (docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html),
 * Transit Gateway quotas (docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html).
 */
export interface Quota {
  /** What is counted, as AWS's quota page names it. */
  name: string;
  /** Service Quotas service code and quota code (`aws service-quotas request-service-quota-increase`). */
  serviceCode: string;
  quotaCode?: string;
  /** AWS's default value. */
  defaultValue: number;
  /** The most AWS grants on request; equal to the default for a hard limit. */
  maximum: number;
}

export const QUOTAS = {
  activePeeringsPerVpc: {
    name: "Active VPC peering connections per VPC",
    serviceCode: "vpc",
    quotaCode: "L-7E9ECCDB",
    defaultValue: 50,
    maximum: 125,
  },
  pendingPeeringRequests: {
    name: "Outstanding VPC peering connection requests",
    serviceCode: "vpc",
    quotaCode: "L-DC9F7029",
    defaultValue: 25,
    maximum: 125,
  },
  routesPerRouteTable: {
    name: "Routes per route table",
    serviceCode: "vpc",
    quotaCode: "L-93826ACB",
    defaultValue: 50,
    maximum: 1000,
  },
  rulesPerSecurityGroup: {
    name: "Inbound or outbound rules per security group",
    serviceCode: "vpc",
    quotaCode: "L-0EA8095F",
    defaultValue: 60,
    maximum: 1000,
  },
  interfaceEndpointsPerVpc: {
    name: "Interface VPC endpoints per VPC",
    serviceCode: "vpc",
    quotaCode: "L-29B6F2EB",
    defaultValue: 50,
    maximum: 100,
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

/** How to raise a quota, for messages: the console page and the CLI call. */
export function howToRaise(quota: Quota): string {
  if (quota.maximum <= quota.defaultValue) return `${quota.name} is a hard limit`;
  const code = quota.quotaCode
    ? `aws service-quotas request-service-quota-increase --service-code ${quota.serviceCode} --quota-code ${quota.quotaCode} --desired-value N`
    : `the Service Quotas console (${quota.serviceCode})`;
  return `raise "${quota.name}" (up to ${quota.maximum}) with ${code}, then set the raised value in the policy config`;
}

/** One line that names the quota, the count, the limit and the way out. */
export function quotaExceeded(quota: Quota, count: number, limit: number, where: string): string {
  return `${where}: ${count} exceed the quota "${quota.name}" of ${limit}${quota.quotaCode ? ` (${quota.serviceCode} ${quota.quotaCode})` : ""}; ${
    limit >= quota.maximum
      ? `AWS grants at most ${quota.maximum}: change the design (fewer per VPC, or transit gateway connectivity)`
      : howToRaise(quota)
  }`;
}
