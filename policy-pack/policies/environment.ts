/**
 * Environment: the AWS quotas the design depends on (peerings, pending peering requests,
 * routes per route table, security group rules and groups per interface, interface
 * endpoints per VPC; declared in lib/quotas.ts), no default route through a peering,
 * disjoint peered CIDRs.
 */
import { cidrsOverlap } from "../lib/cidr";
import {
  Config,
  Finding,
  PlainResource,
  Props,
  asArray,
  isUnknown,
  numberParam,
  stackPolicy,
  unknownFinding,
} from "./model";
import { ENVIRONMENT_POLICY, QUOTA_PARAM } from "../lib/names";
import { QUOTAS, Quota, SECURITY_GROUP_RULES_TIMES_GROUPS_MAX, quotaExceeded } from "../lib/quotas";
import {
  EGRESS_RULE,
  ENDPOINT,
  INGRESS_RULE,
  LAMBDA,
  PEERING,
  PREFIX_LIST,
  ROUTE,
  ROUTE_TABLE,
  SAR_STACK,
  SECURITY_GROUP,
  VPC,
} from "../lib/types";
import { add, countAgainst, limitOf, referenceOf, shortName } from "./counting";

/** What serves more workloads than peering can: a transit gateway, one attachment each. */
const PEERING_REMEDY = `route the workloads through a transit gateway (secrets-hub:connectivity: transit-gateway; ${QUOTAS.attachmentsPerTransitGateway.maximum} attachments per transit gateway)`;

/** Active peering connections per VPC (L-7E9ECCDB): every request of the VPC may become active. */
export function checkPeeringQuota(resources: PlainResource[], config: Config): Finding[] {
  const quota = QUOTAS.activePeeringsPerVpc;
  const limit = limitOf(config, QUOTA_PARAM.peeringQuota, quota);
  const counts = new Map<string, { n: number; urn: string }>();
  for (const p of resources.filter((r) => PEERING.includes(r.type))) {
    // A VPC not known yet and not from a resource of this stack: its own group.
    add(counts, referenceOf(p, "vpcId") ?? p.urn, 1, p.urn);
  }
  return countAgainst(counts, { n: 0, what: "" }, limit, (vpc, n) =>
    quotaExceeded(
      quota,
      n,
      limit,
      `${n} peering connections from VPC ${shortName(vpc)}`,
      PEERING_REMEDY,
    ),
  );
}

/**
 * Outstanding peering requests (L-DC9F7029), as far as one stack can tell: every request
 * of the stack, accepted or not (the accepter lives in the workload's stack). An upper
 * bound, hence advisory; the offline plan checks the real thing from its deployment steps.
 */
export function checkPendingPeeringRequests(resources: PlainResource[], config: Config): Finding[] {
  const quota = QUOTAS.pendingPeeringRequests;
  const limit = limitOf(config, QUOTA_PARAM.pendingPeeringRequestsQuota, quota);
  const requests = resources.filter((r) => PEERING.includes(r.type));
  if (requests.length <= limit) return [];
  return [
    {
      urn: requests[0].urn,
      message: quotaExceeded(
        quota,
        requests.length,
        limit,
        `${requests.length} peering requests in this stack, pending or accepted (an upper bound: the plan checks each deployment step)`,
      ),
    },
  ];
}

