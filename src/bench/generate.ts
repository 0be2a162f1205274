/** Synthetic environments of any size, for the benchmark and the scale tests. */
import YAML from "yaml";
import { ENVIRONMENT_POLICY, QUOTA_PARAM } from "../../policy-pack/lib/names";
import { QUOTAS } from "../../policy-pack/lib/quotas";

/**
 * An environment file with `workloads` workload accounts: distinct 12-digit ids, disjoint
 * /16 CIDRs (10.1.0.0/16 … 10.250.0.0/16 beside the central 10.0.0.0/16), alternating
 * PostgreSQL and MySQL. At most 125 workloads: every workload peers with the central VPC,
 * and the config check refuses more than AWS's hard limit of active peerings per VPC.
 */
export function generateEnvironmentFile(name: string, workloads: number): string {
  const max = QUOTAS.activePeeringsPerVpc.maximum;
  if (workloads < 1 || workloads > max)
    throw new Error(
      `workloads must be from 1 to ${max} (active peering connections per VPC), got ${workloads}`,
    );
  const zones = ["us-east-1a", "us-east-1b"];
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
        vpcCidr: `10.${n}.0.0/16`,
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
  return `# Generated: ${workloads} workloads.\n${YAML.stringify({ config }, { aliasDuplicateObjects: false })}`;
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
