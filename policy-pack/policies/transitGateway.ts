/**
 * Transit gateway: attachments per transit gateway and routes per transit gateway stay under
 * AWS's quotas, no default route through a transit gateway, and the VPCs attached to one
 * transit gateway have disjoint CIDRs (none overlaps the CIDRs its own VPC routes through the
 * gateway). Like the environment group, these judge the environment as a whole (the plan runs
 * them once more over every stack). The peering policies count peerings only, so both groups
 * apply to both modes: each finds nothing to judge in the other.
 */
import { cidrRange, cidrsOverlap } from "../lib/cidr";
import {
  Config,
  Finding,
  PlainResource,
  isUnknown,
  numberParam,
  stackPolicy,
  unknownFinding,
} from "./model";
import { TRANSIT_GATEWAY_PARAM, TRANSIT_GATEWAY_POLICY } from "../lib/names";
import { QUOTAS, quotaExceeded } from "../lib/quotas";
import { add, countAgainst, limitOf, shortName } from "./counting";
import {
  ROUTE,
  TGW_PROPAGATION,
  TGW_ROUTE,
  TGW_ROUTE_TABLE,
  TGW_VPC_ATTACHMENT,
  VPC,
} from "../lib/types";

/**
 * What a reference names: its known value, else the resource it came from (the same
 * gateway seen from another stack is its id; from its own stack in a first preview, its URN).
 */
function reference(r: PlainResource, prop: string): string | undefined {
  const value = r.props[prop];
  if (typeof value === "string" && !isUnknown(value)) return value;
  return (r.propertyDependencies[prop] ?? [])[0];
}

/** VPC attachments per transit gateway ≤ 5,000 (L-E0233F82, not adjustable). */
export function checkAttachmentQuota(resources: PlainResource[], config: Config): Finding[] {
  const quota = QUOTAS.attachmentsPerTransitGateway;
  const limit = limitOf(config, TRANSIT_GATEWAY_PARAM.attachmentQuota, quota);
  const perGateway = new Map<string, { n: number; urn: string }>();
  for (const a of resources.filter((r) => TGW_VPC_ATTACHMENT.includes(r.type))) {
    add(perGateway, reference(a, "transitGatewayId") ?? a.urn, 1, a.urn);
  }
  return countAgainst(perGateway, { n: 0, what: "" }, limit, (gateway, n) =>
    quotaExceeded(
      quota,
      n,
      limit,
      `VPC attachments to one transit gateway (${shortName(gateway)})`,
    ),
  );
}

/**
 * Routes of one transit gateway, static and propagated, across all its route tables ≤ 10,000
 * (AWS counts them per gateway). A propagation adds one route (the attached VPC's CIDR).
 */
export function checkTransitGatewayRouteQuota(
  resources: PlainResource[],
  config: Config,
): Finding[] {
  const quota = QUOTAS.routesPerTransitGateway;
  const limit = limitOf(config, TRANSIT_GATEWAY_PARAM.routeQuota, quota);
  const tables = new Map(
    resources
      .filter((r) => TGW_ROUTE_TABLE.includes(r.type))
      .map((t) => [t.urn, reference(t, "transitGatewayId") ?? t.urn]),
  );
  const gatewayOf = (r: PlainResource) => {
    const table = (r.propertyDependencies.transitGatewayRouteTableId ?? []).find((u) =>
      tables.has(u),
    );
    return table ? tables.get(table)! : (reference(r, "transitGatewayRouteTableId") ?? r.urn);
  };
  const perGateway = new Map<string, { n: number; urn: string }>();
  for (const r of resources.filter(
    (x) => TGW_ROUTE.includes(x.type) || TGW_PROPAGATION.includes(x.type),
  )) {
    add(perGateway, gatewayOf(r), 1, r.urn);
  }
  return countAgainst(perGateway, { n: 0, what: "" }, limit, (gateway, n) =>
    quotaExceeded(
      quota,
      n,
      limit,
      `routes of one transit gateway (${shortName(gateway)}), static and propagated`,
    ),
  );
}

/** No 0.0.0.0/0 through a transit gateway: neither a VPC route nor a transit gateway route. */
export function checkNoDefaultRouteViaTransitGateway(resources: PlainResource[]): Finding[] {
  const findings: Finding[] = [];
  for (const r of resources) {
    const viaGateway =
      TGW_ROUTE.includes(r.type) ||
      (ROUTE.includes(r.type) && r.props.transitGatewayId !== undefined);
    if (!viaGateway) continue;
    const destination = r.props.destinationCidrBlock;
    if (isUnknown(destination)) findings.push(unknownFinding(`${r.name}: the destination`, r.urn));
    else if (destination === "0.0.0.0/0")
      findings.push({
        urn: r.urn,
        message: `${r.name}: routes 0.0.0.0/0 through a transit gateway`,
      });
  }
  return findings;
}