/** Routes per route table (L-93826ACB), IPv4 and IPv6 apart; inline routes of a table count too. */
export function checkRouteTableQuota(resources: PlainResource[], config: Config): Finding[] {
  const quota = QUOTAS.routesPerRouteTable;
  const limit = limitOf(config, QUOTA_PARAM.routeTableQuota, quota);
  const counts = new Map<string, { n: number; urn: string }>();
  // What the routes of each table lead to: the remedy is the connectivity mode's own.
  const targets = new Map<string, Set<RouteTarget>>();
  let unattributed = 0;
  let firstUnattributed: string | undefined;
  const family = (route: Props) => (route.destinationIpv6CidrBlock !== undefined ? "IPv6" : "IPv4");
  const count = (key: string, route: Props, urn: string) => {
    add(counts, key, 1, urn);
    const target = routeTarget(route);
    if (target) targets.set(key, (targets.get(key) ?? new Set()).add(target));
  };
  for (const r of resources) {
    if (ROUTE.includes(r.type)) {
      const table = referenceOf(r, "routeTableId");
      if (table === undefined) {
        unattributed++;
        firstUnattributed ??= r.urn;
      } else count(`${table}|${family(r.props)}`, r.props, r.urn);
    } else if (ROUTE_TABLE.includes(r.type) && Array.isArray(r.props.routes)) {
      for (const route of r.props.routes as Props[])
        count(`${r.urn}|${family(route ?? {})}`, route ?? {}, r.urn);
    }
  }
  return countAgainst(
    counts,
    {
      n: unattributed,
      urn: firstUnattributed,
      what: `the route table of ${unattributed} route(s)`,
    },
    limit,
    (key, n) => {
      const [table, fam] = key.split("|");
      const to = [...(targets.get(key) ?? [])];
      return quotaExceeded(
        quota,
        n,
        limit,
        `${n} ${fam} routes in route table ${shortName(table)}`,
        to.length === 1 ? ROUTE_REMEDY[to[0]] : undefined,
      );
    },
  );
}

type RouteTarget = "peering" | "transit-gateway";

function routeTarget(route: Props): RouteTarget | undefined {
  if (route.vpcPeeringConnectionId !== undefined) return "peering";
  if (route.transitGatewayId !== undefined) return "transit-gateway";
  return undefined;
}

/** The design change that takes routes out of a table, by what its routes lead to. */
const ROUTE_REMEDY: Record<RouteTarget, string> = {
  // One route per peered workload; a transit gateway takes one route per prefix instead.
  peering: `${PEERING_REMEDY}, which takes one route per prefix of their aggregate`,
  // One route per prefix of the aggregate (or per summary prefix).
  "transit-gateway":
    "route fewer, wider prefixes: give the workloads contiguous CIDRs (without secrets-hub:transitGateway.summaryPrefixes central routes their exact aggregate) or set summaryPrefixes that cover them",
};

type Direction = "inbound" | "outbound";

/** How many rules an entry stands for: one per source, a prefix list as its maximum entries. */
function ruleWeights(
  props: Props,
  prefixListSize: (ref: string | undefined) => number,
): { IPv4: number; IPv6: number } {
  const count = (v: unknown) => (isUnknown(v) ? 1 : asArray(v as unknown[]).length);
  const ipv6 = count(props.ipv6CidrBlocks) + count(props.cidrIpv6);
  const prefixLists = [
    ...asArray(props.prefixListIds as unknown[]),
    ...asArray(props.prefixListId as unknown),
    ...asArray(props.referencedPrefixListId as unknown),
  ];
  const ipv4 =
    count(props.cidrBlocks) +
    count(props.cidrIpv4) +
    count(props.cidrIp) +
    count(props.securityGroups) +
    count(props.sourceSecurityGroupId) +
    count(props.referencedSecurityGroupId) +
    count(props.destinationSecurityGroupId) +
    (props.self === true ? 1 : 0) +
    prefixLists.reduce<number>(
      (sum, id) => sum + prefixListSize(typeof id === "string" ? id : undefined),
      0,
    );
  // An entry with nothing countable (e.g. every source unknown) is still one rule.
  return { IPv4: ipv4 === 0 && ipv6 === 0 ? 1 : ipv4, IPv6: ipv6 };
}

