/**
 * Connectivity rules: what each way of reaching the workload VPCs (`connectivity`) requires:
 * peering's hard limit and no transit gateway settings; transit gateway mode's one Region and
 * summary prefixes that cover every workload. Each mode's rules are listed under its name in
 * `MODE_RULES`, a record over the mode names, so that a new mode without its rules is a
 * compile error (the mode objects themselves live in src/connectivity/).
 */
import { QUOTAS } from "../../../policy-pack/lib/quotas";
import { cidrRange, cidrsOverlap } from "../../../policy-pack/lib/cidr";
import { CONNECTIVITY_DEFAULT } from "../defaults";
import { CONNECTIVITY_MODES, type Connectivity } from "../transitGateway";
import { keyPath } from "../keyPath";
import type { Rule } from "./rule";

/**
 * With peering, the central VPC has one active peering connection per workload, and AWS
 * grants at most 125 per VPC whatever the quota request: refuse more at once. The
 * adjustable part (default 50) is the policy pack's `peering-quota`.
 */
const peeringHardLimit: Rule = {
  name: "peering-hard-limit",
  check(env, report) {
    const quota = QUOTAS.activePeeringsPerVpc;
    const count = env.workloads.length;
    if (count <= quota.maximum) return;
    report({
      path: ["workloads"],
      input: count,
      message: `${count} workloads need ${count} peering connections from the central VPC; AWS grants at most ${quota.maximum} "${quota.name}" (${quota.serviceCode} ${quota.quotaCode}), a limit no quota increase passes: set ${keyPath(["connectivity"])}: transit-gateway (one attachment per workload, up to ${QUOTAS.attachmentsPerTransitGateway.maximum}) or split the environment`,
    });
  },
};

/** The `transitGateway` settings apply in transit gateway mode only: refuse them elsewhere. */
const transitGatewaySettingsNeedMode: Rule = {
  name: "transit-gateway-settings-need-mode",
  check(env, report) {
    const settings = env.transitGateway.given;
    for (const key of ["summaryPrefixes", "organizationArn", "amazonSideAsn", "share"]) {
      if (settings[key] !== undefined) {
        report({
          path: ["transitGateway", key],
          input: settings[key],
          message: `applies only with ${keyPath(["connectivity"])}: transit-gateway (it is ${String(env.given.connectivity ?? CONNECTIVITY_DEFAULT)})`,
        });
      }
    }
  },
};

/**
 * One transit gateway serves one Region: a VPC attachment needs the VPC and the transit
 * gateway in the same Region (AWS Transit Gateway, "Transit gateway attachments to a VPC").
 * Inter-Region transit gateway peering is not implemented: refuse clearly instead.
 */
const transitGatewayOneRegion: Rule = {
  name: "transit-gateway-one-region",
  check(env, report) {
    for (const w of env.workloads) {
      if (w.region === undefined || w.region === env.central.given.region) continue;
      report({
        path: [...w.path, "region"],
        input: w.region,
        message: `workload ${String(w.given.name)} is outside the central region ${String(env.central.given.region)}: transit gateway connectivity attaches VPCs of the central region only (inter-Region transit gateway peering is not implemented); use ${keyPath(["connectivity"])}: peering for this environment, or move the workload`,
      });
    }
  },
};

/**
 * The summary prefixes (`transitGateway.summaryPrefixes`) overlap neither the central VPC
 * nor each other, and together cover every workload VPC (central routes only them).
 */
const summaryPrefixesCoverWorkloads: Rule = {
  name: "summary-prefixes-cover-workloads",
  check(env, report) {
    const prefixes = env.transitGateway.summaryPrefixes;
    if (prefixes === undefined) return;
    const central = env.central.vpcCidrGiven;
    prefixes.forEach((prefix, i) => {
      if (central !== undefined && cidrsOverlap(prefix, central)) {
        report({
          path: ["transitGateway", "summaryPrefixes", i],
          input: prefix,
          message: `overlaps the central VPC CIDR (${keyPath(["central", "vpcCidr"])} is ${central}): central would route part of itself to the transit gateway`,
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
    for (const w of env.workloads) {
      const block = w.vpcCidrGiven === undefined ? undefined : cidrRange(w.vpcCidrGiven);
      if (block === undefined) continue;
      const covered = prefixes.some((p) => {
        const summary = cidrRange(p)!;
        return summary.start <= block.start && block.end <= summary.end;
      });
      if (!covered) {
        report({
          path: [...w.path, "vpcCidr"],
          input: w.vpcCidrGiven,
          message: `is covered by no ${keyPath(["transitGateway", "summaryPrefixes"])} (${prefixes.join(", ")}): central would have no route to it; add a prefix that contains it`,
        });
      }
    }
  },
};

/**
 * The share mode fits the organization setting: `organization` names the organization
 * (`organizationArn`); `external-accounts` cannot go with it, since the key policy would
 * then grant decryption by that organization, which external accounts are not in.
 */
const transitGatewayShareFits: Rule = {
  name: "transit-gateway-share-fits",
  check(env, report) {
    const share = env.transitGateway.given.share;
    const organization = env.transitGateway.organizationArn;
    if (share === "organization" && organization === undefined) {
      report({
        path: ["transitGateway", "organizationArn"],
        input: undefined,
        message: `is required with ${keyPath(["transitGateway", "share"])}: organization (the organization the transit gateway is shared with); or use share: organization-accounts`,
      });
    } else if (share === "external-accounts" && organization !== undefined) {
      report({
        path: ["transitGateway", "share"],
        input: share,
        message: `cannot go with ${keyPath(["transitGateway", "organizationArn"])}: the secrets key grants by that organization, which external accounts are not in; remove organizationArn, or share with organization-accounts`,
      });
    }
  },
};

/**
 * The rules of each mode: `limits` run where the environment's size is checked, `settings`
 * after the adoption and rotation rules (the order the issues are listed in).
 */
const MODE_RULES: Record<Connectivity, { limits: readonly Rule[]; settings: readonly Rule[] }> = {
  peering: { limits: [peeringHardLimit], settings: [transitGatewaySettingsNeedMode] },
  "transit-gateway": {
    limits: [],
    settings: [transitGatewayOneRegion, summaryPrefixesCoverWorkloads, transitGatewayShareFits],
  },
};

/** The rules of the environment's mode; none for a value that is no mode (the schema says so). */
function rulesOf(env: { connectivity: string }) {
  const mode = CONNECTIVITY_MODES.find((m) => m === env.connectivity);
  return mode === undefined ? { limits: [], settings: [] } : MODE_RULES[mode];
}

/** The size limits of the environment's connectivity mode. */
export const connectivityLimits: Rule = {
  name: "connectivity-limits",
  check(env, report) {
    for (const rule of rulesOf(env).limits) rule.check(env, report);
  },
};

/** The settings rules of the environment's connectivity mode. */
export const connectivitySettings: Rule = {
  name: "connectivity-settings",
  check(env, report) {
    for (const rule of rulesOf(env).settings) rule.check(env, report);
  },
};
