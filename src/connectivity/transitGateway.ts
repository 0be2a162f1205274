/**
 * Transit gateway mode (`secrets-hub:connectivity: transit-gateway`; README, "Connectivity:
 * peering or transit gateway"): central owns a transit gateway shared through AWS RAM; each
 * workload attaches its VPC. No pending requests to pace, so no rounds, whatever the number
 * of workloads.
 */
import { QUOTAS } from "../../policy-pack/lib/quotas";
import { databasePort } from "../../kernel/engines";
import type { Environment } from "../config/schema";
import { type ShareMode, shareModeOf } from "../config/transitGateway";
import type { ConnectivityMode, ModePhase } from "./mode";
import { centralDestinations } from "./transitGatewayRoutes";

/**
 * The phases of `pulumi up`:
 * 1. every workload: VPC, database, application role, Secrets Manager endpoint;
 * 2. central: key, endpoint, rotation functions, the transit gateway with its route tables
 *    and central attachment, its RAM share with the workload accounts, central's routes;
 * 3. every workload: share accepted (unless shared with the organization), VPC attachment
 *    (auto-accepted, associated with nothing yet), route to central, identity policy;
 * 4. central: for each workload that exports its attachment, the attachment's route-table
 *    association and propagation, then its secret and rotation (which depends on them).
 */
function upPhases(env: Environment): ModePhase[] {
  return [
    {
      purpose: "workload networks, databases, application roles, endpoints",
      accounts: env.workloads,
    },
    {
      purpose: "central key, endpoint, rotation functions, transit gateway, RAM share, routes",
      accounts: "central",
    },
    {
      purpose:
        shareModeOf(env.transitGateway) === "external-accounts"
          ? "workload share acceptance, transit gateway attachments, routes, identity policies"
          : "workload transit gateway attachments, routes, identity policies",
      accounts: env.workloads,
    },
    {
      purpose: "central attachment routing, secrets, first values, policies and rotation",
      accounts: "central",
    },
  ];
}

/**
 * The workloads go first: AWS refuses to delete a transit gateway that has attachments
 * ("You can't delete a transit gateway with existing attachments. You need to delete all
 * attachments before you can delete a transit gateway",
 * https://docs.aws.amazon.com/vpc/latest/tgw/delete-tgw.html), and the workload attachments
 * live in the workload stacks. terraform-provider-aws internal/service/ec2/transitgateway_.go,
 * `resourceTransitGatewayDelete`, retries DeleteTransitGateway on IncorrectState for
 * `TransitGatewayIncorrectStateTimeout` (5 minutes) and then fails: with central first, its
 * destroy would stop there with every workload attachment still in place. Deleting a workload
 * first removes its attachment, its route to central and its share acceptance (leaving the
 * share; the share itself is central's); central's association and propagation of that
 * attachment are then gone in AWS, and the provider's
 * delete of an association counts InvalidAssociation.NotFound as done
 * (transitgateway_route_table_association.go).
 */
function destroyPhases(env: Environment): ModePhase[] {
  return [
    { purpose: "workloads", accounts: env.workloads },
    { purpose: "central", accounts: "central" },
  ];
}

/** The RAM share of each mode, as the plan says it (src/config/transitGateway.ts). */
const SHARE_SUMMARY: Record<ShareMode, string> = {
  organization:
    "shared through AWS RAM with the organization (transitGateway.share: organization): no invitation, needs RAM sharing with AWS Organizations enabled",
  "organization-accounts":
    "shared through AWS RAM with each workload account inside the organization (transitGateway.share: organization-accounts): no invitation, no external principals, needs RAM sharing with AWS Organizations enabled",
  "external-accounts":
    "shared through AWS RAM with each workload account as an external principal (transitGateway.share: external-accounts): each workload accepts its invitation in phase 3",
};

export const transitGateway: ConnectivityMode = {
  name: "transit-gateway",
  rounds: (env) => [env.workloads],
  summary: (env) => `transit gateway in central, ${SHARE_SUMMARY[shareModeOf(env.transitGateway)]}`,
  upPhases,
  destroyPhases,
  destroyOrder: "the workloads first (their transit gateway attachments), then central",
  /**
   * Every ready workload is routed (no pending-request quota to pace); those whose stack
   * exports its attachment are attached, and get their secret and rotation.
   */
  window: (_env, ready) => ({
    requested: ready,
    linked: new Set(
      ready.filter((r) => r.peer.outputs.transitGatewayAttachmentId).map((r) => r.workload.name),
    ),
    waiting: [],
  }),
  waitingWarning: () => undefined,
  unlinkedWarning: (stacks) =>
    `${stacks.join(", ")}: not attached to the transit gateway yet: their secrets and rotation follow once they have attached (run them, then this stack again).`,
  /**
   * Each prefix central routes to the transit gateway (the summary prefixes, or the exact
   * aggregate of the workload CIDRs) on each database port of the environment, as the
   * routes, over every workload of the file: the rules do not change as workloads come and
   * go through their phases, and their number stays small for any contiguous address plan.
   * Not one aggregate per port: workloads of alternating engines would leave each port's
   * CIDRs unmergeable, one rule per workload again; each workload's database group admits
   * only its own port (DatabaseAccess), as with summary prefixes.
   */
  rotationTargets: (env) => {
    const ports = [
      ...new Set(env.workloads.flatMap((w) => w.databases.map((d) => databasePort(d)))),
    ].sort((a, b) => a - b);
    return centralDestinations(env).flatMap((cidr) => ports.map((port) => ({ cidr, port })));
  },
  diagram: {
    resourceType: "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
    label: "transit gateway",
  },
  scale: {
    // The VPC attachments one transit gateway takes (L-E0233F82, a hard limit).
    maxWorkloads: QUOTAS.attachmentsPerTransitGateway.maximum,
    limit: "transit gateway attachments",
    // /24s carved from 10.64.0.0/10 (16,384 of them): 10.64.0.0/24, 10.64.1.0/24, …
    workloadCidr: (n) => `10.${64 + Math.floor((n - 1) / 256)}.${(n - 1) % 256}.0/24`,
    summaryPrefix: "10.64.0.0/10",
    // No peering: the peering quotas keep their defaults.
    raisedQuotas: () => ({}),
    benchSizes: [125, 500, 1000],
    organization: true,
    benchHeading:
      "Transit gateway (no summaryPrefixes: routes by the workload CIDRs' aggregate; shared with the organization; default quotas):",
    sdkModules: ["aws.ec2transitgateway.TransitGateway", "aws.ram.ResourceShare"],
  },
  resources: async () => (await import("./transitGatewayResources")).transitGatewayResources,
};