/** Security groups on each network interface of a function or endpoint; "unknown" when not known yet. */
function securityGroupsOf(r: PlainResource, groups: Set<string>): number | "unknown" | undefined {
  if (SAR_STACK.includes(r.type)) {
    const fromGroups = (r.propertyDependencies.parameters ?? []).filter((u) => groups.has(u));
    if (fromGroups.length > 0) return fromGroups.length;
    const ids = (r.props.parameters as Props | undefined)?.vpcSecurityGroupIds;
    if (ids === undefined) return undefined;
    return isUnknown(ids) ? "unknown" : String(ids).split(",").filter(Boolean).length;
  }
  const list = LAMBDA.includes(r.type)
    ? (r.props.vpcConfig as Props | undefined)?.securityGroupIds
    : ENDPOINT.includes(r.type)
      ? r.props.securityGroupIds
      : undefined;
  if (list === undefined) return undefined;
  return Array.isArray(list) ? list.length : "unknown";
}

/**
 * Inbound and outbound rules per security group (L-0EA8095F), each direction and address
 * family apart, from rule resources and inline rules alike; and security groups per network
 * interface (L-2AFB9258) of each function, rotation application and endpoint. AWS also caps
 * the product of the two at 1,000, which the config must respect.
 */
export function checkSecurityGroupRulesQuota(
  resources: PlainResource[],
  config: Config,
): Finding[] {
  const rulesQuota = QUOTAS.rulesPerSecurityGroup;
  const groupsQuota = QUOTAS.securityGroupsPerInterface;
  const maxRules = limitOf(config, QUOTA_PARAM.securityGroupRules, rulesQuota);
  const maxGroups = limitOf(config, QUOTA_PARAM.securityGroupsPerInterface, groupsQuota);
  const findings: Finding[] = [];
  if (maxRules * maxGroups > SECURITY_GROUP_RULES_TIMES_GROUPS_MAX) {
    findings.push({
      message: `policy config: ${QUOTA_PARAM.securityGroupRules} ${maxRules} × ${QUOTA_PARAM.securityGroupsPerInterface} ${maxGroups} = ${maxRules * maxGroups}, but AWS keeps "${rulesQuota.name}" × "${groupsQuota.name}" at or under ${SECURITY_GROUP_RULES_TIMES_GROUPS_MAX}: set the values AWS granted you`,
    });
  }
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const prefixListSize = (ref: string | undefined) => {
    const list = ref ? byUrn.get(ref) : undefined;
    const max = list && PREFIX_LIST.includes(list.type) ? list.props.maxEntries : undefined;
    return typeof max === "number" ? max : 1;
  };
  const counts = new Map<string, { n: number; urn: string }>();
  let unattributed = 0;
  let firstUnattributed: string | undefined;
  const tally = (
    group: string | undefined,
    direction: Direction,
    props: Props,
    urn: string,
    deps: Record<string, string[]> = {},
  ) => {
    const weights = ruleWeights(props, (id) =>
      prefixListSize(
        [
          ...(deps.prefixListId ?? []),
          ...(deps.referencedPrefixListId ?? []),
          ...(deps.prefixListIds ?? []),
        ][0] ?? id,
      ),
    );
    for (const family of ["IPv4", "IPv6"] as const) {
      if (weights[family] === 0) continue;
      if (group === undefined) {
        unattributed += weights[family];
        firstUnattributed ??= urn;
      } else add(counts, `${group}|${direction}|${family}`, weights[family], urn);
    }
  };
  for (const r of resources) {
    if (SECURITY_GROUP.includes(r.type)) {
      for (const [input, direction] of [
        ["ingress", "inbound"],
        ["egress", "outbound"],
      ] as const) {
        const inline =
          r.props[input] ??
          (r.type.startsWith("aws-native:")
            ? r.props[`securityGroup${input[0].toUpperCase()}${input.slice(1)}`]
            : undefined);
        if (Array.isArray(inline))
          for (const rule of inline as Props[]) tally(r.urn, direction, rule ?? {}, r.urn);
      }
    } else if (INGRESS_RULE.includes(r.type) || EGRESS_RULE.includes(r.type)) {
      const direction: Direction =
        r.type === "aws:ec2/securityGroupRule:SecurityGroupRule"
          ? r.props.type === "egress"
            ? "outbound"
            : "inbound"
          : EGRESS_RULE.includes(r.type)
            ? "outbound"
            : "inbound";
      const group = referenceOf(r, "securityGroupId") ?? referenceOf(r, "groupId");
      tally(group, direction, r.props, r.urn, r.propertyDependencies);
    }
  }
  findings.push(
    ...countAgainst(
      counts,
      {
        n: unattributed,
        urn: firstUnattributed,
        what: `the security group of ${unattributed} rule(s)`,
      },
      maxRules,
      (key, n) => {
        const [group, direction, family] = key.split("|");
        return quotaExceeded(
          rulesQuota,
          n,
          maxRules,
          `${n} ${direction} ${family} rules in security group ${shortName(group)}`,
        );
      },
    ),
  );
  const groups = new Set(
    resources.filter((r) => SECURITY_GROUP.includes(r.type)).map((r) => r.urn),
  );
  for (const r of resources) {
    const n = securityGroupsOf(r, groups);
    if (n === "unknown") findings.push(unknownFinding(`the security groups of ${r.name}`, r.urn));
    else if (n !== undefined && n > maxGroups)
      findings.push({
        urn: r.urn,
        message: quotaExceeded(
          groupsQuota,
          n,
          maxGroups,
          `${n} security groups on the network interfaces of ${r.name}`,
        ),
      });
  }
  return findings;
}

