/** Environment: peering quota per VPC, no default route through a peering, disjoint peered CIDRs. */
import { cidrsOverlap } from "../lib/cidr";
import { Config, Finding, PlainResource, isUnknown, numberParam, stackPolicy } from "../lib/model";
import { ENVIRONMENT_POLICY } from "../lib/names";
import { PEERING, ROUTE, VPC } from "../lib/types";
import { transitGatewayPolicies } from "./transitGateway";

/** Peering connections requested per VPC stay under the quota (50 by default, 125 at most). */
export function checkPeeringQuota(resources: PlainResource[], config: Config): Finding[] {
  const quota = Number(config.maxPeeringsPerVpc ?? 50);
  const perVpc = new Map<string, PlainResource[]>();
  for (const p of resources.filter((r) => PEERING.includes(r.type))) {
    // Group by the VPC resource it depends on; fall back to the known id.
    const key =
      (p.propertyDependencies.vpcId ?? [])[0] ??
      (isUnknown(p.props.vpcId) ? p.urn : String(p.props.vpcId));
    perVpc.set(key, [...(perVpc.get(key) ?? []), p]);
  }
  return [...perVpc.entries()]
    .filter(([, list]) => list.length > quota)
    .map(([vpc, list]) => ({
      urn: list[0].urn,
      message: `${list.length} peering connections from one VPC (${vpc.split("::").pop()}) exceed the quota of ${quota} (raise maxPeeringsPerVpc up to 125 after raising the AWS quota)`,
    }));
}

/** No 0.0.0.0/0 route through a peering connection (peering is not transitive; it would black-hole or leak). */
export function checkNoDefaultRouteViaPeering(resources: PlainResource[]): Finding[] {
  return resources
    .filter(
      (r) =>
        ROUTE.includes(r.type) &&
        r.props.destinationCidrBlock === "0.0.0.0/0" &&
        r.props.vpcPeeringConnectionId !== undefined,
    )
    .map((r) => ({
      urn: r.urn,
      message: `${r.name}: routes 0.0.0.0/0 through a VPC peering connection`,
    }));
}

/**
 * Per VPC, the CIDRs reached through its peerings overlap neither each other nor the VPC
 * itself. Routes are tied to their VPC through their route table.
 */
export function checkPeeredCidrs(resources: PlainResource[]): Finding[] {
  const findings: Finding[] = [];
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const peerings = new Set(resources.filter((r) => PEERING.includes(r.type)).map((r) => r.urn));
  const vpcOfTable = (urn: string | undefined) =>
    urn
      ? (byUrn.get(urn)?.propertyDependencies.vpcId ?? []).find((u) =>
          VPC.includes(byUrn.get(u)?.type ?? ""),
        )
      : undefined;
  const perVpc = new Map<string, Map<string, string>>();
  for (const route of resources.filter((r) => ROUTE.includes(r.type))) {
    const pcx =
      (route.propertyDependencies.vpcPeeringConnectionId ?? []).find((u) => peerings.has(u)) ??
      (typeof route.props.vpcPeeringConnectionId === "string" &&
      !isUnknown(route.props.vpcPeeringConnectionId)
        ? route.props.vpcPeeringConnectionId
        : undefined);
    const cidr = route.props.destinationCidrBlock;
    const vpc = vpcOfTable((route.propertyDependencies.routeTableId ?? [])[0]) ?? "(unknown VPC)";
    if (!pcx || typeof cidr !== "string" || isUnknown(cidr)) continue;
    const routes = perVpc.get(vpc) ?? new Map<string, string>();
    if (routes.has(cidr) && routes.get(cidr) !== pcx) {
      findings.push({
        urn: route.urn,
        message: `${cidr} is routed through two peerings from ${vpc.split("::").pop()}`,
      });
    }
    routes.set(cidr, pcx);
    perVpc.set(vpc, routes);
  }
  for (const [vpcUrn, routes] of perVpc) {
    const vpc = byUrn.get(vpcUrn);
    const entries = [
      ...(vpc && typeof vpc.props.cidrBlock === "string"
        ? [{ cidr: vpc.props.cidrBlock, via: `the VPC ${vpc.name} itself` }]
        : []),
      ...[...routes.entries()].map(([cidr, via]) => ({
        cidr,
        via: `peering ${via.split("::").pop()}`,
      })),
    ];
    for (let i = 0; i < entries.length; i++) {
      for (let j = i + 1; j < entries.length; j++) {
        if (cidrsOverlap(entries[i].cidr, entries[j].cidr)) {
          findings.push({
            urn: vpcUrn,
            message: `peered CIDR ${entries[j].cidr} (${entries[j].via}) overlaps ${entries[i].cidr} (${entries[i].via})`,
          });
        }
      }
    }
  }
  return findings;
}

/** Registered in the order of {@link ENVIRONMENT_POLICY}; the plan runs them over the whole environment. */
export const environmentPolicies = [
  stackPolicy({
    name: ENVIRONMENT_POLICY.peeringQuota,
    description:
      "VPC peering connections per VPC stay under the quota (default 50, adjustable to 125).",
    configSchema: {
      properties: {
        maxPeeringsPerVpc: numberParam("Peering connections allowed per VPC.", 50, 1, 125),
      },
    },
    check: (resources, config) => checkPeeringQuota(resources, config),
  }),
  stackPolicy({
    name: ENVIRONMENT_POLICY.noDefaultRouteViaPeering,
    description: "No 0.0.0.0/0 route points at a VPC peering connection.",
    check: (resources) => checkNoDefaultRouteViaPeering(resources),
  }),
  stackPolicy({
    name: ENVIRONMENT_POLICY.peeredCidrsDisjoint,
    description: "CIDRs reached through peerings overlap neither each other nor the local VPC.",
    check: (resources) => checkPeeredCidrs(resources),
  }),
  ...transitGatewayPolicies,
];
