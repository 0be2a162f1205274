/**
 * Transit gateway connectivity (`secrets-hub:connectivity: transit-gateway`) as the account
 * programs assemble it: central's hub and its side of each workload, and the workload's
 * attachment. The programs call these from one branch on the mode; peering stays where it
 * was (central.ts, workload.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { databasePort } from "../../kernel/engines";
import type { AccountNetwork } from "./network";
import type { RotationTarget } from "../../components/rotationFunction";
import { TransitGatewayAttachment } from "../../components/transitGatewayAttachment";
import { TransitGatewayHub } from "../../components/transitGatewayHub";
import { TransitGatewayMember } from "../../components/transitGatewayMember";
import type { Environment, Workload } from "../config";
import type { CentralPlainOutputs } from "../contract";
import type { WorkloadPeer } from "../peers";
import { namePrefix } from "../names";
import { workloadStack } from "../topology";

/** True when the environment connects through a transit gateway. */
export function usesTransitGateway(env: Environment): boolean {
  return env.connectivity === "transit-gateway";
}

/**
 * Which ready workloads central routes and which get their secret: every ready one is
 * routed (no pending-request quota to pace); those whose stack exports its attachment are
 * attached, and get their secret and rotation.
 */
export function attachmentWindow<T extends { workload: Workload; peer: WorkloadPeer }>(
  ready: T[],
): { requested: T[]; accepted: Set<string>; waiting: T[] } {
  return {
    requested: ready,
    accepted: new Set(
      ready.filter((r) => r.peer.outputs.transitGatewayAttachmentId).map((r) => r.workload.name),
    ),
    waiting: [],
  };
}

/** The warning for workloads central can route but that have not attached yet. */
export function unattachedWarning(env: Environment, workloads: Workload[]): string {
  return `${workloads.map((w) => workloadStack(env, w.name)).join(", ")}: not attached to the transit gateway yet: their secrets and rotation follow once they have attached (run them, then this stack again).`;
}

/**
 * The rotation security group's egress when summary prefixes are set: each prefix on each
 * database port of the environment (a constant number of rules); undefined otherwise (one
 * rule per workload CIDR and port, as with peering).
 */
export function summaryRotationTargets(env: Environment): RotationTarget[] | undefined {
  const prefixes = usesTransitGateway(env) ? env.transitGateway.summaryPrefixes : undefined;
  if (!prefixes) return undefined;
  const ports = [...new Set(env.workloads.map((w) => databasePort(w.database)))].sort(
    (a, b) => a - b,
  );
  return prefixes.flatMap((cidr) => ports.map((port) => ({ cidr, port })));
}

/** Central's transit gateway, its route tables and attachment, its RAM share, summary routes. */
export function centralTransitGateway(
  env: Environment,
  network: AccountNetwork,
  tags: Record<string, string>,
  opts: pulumi.ComponentResourceOptions,
): TransitGatewayHub {
  const settings = env.transitGateway;
  return new TransitGatewayHub(
    "transit-gateway",
    {
      namePrefix: namePrefix(env.environment),
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      routeTableIds: network.privateRouteTableIds,
      destinations: settings.summaryPrefixes ? [...settings.summaryPrefixes] : undefined,
      amazonSideAsn: settings.amazonSideAsn,
      // Every workload account of the file, from the first run: the share does not change
      // as workloads come and go through their phases.
      shareWith: settings.organizationArn
        ? { kind: "organization", organizationArn: settings.organizationArn }
        : { kind: "accounts", accountIds: env.workloads.map((w) => w.accountId) },
      tags,
    },
    opts,
  );
}

/**
 * Central's side of one workload: its CIDR routed (without summary prefixes) and, once
 * attached, its attachment associated and propagated. Returns what its rotation waits for.
 */
export function centralTransitGatewayMember(
  env: Environment,
  workload: Workload,
  peer: WorkloadPeer,
  hub: TransitGatewayHub,
  network: AccountNetwork,
  opts: pulumi.ComponentResourceOptions,
): pulumi.Resource[] {
  const member = new TransitGatewayMember(
    `${workload.name}-tgw`,
    {
      transitGatewayId: hub.transitGatewayId,
      cidr: workload.vpcCidr,
      routeTableIds: env.transitGateway.summaryPrefixes ? [] : network.privateRouteTableIds,
      centralAttachment: hub.centralAttachment,
      attachmentId: peer.outputs.transitGatewayAttachmentId,
      spokeRouteTableId: hub.spokeRouteTableId,
      hubRouteTableId: hub.hubRouteTableId,
    },
    opts,
  );
  return [...hub.path, ...member.path];
}

/**
 * The workload's attachment, once central exports its transit gateway (and, for a share with
 * accounts, the share to accept); undefined before.
 */
export function workloadTransitGateway(
  env: Environment,
  workload: Workload,
  central: CentralPlainOutputs | undefined,
  network: AccountNetwork,
  tags: Record<string, string>,
  opts: pulumi.ComponentResourceOptions,
): TransitGatewayAttachment | undefined {
  const organization = env.transitGateway.organizationArn !== undefined;
  if (!central?.transitGatewayId || (!organization && !central.transitGatewayShareArn)) {
    return undefined;
  }
  return new TransitGatewayAttachment(
    `${workload.name}-tgw`,
    {
      transitGatewayId: central.transitGatewayId,
      shareArn: organization ? undefined : central.transitGatewayShareArn,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      centralCidr: central.vpcCidr,
      routeTableIds: network.privateRouteTableIds,
      tags,
    },
    opts,
  );
}
