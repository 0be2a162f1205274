/**
 * Connectivity between the central VPC and the workload VPCs: the `secrets-hub:connectivity`
 * choice, the `secrets-hub:transitGateway` settings, and the environment-wide rules that only
 * transit gateway mode has (one Region, summary prefixes that cover every workload).
 * Kept apart from `schema.ts` and `rules.ts`, which register these in one line each.
 */
import { z } from "zod";
import { Address4 } from "ip-address";
import { cidrRange, cidrsOverlap } from "../../policy-pack/lib/cidr";
import { keyPath } from "./keyPath";
import type { Report } from "./rules";
import { asRecord } from "./tolerant";

export const CONNECTIVITY_MODES = ["peering", "transit-gateway"] as const;
export type Connectivity = (typeof CONNECTIVITY_MODES)[number];

/** `peering` (one VPC peering per workload, the default) or `transit-gateway`. */
export const connectivity = z
  .enum(CONNECTIVITY_MODES, { error: `must be one of ${CONNECTIVITY_MODES.join(", ")}` })
  .default("peering");

const ORGANIZATION_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/;

/** Any IPv4 network prefix (a summary may be wider than a VPC may be), network address exact. */
const summaryPrefix = z.string().refine(
  (v) => {
    if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(v) || !Address4.isValid(v)) return false;
    const block = new Address4(v);
    return block.subnetMask >= 1 && block.startAddress().correctForm() === block.addressMinusSuffix;
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
   * so their count stays constant as workloads are added. Default: one per workload.
   */
  summaryPrefixes: z
    .array(summaryPrefix)
    .min(1, { error: "needs at least one prefix (or leave summaryPrefixes out)" })
    .max(10, { error: "allows at most 10 prefixes" })
    .optional(),
  /**
   * Share the transit gateway with this organization (AWS RAM, sharing with AWS Organizations
   * enabled: no invitation to accept). Default: share with each workload account, each of
   * which accepts the invitation.
   */
  organizationArn: z
    .string()
    .regex(ORGANIZATION_ARN, {
      error: "must be an organization ARN, arn:aws:organizations::<12 digits>:organization/o-<id>",
    })
    .optional(),
});
export type TransitGatewaySettings = z.output<typeof transitGateway>;

/**
 * The rules of transit gateway mode, on any input (fields of the wrong type are skipped;
 * their own checks report them).
 */
export function checkConnectivity(value: unknown, report: Report): void {
  const env = asRecord(value);
  const settings = asRecord(env.transitGateway);
  const central = asRecord(env.central);
  const workloads = Array.isArray(env.workloads) ? env.workloads.map(asRecord) : [];
  if (env.connectivity !== "transit-gateway") {
    for (const key of ["summaryPrefixes", "organizationArn", "amazonSideAsn"]) {
      if (settings[key] !== undefined) {
        report({
          path: ["transitGateway", key],
          input: settings[key],
          message: `applies only with ${keyPath(["connectivity"])}: transit-gateway (it is ${String(env.connectivity ?? "peering")})`,
        });
      }
    }
    return;
  }
  // One transit gateway serves one Region: a VPC attachment needs the VPC and the transit
  // gateway in the same Region (AWS Transit Gateway, "Transit gateway attachments to a VPC").
  // Inter-Region transit gateway peering is not implemented: refuse clearly instead.
  const elsewhere = workloads
    .map((w, i) => ({ w, i }))
    .filter(({ w }) => typeof w.region === "string" && w.region !== central.region);
  for (const { w, i } of elsewhere) {
    report({
      path: ["workloads", i, "region"],
      input: w.region,
      message: `workload ${String(w.name)} is outside the central region ${String(central.region)}: transit gateway connectivity attaches VPCs of the central region only (inter-Region transit gateway peering is not implemented); use ${keyPath(["connectivity"])}: peering for this environment, or move the workload`,
    });
  }
  const prefixes = Array.isArray(settings.summaryPrefixes)
    ? settings.summaryPrefixes.filter(
        (p): p is string => typeof p === "string" && cidrRange(p) !== undefined,
      )
    : undefined;
  if (prefixes === undefined) return;
  prefixes.forEach((prefix, i) => {
    if (typeof central.vpcCidr === "string" && cidrsOverlap(prefix, central.vpcCidr)) {
      report({
        path: ["transitGateway", "summaryPrefixes", i],
        input: prefix,
        message: `overlaps the central VPC CIDR (${keyPath(["central", "vpcCidr"])} is ${central.vpcCidr}): central would route part of itself to the transit gateway`,
      });
    }
    for (let j = 0; j < i; j++) {
      if (cidrsOverlap(prefix, prefixes[j])) {
        report({
          path: ["transitGateway", "summaryPrefixes", i],
          input: prefix,
          message: `overlaps ${keyPath(["transitGateway", "summaryPrefixes", j])} (${prefixes[j]})`,
        });
      }
    }
  });
  workloads.forEach((w, i) => {
    if (typeof w.vpcCidr !== "string") return;
    const block = cidrRange(w.vpcCidr);
    if (block === undefined) return;
    const covered = prefixes.some((p) => {
      const summary = cidrRange(p)!;
      return summary.start <= block.start && block.end <= summary.end;
    });
    if (!covered) {
      report({
        path: ["workloads", i, "vpcCidr"],
        input: w.vpcCidr,
        message: `is covered by no ${keyPath(["transitGateway", "summaryPrefixes"])} (${prefixes.join(", ")}): central would have no route to it; add a prefix that contains it`,
      });
    }
  });
}
