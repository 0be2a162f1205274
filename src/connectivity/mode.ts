/**
 * How central reaches the workload VPCs (`secrets-hub:connectivity`), as one object per mode
 * behind one interface (style.md, "Seams"; the shape of pulumi-eks `authenticationMode.ts`
 * and of `src/stacks/network.ts` `AccountNetwork`): the programs, the topology, the Mermaid
 * view and the benchmark ask the mode, and never which mode it is. `index.ts` picks it.
 *
 * A mode has two halves. This object is SDK-free (plain facts and functions: phases,
 * rounds, who is linked, warnings, the diagram), because the deploy orchestrator, the
 * pipeline generator and the config check read it without loading the Pulumi SDK (about
 * 2 s and the providers another 2 s, measured with `require`). Its resources, which need the
 * SDK, load when a program asks for them ({@link ConnectivityMode.resources}).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { RotationTarget } from "../../components/rotationFunction";
import type { Connectivity } from "../config/transitGateway";
import type { Environment, Workload } from "../config/schema";
import type { CentralOutputs, CentralView, WorkloadOutputs } from "../contract";
import type { WorkloadPeer } from "../peers";
import type { AccountNetwork } from "../stacks/network";

/** A phase as a mode plans it, in accounts; `src/topology.ts` names the stacks and numbers them. */
export interface ModePhase {
  purpose: string;
  /** `central`, or these workload accounts. */
  accounts: "central" | readonly Workload[];
}

/** A workload whose stack has exported what central needs (src/stacks/central.ts). */
export interface ReadyWorkload {
  workload: Workload;
  peer: WorkloadPeer;
}

/** Which ready workloads central builds its leg toward, which are linked, which wait. */
/**
 * What the rotation functions must reach in one ready workload: its VPC CIDR on each
 * database port it exports (one target per distinct port, however many databases).
 */
export function workloadTargets(ready: ReadyWorkload): RotationTarget[] {
  const ports = [
    ...new Set(Object.values(ready.peer.outputs.databases).map((d) => d.endpoint.port)),
  ].sort((a, b) => a - b);
  return ports.map((port) => ({ cidr: ready.workload.vpcCidr, port }));
}

export interface LinkWindow<T extends ReadyWorkload = ReadyWorkload> {
  /** Central builds its leg toward these (a peering request; a transit gateway route). */
  requested: T[];
  /** Names of the workloads whose side is in place: they get their secret and rotation. */
  linked: Set<string>;
  /** Ready, but central does not build their leg in this run (a quota paces them). */
  waiting: T[];
}

/** What each program passes to the mode's resources. */
export interface LegContext {
  env: Environment;
  network: AccountNetwork;
  tags: Record<string, string>;
  opts: pulumi.ComponentResourceOptions;
}

/** The mode's outputs of the central stack (the rest are the mode's own, see contract.ts). */
export type CentralLinkOutputs = Pick<
  CentralOutputs,
  "peeringConnectionIds" | "transitGatewayId" | "transitGatewayShareArn"
>;

/** The mode's outputs of a workload stack. */
export type WorkloadLinkOutputs = Pick<
  WorkloadOutputs,
  "acceptedPeeringConnectionId" | "transitGatewayAttachmentId"
>;

/** Central's side of the mode: its shared part, built once, and its leg per workload. */
export interface CentralLink {
  /**
   * Central's leg toward one requested workload. Returns what the workload's first rotation
   * waits for on central's side once the workload is linked; undefined while it is not.
   */
  leg(ready: ReadyWorkload, linked: boolean): pulumi.Resource[] | undefined;
  /** What central exports for the mode, once every leg is built. */
  outputs(): CentralLinkOutputs;
}

/** The part of a mode that creates resources (loaded with the SDK). */
export interface ModeResources {
  /** Central's shared part (nothing with peering; the transit gateway hub), built once. */
  central(context: LegContext): CentralLink;
  /**
   * The workload's leg, once central exports what it needs (the peering request to accept;
   * the transit gateway and its share); its outputs tell central the leg is in place.
   */
  workload(
    context: LegContext,
    workload: Workload,
    central: CentralView | undefined,
  ): WorkloadLinkOutputs;
}

/** A link drawn by `npm run plan -- --format mermaid`. */
export interface DiagramLink {
  /** A workload stack holding a resource of this type is linked to central. */
  resourceType: string;
  label: string;
}

/** What the benchmark's generated environments look like in this mode. */
export interface ScaleFacts {
  /** The most workloads the mode serves, and the AWS limit that says so. */
  maxWorkloads: number;
  limit: string;
  /** The CIDR of the `n`-th generated workload (1-based), disjoint from 10.0.0.0/16. */
  workloadCidr(n: number): string;
  /** One prefix holding every generated workload CIDR, where the mode can summarize them. */
  summaryPrefix?: string;
  /** The policy config the pack needs for `workloads` workloads (quotas raised just enough). */
  raisedQuotas(workloads: number): Record<string, Record<string, number>>;
  /** `npm run bench`'s default sizes. */
  benchSizes: number[];
  /**
   * Whether the generated environment shares with an organization
   * (`transitGateway.organizationArn`), so that the secrets key grants it and not each account.
   */
  organization: boolean;
  /** The heading of the mode's table in the bench's output and in docs/scale.md. */
  benchHeading: string;
  /** Provider modules beyond the common ones that the mode's resources load, for the bench's floor. */
  sdkModules: string[];
}

/** One connectivity mode. */
export interface ConnectivityMode {
  readonly name: Connectivity;
  /** The workloads central links in each round, in file order (one round without a pace). */
  rounds(env: Environment): Workload[][];
  /** How central reaches the workloads in this environment, in one line (the plan says it). */
  summary(env: Environment): string;
  /** The phases of `pulumi up` (README, "Deployment order"). */
  upPhases(env: Environment): ModePhase[];
  /** The phases of `destroy`: which side must go first for AWS to let the other go. */
  destroyPhases(env: Environment): ModePhase[];
  /** The destroy order in a few words, for the confirmation prompts. */
  readonly destroyOrder: string;
  /** Which ready workloads central builds its leg toward, and which are linked. */
  window<T extends ReadyWorkload>(env: Environment, ready: T[]): LinkWindow<T>;
  /** The warning for workloads that wait for a later round, if any wait. */
  waitingWarning(env: Environment, waiting: Workload[]): string | undefined;
  /** The warning for requested workloads whose side is not in place (their stacks named). */
  unlinkedWarning(stacks: string[]): string;
  /** The rotation security group's egress toward the requested workloads' databases. */
  rotationTargets(env: Environment, requested: ReadyWorkload[]): RotationTarget[];
  readonly diagram: DiagramLink;
  readonly scale: ScaleFacts;
  /** The mode's resources; loads the Pulumi SDK and the components. */
  resources(): Promise<ModeResources>;
}