/** Interface (and Gateway Load Balancer) endpoints per VPC (L-29B6F2EB). */
export function checkInterfaceEndpointsQuota(
  resources: PlainResource[],
  config: Config,
): Finding[] {
  const quota = QUOTAS.interfaceEndpointsPerVpc;
  const limit = limitOf(config, QUOTA_PARAM.interfaceEndpointsQuota, quota);
  const counts = new Map<string, { n: number; urn: string }>();
  let unattributed = 0;
  let firstUnattributed: string | undefined;
  for (const r of resources.filter((e) => ENDPOINT.includes(e.type))) {
    const kind = r.props.vpcEndpointType;
    // The provider's default type is Gateway; only interface-like endpoints count.
    if (kind !== "Interface" && kind !== "GatewayLoadBalancer" && !isUnknown(kind)) continue;
    const vpc = isUnknown(kind) ? undefined : referenceOf(r, "vpcId");
    if (vpc === undefined) {
      unattributed++;
      firstUnattributed ??= r.urn;
    } else add(counts, vpc, 1, r.urn);
  }
  return countAgainst(
    counts,
    {
      n: unattributed,
      urn: firstUnattributed,
      what: `the VPC or type of ${unattributed} endpoint(s)`,
    },
    limit,
    (vpc, n) => quotaExceeded(quota, n, limit, `${n} interface endpoints in VPC ${shortName(vpc)}`),
  );
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

/** A quota's config parameter: its value in the user's accounts, AWS's default until raised. */
function quotaParam(quota: Quota, what: string) {
  return numberParam(
    `${quota.name} in your accounts (${quota.serviceCode} ${quota.quotaCode ?? ""}): ${what}. AWS's default ${quota.defaultValue}${quota.maximum === undefined ? "" : `, at most ${quota.maximum}`}.`,
    quota.defaultValue,
    1,
    quota.maximum,
  );
}

/** Registered in the order of {@link ENVIRONMENT_POLICY}; the plan runs them over the whole environment. */
export const environmentPolicies = [
  stackPolicy({
    name: ENVIRONMENT_POLICY.peeringQuota,
    description: `Peering connections per VPC stay under the quota "${QUOTAS.activePeeringsPerVpc.name}" (${QUOTAS.activePeeringsPerVpc.quotaCode}; default ${QUOTAS.activePeeringsPerVpc.defaultValue}, at most ${QUOTAS.activePeeringsPerVpc.maximum}).`,
    configSchema: {
      properties: {
        [QUOTA_PARAM.peeringQuota]: quotaParam(
          QUOTAS.activePeeringsPerVpc,
          "peerings allowed per VPC",
        ),
      },
    },
    check: (resources, config) => checkPeeringQuota(resources, config),
  }),
  stackPolicy({
    name: ENVIRONMENT_POLICY.pendingPeeringRequestsQuota,
    description: `Peering requests of a stack stay under the quota "${QUOTAS.pendingPeeringRequests.name}" (${QUOTAS.pendingPeeringRequests.quotaCode}). Advisory: a stack cannot tell pending requests from accepted ones (the accepter lives in the workload's stack), so it counts them all, an upper bound. The offline plan enforces the quota (mandatory) on each deployment step: no stack update adds more peering requests than this value.`,
    enforcementLevel: "advisory",
    configSchema: {
      properties: {
        [QUOTA_PARAM.pendingPeeringRequestsQuota]: quotaParam(
          QUOTAS.pendingPeeringRequests,
          "peering requests pending at once",
        ),
      },
    },
    check: (resources, config) => checkPendingPeeringRequests(resources, config),
  }),
  stackPolicy({
    name: ENVIRONMENT_POLICY.routeTableQuota,
    description: `Routes per route table stay under the quota "${QUOTAS.routesPerRouteTable.name}" (${QUOTAS.routesPerRouteTable.quotaCode}; default ${QUOTAS.routesPerRouteTable.defaultValue}, at most ${QUOTAS.routesPerRouteTable.maximum}). Every peering adds one route to each central private route table; with a transit gateway, each prefix of the workloads' aggregate (or each summary prefix) is one route there.`,
    configSchema: {
      properties: {
        [QUOTA_PARAM.routeTableQuota]: quotaParam(
          QUOTAS.routesPerRouteTable,
          "routes allowed per route table",
        ),
      },
    },
    check: (resources, config) => checkRouteTableQuota(resources, config),
  }),
  stackPolicy({
    name: ENVIRONMENT_POLICY.securityGroupRulesQuota,
    description: `Inbound and outbound rules per security group stay under "${QUOTAS.rulesPerSecurityGroup.name}" (${QUOTAS.rulesPerSecurityGroup.quotaCode}), and the security groups of each function, rotation application and endpoint under "${QUOTAS.securityGroupsPerInterface.name}" (${QUOTAS.securityGroupsPerInterface.quotaCode}); their product at most ${SECURITY_GROUP_RULES_TIMES_GROUPS_MAX}.`,
    configSchema: {
      properties: {
        [QUOTA_PARAM.securityGroupRules]: quotaParam(
          QUOTAS.rulesPerSecurityGroup,
          "rules allowed per security group and direction",
        ),
        [QUOTA_PARAM.securityGroupsPerInterface]: quotaParam(
          QUOTAS.securityGroupsPerInterface,
          "security groups allowed per network interface",
        ),
      },
    },
    check: (resources, config) => checkSecurityGroupRulesQuota(resources, config),
  }),
  stackPolicy({
    name: ENVIRONMENT_POLICY.interfaceEndpointsQuota,
    description: `Interface endpoints per VPC stay under the quota "${QUOTAS.interfaceEndpointsPerVpc.name}" (${QUOTAS.interfaceEndpointsPerVpc.quotaCode}; default ${QUOTAS.interfaceEndpointsPerVpc.defaultValue}).`,
    configSchema: {
      properties: {
        [QUOTA_PARAM.interfaceEndpointsQuota]: quotaParam(
          QUOTAS.interfaceEndpointsPerVpc,
          "interface endpoints allowed per VPC",
        ),
      },
    },
    check: (resources, config) => checkInterfaceEndpointsQuota(resources, config),
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
];
