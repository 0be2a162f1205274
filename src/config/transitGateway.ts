/**
 * Connectivity between the central VPC and the workload VPCs: the `secrets-hub:connectivity`
 * choice and the `secrets-hub:transitGateway` settings. Kept apart from `schema.ts`, which
 * registers them in one line each; their environment-wide rules are rules/connectivity.ts.
 */
import { z } from "zod";
import { QUOTAS } from "../../policy-pack/lib/quotas";
import { readBlock } from "../../kernel/cidr";
import { CONNECTIVITY_DEFAULT } from "./defaults";

export const CONNECTIVITY_MODES = ["peering", "transit-gateway"] as const;
export type Connectivity = (typeof CONNECTIVITY_MODES)[number];

/** `peering` (one VPC peering per workload, the default) or `transit-gateway`. */
export const connectivity = z
  .enum(CONNECTIVITY_MODES, { error: `must be one of ${CONNECTIVITY_MODES.join(", ")}` })
  .default(CONNECTIVITY_DEFAULT);

/**
 * Whom the transit gateway is shared with, through AWS RAM, and so whether the workloads
 * accept an invitation (the Pulumi registry's aws.ram.PrincipalAssociation, from AWS RAM:
 * with RAM sharing with AWS Organizations enabled, the organization, its OUs and accounts of
 * it get no invitation, resources are available at once; accounts outside it get one to
 * accept; without it, only accounts can be named and each gets one. RAM ResourceShare
 * AllowExternalPrincipals false: "can be shared with only accounts in the same organization"):
 * - `organization`: the organization (`organizationArn`), no invitation; external principals
 *   off, so an SCP that denies sharing outside the organization allows it;
 * - `organization-accounts` (the default without `organizationArn`): each workload account,
 *   inside the organization, no invitation, external principals off;
 * - `external-accounts`: each workload account, outside any organization of the central
 *   account (or without RAM sharing with AWS Organizations): external principals on, and
 *   each workload accepts its invitation (`ResourceShareAccepter`, phase 3).
 */
export const SHARE_MODES = ["organization", "organization-accounts", "external-accounts"] as const;
export type ShareMode = (typeof SHARE_MODES)[number];

const ORGANIZATION_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/;

const ROUTE_QUOTA = QUOTAS.routesPerRouteTable;

/** Any IPv4 network prefix (a summary may be wider than a VPC may be), network address exact. */
const summaryPrefix = z.string().refine(
  (v) => {
    if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(v)) return false;
    const block = readBlock(v);
    return block !== undefined && block.prefix >= 1 && block.start === block.address;
  },
  { error: "must be an IPv4 network prefix such as 10.64.0.0/10 (the network address itself)" },
);

/**
 * Transit gateway settings; every field optional, read only when `connectivity` is
 * `transit-gateway`.
 */
export const transitGateway = z.strictObject({
  /** Private ASN of the transit gateway (64512-65534 or 4200000000-4294967294); default: AWS's 64512. */
  amazonSideAsn: z
    .number()
    .int()
    .refine((n) => (n >= 64512 && n <= 65534) || (n >= 4200000000 && n <= 4294967294), {
      error: "must be a private ASN, 64512-65534 or 4200000000-4294967294",
    })
    .optional(),
  /**
   * Prefixes that together cover every workload VPC CIDR (and not the central one): central
   * routes and the rotation security group's egress name these instead of each workload CIDR,
   * so their count stays constant as workloads are added. Default: the exact aggregate of the
   * workload CIDRs (the smallest set of prefixes covering exactly them). Each prefix is a
   * route in every central private route table: at most what AWS grants per route table
   * (the policy pack's route-table quota holds them to your accounts' value).
   */
  summaryPrefixes: z
    .array(summaryPrefix)
    .min(1, { error: "needs at least one prefix (or leave summaryPrefixes out)" })
    .max(ROUTE_QUOTA.maximum, {
      error: `allows at most ${ROUTE_QUOTA.maximum} prefixes (each is a route in every central route table: AWS grants at most ${ROUTE_QUOTA.maximum} "${ROUTE_QUOTA.name}", ${ROUTE_QUOTA.serviceCode} ${ROUTE_QUOTA.quotaCode})`,
    })
    .optional(),
  /**
   * Share the transit gateway with this organization (AWS RAM, sharing with AWS Organizations
   * enabled: no invitation to accept). Default: share with each workload account, each of
   * which accepts the invitation.
   */
  /** Whom the RAM share names (see {@link SHARE_MODES}); default: organization when organizationArn is set, else organization-accounts. */
  share: z.enum(SHARE_MODES, { error: `must be one of ${SHARE_MODES.join(", ")}` }).optional(),
  organizationArn: z
    .string()
    .regex(ORGANIZATION_ARN, {
      error: "must be an organization ARN, arn:aws:organizations::<12 digits>:organization/o-<id>",
    })
    .optional(),
});
export type TransitGatewaySettings = z.output<typeof transitGateway>;

/** The share mode that applies: the one written, else by whether the organization is named. */
export function shareModeOf(settings: { share?: ShareMode; organizationArn?: string }): ShareMode {
  return settings.share ?? (settings.organizationArn ? "organization" : "organization-accounts");
}
