/** Environment: peering quota per VPC, no default route through a peering, disjoint peered CIDRs. */
import { Address4 } from "ip-address";
import { Config, Finding, PlainResource, isUnknown, numberParam, stackPolicy } from "../lib/model";
import { PEERING, ROUTE, VPC } from "../lib/types";

function overlap(a: string, b: string): boolean {
  if (!Address4.isValid(a) || !Address4.isValid(b)) return false;
  const x = new Address4(a);
  const y = new Address4(b);
  return x.isInSubnet(y) || y.isInSubnet(x);
}

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

/** The CIDRs reached through peerings do not overlap each other or the local VPC. */
export function checkPeeredCidrs(resources: PlainResource[]): Finding[] {
  const findings: Finding[] = [];
  const peerings = new Set(resources.filter((r) => PEERING.includes(r.type)).map((r) => r.urn));
  const local = resources
    .filter((r) => VPC.includes(r.type) && typeof r.props.cidrBlock === "string")
    .map((r) => ({ cidr: String(r.props.cidrBlock), via: `local VPC ${r.name}` }));
  const peered = new Map<string, string>();
  for (const route of resources.filter((r) => ROUTE.includes(r.type))) {
    const via = (route.propertyDependencies.vpcPeeringConnectionId ?? []).find((u) =>
      peerings.has(u),
    );
    const pcx =
      via ??
      (typeof route.props.vpcPeeringConnectionId === "string" &&
      !isUnknown(route.props.vpcPeeringConnectionId)
        ? route.props.vpcPeeringConnectionId
        : undefined);
    const cidr = route.props.destinationCidrBlock;
    if (!pcx || typeof cidr !== "string" || isUnknown(cidr)) continue;
    peered.set(cidr, peered.has(cidr) && peered.get(cidr) !== pcx ? "several peerings" : pcx);
  }
  const entries = [
    ...local,
    ...[...peered.entries()].map(([cidr, via]) => ({
      cidr,
      via: `peering ${via.split("::").pop()}`,
    })),
  ];
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      if (overlap(entries[i].cidr, entries[j].cidr)) {
        findings.push({
          message: `peered CIDR ${entries[j].cidr} (${entries[j].via}) overlaps ${entries[i].cidr} (${entries[i].via})`,
        });
      }
    }
  }
  for (const [cidr, via] of peered)
    if (via === "several peerings")
      findings.push({ message: `${cidr} is routed through several peerings` });
  return findings;
}

export const environmentPolicies = [
  stackPolicy({
    name: "peering-quota",
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
    name: "no-default-route-via-peering",
    description: "No 0.0.0.0/0 route points at a VPC peering connection.",
    check: (resources) => checkNoDefaultRouteViaPeering(resources),
  }),
  stackPolicy({
    name: "peered-cidrs-disjoint",
    description: "CIDRs reached through peerings overlap neither each other nor the local VPC.",
    check: (resources) => checkPeeredCidrs(resources),
  }),
];
