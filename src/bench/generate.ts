/** Synthetic environments of any size, for the benchmark and the scale tests. */
import YAML from "yaml";
import { ENVIRONMENT_POLICY, QUOTA_PARAM } from "../../policy-pack/lib/names";
import { QUOTAS } from "../../policy-pack/lib/quotas";
import type { Connectivity } from "../config/transitGateway";

/** Options of {@link generateEnvironmentFile}. */
export interface GenerateOptions {
  /** Default: `peering`. */
  connectivity?: Connectivity;
  /**
   * Transit gateway mode only: set `transitGateway.summaryPrefixes` to the one prefix that
   * holds every generated workload CIDR (10.64.0.0/10). Default: false.
   */
  summaryPrefixes?: boolean;
  /**
   * Transit gateway mode only: share the transit gateway with an organization
   * (`transitGateway.organizationArn`, o-exampleorg1): the secrets key then grants the
   * organization, not each account. Default: false, shared with each account.
   */
  organization?: boolean;
}

/** The organization of {@link GenerateOptions.organization}, managed from the central account. */
export const GENERATED_ORGANIZATION_ARN =
  "arn:aws:organizations::100000000000:organization/o-exampleorg1";

/** Transit gateway mode: /24 workload VPCs carved from this /10 (16,384 of them). */
const TGW_WORKLOAD_SPACE = "10.64.0.0/10";
const TGW_MAX_WORKLOADS = 5000;

/**
 * An environment file with `workloads` workload accounts: distinct 12-digit ids, disjoint
 * CIDRs, alternating PostgreSQL and MySQL. Peering mode: /16 CIDRs (10.1.0.0/16 …
 * 10.125.0.0/16 beside the central 10.0.0.0/16), at most 125. Transit gateway mode: /24 CIDRs in
 * 10.64.0.0/10 (10.64.0.0/24, 10.64.1.0/24, …), up to 5,000 workloads (the attachments a
 * transit gateway takes).
 */
export function generateEnvironmentFile(
  name: string,
  workloads: number,
  options: GenerateOptions = {},
): string {
  const tgw = options.connectivity === "transit-gateway";
  // Peering: every workload peers with the central VPC, and the config check refuses more
  // than AWS's hard limit of active peerings per VPC.
  const max = tgw ? TGW_MAX_WORKLOADS : QUOTAS.activePeeringsPerVpc.maximum;
  if (workloads < 1 || workloads > max)
    throw new Error(
      `workloads must be from 1 to ${max} (${tgw ? "transit gateway attachments" : "active peering connections per VPC"}), got ${workloads}`,
    );
  const zones = ["us-east-1a", "us-east-1b"];
  const cidrOf = (n: number) =>
    tgw ? `10.${64 + Math.floor((n - 1) / 256)}.${(n - 1) % 256}.0/24` : `10.${n}.0.0/16`;
  const config: Record<string, unknown> = {
    "pulumi:disable-default-providers": ["*"],
    "secrets-hub:environment": name,
    "secrets-hub:replicaRegion": "us-west-2",
    "secrets-hub:alerts": {},
    "secrets-hub:key": { deletionWindowInDays: 30, rotationPeriodInDays: 365 },
    "secrets-hub:tags": { project: "secrets-hub", environment: name },
    "secrets-hub:rotation": {
      schedule: "rate(30 days)",
      duration: "3h",
      applicationVersion: "1.1.671",
    },
    ...(tgw ? { "secrets-hub:connectivity": "transit-gateway" } : {}),
    "secrets-hub:transitGateway": tgw
      ? {
          ...(options.summaryPrefixes ? { summaryPrefixes: [TGW_WORKLOAD_SPACE] } : {}),
          ...(options.organization ? { organizationArn: GENERATED_ORGANIZATION_ARN } : {}),
        }
      : {},
    "secrets-hub:central": {
      accountId: "100000000000",
      region: "us-east-1",
      vpcCidr: "10.0.0.0/16",
      availabilityZones: zones,
    },
    "secrets-hub:workloads": Array.from({ length: workloads }, (_, i) => {
      const n = i + 1;
      const engine = i % 2 === 0 ? "postgres" : "mysql";
      return {
        name: `app-${String(n).padStart(3, "0")}`,
        accountId: String(200000000000 + n),
        region: "us-east-1",
        vpcCidr: cidrOf(n),
        availabilityZones: zones,
        database: {
          engine,
          secretName: `${name}/app-${n}/db`,
          dbName: `app${n}`,
          username: `app${n}_admin`,
        },
      };
    }),
  };
  return `# Generated: ${workloads} workloads${tgw ? ", transit gateway" : ""}.\n${YAML.stringify({ config }, { aliasDuplicateObjects: false })}`;
}

/**
 * The policy config a generated environment of `workloads` workloads needs: the quotas its
 * design exceeds at AWS's defaults, raised just enough (README, "Scale and the benchmark").
 * Every workload is one active peering of the central VPC and one route in each central
 * private route table; the rotation functions' egress rules are spread over security
 * groups and the peering requests paced in rounds, so neither needs a raise.
 */
export function raisedQuotaConfig(workloads: number): Record<string, Record<string, number>> {
  const config: Record<string, Record<string, number>> = {};
  if (workloads > QUOTAS.activePeeringsPerVpc.defaultValue)
    config[ENVIRONMENT_POLICY.peeringQuota] = { [QUOTA_PARAM.peeringQuota]: workloads };
  if (workloads > QUOTAS.routesPerRouteTable.defaultValue)
    config[ENVIRONMENT_POLICY.routeTableQuota] = { [QUOTA_PARAM.routeTableQuota]: workloads };
  return config;
}
