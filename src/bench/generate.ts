/** Synthetic environments of any size, for the benchmark and the scale tests. */
import YAML from "yaml";
import { type Connectivity, connectivity as connectivitySchema } from "../config/transitGateway";
import { connectivityMode } from "../connectivity";

/** The mode an environment file without `secrets-hub:connectivity` has (the schema's default). */
const DEFAULT_MODE: Connectivity = connectivitySchema.parse(undefined);

/** Options of {@link generateEnvironmentFile}. */
export interface GenerateOptions {
  /** Default: `peering`. */
  connectivity?: Connectivity;
  /**
   * Where the mode can summarize the workload CIDRs (transit gateway): set
   * `transitGateway.summaryPrefixes` to the one prefix that holds every generated workload
   * CIDR (10.64.0.0/10). Default: false.
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

/**
 * An environment file with `workloads` workload accounts: distinct 12-digit ids, disjoint
 * CIDRs, alternating PostgreSQL and MySQL, laid out as the mode's scale facts say. Peering:
 * /16 CIDRs (10.1.0.0/16 … 10.125.0.0/16 beside the central 10.0.0.0/16), at most 125.
 * Transit gateway: /24 CIDRs in 10.64.0.0/10 (10.64.0.0/24, 10.64.1.0/24, …), up to 5,000
 * workloads (the attachments a transit gateway takes).
 */
export function generateEnvironmentFile(
  name: string,
  workloads: number,
  options: GenerateOptions = {},
): string {
  const { connectivity = DEFAULT_MODE, summaryPrefixes = false } = options;
  const mode = connectivityMode(connectivity);
  // The default mode stays unwritten, as a user's file would have it.
  const named = mode.name !== DEFAULT_MODE;
  const { maxWorkloads: max, limit, workloadCidr, summaryPrefix } = mode.scale;
  if (workloads < 1 || workloads > max)
    throw new Error(`workloads must be from 1 to ${max} (${limit}), got ${workloads}`);
  const summary = summaryPrefixes ? summaryPrefix : undefined;
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
    ...(named ? { "secrets-hub:connectivity": mode.name } : {}),
    "secrets-hub:transitGateway": {
      ...(summary ? { summaryPrefixes: [summary] } : {}),
      ...(options.organization ? { organizationArn: GENERATED_ORGANIZATION_ARN } : {}),
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
        vpcCidr: workloadCidr(n),
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
  const label = named ? `, ${mode.diagram.label}` : "";
  return `# Generated: ${workloads} workloads${label}.\n${YAML.stringify({ config }, { aliasDuplicateObjects: false })}`;
}

/**
 * The policy config a generated environment of `workloads` workloads needs: the quotas its
 * design exceeds at AWS's defaults, raised just enough (README, "Scale and the benchmark"),
 * as the mode says (src/connectivity/peering.ts; a transit gateway needs none).
 */
export function raisedQuotaConfig(
  workloads: number,
  connectivity: Connectivity = DEFAULT_MODE,
): Record<string, Record<string, number>> {
  return connectivityMode(connectivity).scale.raisedQuotas(workloads);
}