/**
 * The VPCs attached to one transit gateway have disjoint CIDRs (an overlap makes one of them
 * unreachable), and no VPC routes a CIDR that overlaps its own through the gateway. Attached
 * CIDRs are read from the VPC each attachment depends on; blocks sorted by start, a block
 * that starts before the widest open one ends overlaps it: O(n log n).
 */
export function checkAttachmentCidrs(resources: PlainResource[]): Finding[] {
  const findings: Finding[] = [];
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const cidrOfVpc = (urn: string | undefined): string | undefined => {
    const vpc = urn ? byUrn.get(urn) : undefined;
    const cidr = vpc && VPC.includes(vpc.type) ? vpc.props.cidrBlock : undefined;
    return typeof cidr === "string" && !isUnknown(cidr) ? cidr : undefined;
  };
  const perGateway = new Map<string, { cidr: string; urn: string; name: string }[]>();
  for (const a of resources.filter((r) => TGW_VPC_ATTACHMENT.includes(r.type))) {
    const cidr = cidrOfVpc((a.propertyDependencies.vpcId ?? [])[0]);
    if (!cidr) continue;
    const key = reference(a, "transitGatewayId") ?? a.urn;
    perGateway.set(key, [...(perGateway.get(key) ?? []), { cidr, urn: a.urn, name: a.name }]);
  }
  for (const [gateway, attached] of perGateway) {
    const blocks = attached
      .map((a) => ({ ...a, ...cidrRange(a.cidr)! }))
      .sort((x, y) => x.start - y.start || y.end - x.end);
    let widest: (typeof blocks)[number] | undefined;
    for (const block of blocks) {
      if (widest && block.start <= widest.end) {
        findings.push({
          urn: block.urn,
          message: `${block.name}: attached CIDR ${block.cidr} overlaps ${widest.cidr} (${widest.name}) on transit gateway ${shortName(gateway)}`,
        });
      }
      if (!widest || block.end > widest.end) widest = block;
    }
  }
  for (const route of resources.filter(
    (r) => ROUTE.includes(r.type) && r.props.transitGatewayId !== undefined,
  )) {
    const destination = route.props.destinationCidrBlock;
    if (typeof destination !== "string" || isUnknown(destination)) continue;
    const table = byUrn.get((route.propertyDependencies.routeTableId ?? [])[0] ?? "");
    const own = cidrOfVpc((table?.propertyDependencies.vpcId ?? [])[0]);
    if (own && cidrsOverlap(own, destination)) {
      findings.push({
        urn: route.urn,
        message: `${route.name}: routes ${destination} through a transit gateway, which overlaps its own VPC ${own}`,
      });
    }
  }
  return findings;
}

/** Registered after the environment group, in the order of {@link TRANSIT_GATEWAY_POLICY}. */
export const transitGatewayPolicies = [
  stackPolicy({
    name: TRANSIT_GATEWAY_POLICY.attachmentQuota,
    description: "VPC attachments per transit gateway stay under the quota (5,000, a hard limit).",
    configSchema: {
      properties: {
        [TRANSIT_GATEWAY_PARAM.attachmentQuota]: numberParam(
          "VPC attachments allowed per transit gateway.",
          QUOTAS.attachmentsPerTransitGateway.defaultValue,
          1,
          QUOTAS.attachmentsPerTransitGateway.maximum,
        ),
      },
    },
    check: (resources, config) => checkAttachmentQuota(resources, config),
  }),
  stackPolicy({
    name: TRANSIT_GATEWAY_POLICY.routeQuota,
    description:
      "Routes of a transit gateway (static and propagated, all route tables) stay under the quota (10,000).",
    configSchema: {
      properties: {
        // Adjustable without a published maximum: no upper bound here.
        [TRANSIT_GATEWAY_PARAM.routeQuota]: {
          type: "number",
          description: "Routes allowed per transit gateway, across its route tables.",
          default: QUOTAS.routesPerTransitGateway.defaultValue,
          minimum: 1,
        },
      },
    },
    check: (resources, config) => checkTransitGatewayRouteQuota(resources, config),
  }),
  stackPolicy({
    name: TRANSIT_GATEWAY_POLICY.noDefaultRoute,
    description: "No 0.0.0.0/0 route points at a transit gateway.",
    check: (resources) => checkNoDefaultRouteViaTransitGateway(resources),
  }),
  stackPolicy({
    name: TRANSIT_GATEWAY_POLICY.cidrsDisjoint,
    description:
      "VPCs attached to one transit gateway have disjoint CIDRs; no VPC routes its own CIDR through it.",
    check: (resources) => checkAttachmentCidrs(resources),
  }),
];
