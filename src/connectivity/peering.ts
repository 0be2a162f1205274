/**
 * Peering mode (the default): one VPC peering per workload, requested by central, accepted
 * by the workload, with routes on both sides. Central keeps at most `maxPendingPeerings`
 * requests unaccepted (AWS quota L-DC9F7029, 25 by default), so it requests them in rounds.
 */
import { ENVIRONMENT_POLICY, QUOTA_PARAM } from "../../policy-pack/lib/names";
import { QUOTAS } from "../../policy-pack/lib/quotas";
import type { Environment, Workload } from "../config/schema";
import {
  type ConnectivityMode,
  type LinkWindow,
  type ModePhase,
  type ReadyWorkload,
  workloadTargets,
} from "./mode";

/**
 * The workloads whose peering central requests in each round: central never has more
 * pending (unaccepted) requests than `maxPendingPeerings`, so it requests them in rounds,
 * in file order.
 */
function rounds(env: Environment): Workload[][] {
  const size = env.maxPendingPeerings;
  const all: Workload[][] = [];
  for (let i = 0; i < env.workloads.length; i += size) all.push(env.workloads.slice(i, i + size));
  return all;
}

/**
 * The phases of `pulumi up`. The accounts depend on each other in a cycle (central needs
 * the workload VPCs and roles; a workload needs central's peering request and key; rotation
 * needs the accepted peering), broken into phases:
 * 1. every workload: VPC, database, application role, Secrets Manager endpoint;
 * 2. central: key, endpoint, rotation functions, peering requests of round 1, their routes;
 * 3. the workloads of round 1: peering accepter, return routes, identity policy;
 * 4. central: for each workload whose peering is accepted, its secret, first value, policy
 *    and rotation (whose first run now finds its network path), and the peering requests of
 *    the next round; phases 3 and 4 repeat for every further round.
 */
function upPhases(env: Environment): ModePhase[] {
  const all = rounds(env);
  const phases: ModePhase[] = [
    {
      purpose: "workload networks, databases, application roles, endpoints",
      accounts: env.workloads,
    },
  ];
  all.forEach((round, i) => {
    const label = all.length > 1 ? ` (round ${i + 1} of ${all.length})` : "";
    phases.push({
      purpose:
        i === 0
          ? `central key, endpoint, rotation functions, peering requests${label}`
          : `central secrets and rotation of round ${i}, peering requests${label}`,
      accounts: "central",
    });
    phases.push({
      purpose: `workload peering accepters, routes, identity policies${label}`,
      accounts: round,
    });
  });
  phases.push({
    purpose:
      all.length > 1
        ? `central secrets and rotation of round ${all.length}`
        : "central secrets, first values, policies and rotation",
    accounts: "central",
  });
  return phases;
}

/**
 * Central goes first: its secrets and rotation point at the workload databases, so no
 * rotation runs against a database that is being deleted. Either side may go first for AWS:
 * the requester's delete (terraform-provider-aws internal/service/ec2/vpc_peering_connection.go,
 * `resourceVPCPeeringConnectionDelete`) calls DeleteVpcPeeringConnection, which either owner
 * may call on an active peering, and counts NotFound and a "to deleting" InvalidStateTransition
 * as done; the accepter's delete (vpc_peering_connection_accepter.go) deletes nothing in AWS,
 * it only forgets the peering ("not deleted, removing from state"). So the workloads' later
 * destroy (accepter, return routes) cannot fail on central's peering being gone.
 */
function destroyPhases(env: Environment): ModePhase[] {
  return [
    { purpose: "central", accounts: "central" },
    { purpose: "workloads", accounts: env.workloads },
  ];
}

/**
 * Every accepted workload, and up to `maxPendingPeerings` of the others, in file order, get
 * a peering request; the accepted ones get their secret.
 */
function window<T extends ReadyWorkload>(env: Environment, ready: T[]): LinkWindow<T> {
  const linked = new Set(
    ready.filter((r) => r.peer.outputs.acceptedPeeringConnectionId).map((r) => r.workload.name),
  );
  const pending = ready.filter((r) => !linked.has(r.workload.name));
  const admitted = new Set(pending.slice(0, env.maxPendingPeerings).map((r) => r.workload.name));
  return {
    requested: ready.filter((r) => linked.has(r.workload.name) || admitted.has(r.workload.name)),
    linked,
    waiting: pending.filter((r) => !admitted.has(r.workload.name)),
  };
}

export const peering: ConnectivityMode = {
  name: "peering",
  rounds,
  summary: (env) =>
    `VPC peering: central requests one connection per workload (at most ${env.maxPendingPeerings} pending at once), each workload accepts its own`,
  upPhases,
  destroyPhases,
  destroyOrder: "central first, then the workloads",
  window,
  waitingWarning: (env, waiting) =>
    waiting.length === 0
      ? undefined
      : `${waiting.length} workload(s) wait for a peering request (${waiting.map((w) => w.name).join(", ")}): central keeps at most ${env.maxPendingPeerings} unaccepted requests (secrets-hub:maxPendingPeerings, AWS quota L-DC9F7029). Run the workloads of this round, then this stack again.`,
  unlinkedWarning: (stacks) =>
    `${stacks.join(", ")}: peering requested, not accepted yet: their secrets and rotation follow once they have accepted it (run them, then this stack again; a request expires after 7 days).`,
  // One egress rule per requested workload's CIDR and database port.
  rotationTargets: (_env, requested) => requested.flatMap(workloadTargets),
  diagram: {
    resourceType: "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
    label: "peering",
  },
  scale: {
    // Every workload peers with the central VPC, and the config check refuses more than
    // AWS's hard limit of active peerings per VPC.
    maxWorkloads: QUOTAS.activePeeringsPerVpc.maximum,
    limit: "active peering connections per VPC",
    // /16s beside the central 10.0.0.0/16: 10.1.0.0/16 … 10.125.0.0/16.
    workloadCidr: (n) => `10.${n}.0.0/16`,
    /**
     * Every workload is one active peering of the central VPC and one route in each central
     * private route table; the rotation functions' egress rules are spread over security
     * groups and the peering requests paced in rounds, so neither needs a raise.
     */
    raisedQuotas: (workloads) => {
      const config: Record<string, Record<string, number>> = {};
      if (workloads > QUOTAS.activePeeringsPerVpc.defaultValue)
        config[ENVIRONMENT_POLICY.peeringQuota] = { [QUOTA_PARAM.peeringQuota]: workloads };
      if (workloads > QUOTAS.routesPerRouteTable.defaultValue)
        config[ENVIRONMENT_POLICY.routeTableQuota] = { [QUOTA_PARAM.routeTableQuota]: workloads };
      return config;
    },
    benchSizes: [3, 10, 50, 125],
    organization: false,
    benchHeading: "Peering (quotas raised in the policy config as each size needs):",
    // Peering connections and routes are in aws.ec2, which the floor loads anyway.
    sdkModules: [],
  },
  resources: async () => (await import("./peeringResources")).peeringResources,
};
