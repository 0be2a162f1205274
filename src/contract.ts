/**
 * The output contract between the stacks (README, "Deployment order"): flat, camelCase names.
 * Producers type their exports with these interfaces; consumers read them only through
 * `src/peers.ts`, which checks the shape with the schemas below.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { DatabaseEndpoint } from "../components/database";
import { ENGINES, ENGINE_SPECS } from "../kernel/engines";

export type { DatabaseEndpoint };

const arn = z.string().startsWith("arn:");
const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/);

/**
 * Checks the Database component's {@link DatabaseEndpoint} (no password: that travels
 * separately, as a secret). tests/contract.test.ts proves both read the same fields.
 */
const databaseEndpointFacts = z.object({
  engine: z.enum(ENGINES),
  host: z.string().min(1),
  port: z.number().int(),
  dbname: z.string().min(1),
  username: z.string().min(1),
});
/**
 * Exactly one identifier, the one the engine's deployment names (ENGINE_SPECS[engine]
 * .identifierKey): an instance engine with dbInstanceIdentifier, an Aurora engine with
 * dbClusterIdentifier.
 */
export const databaseEndpointSchema = z
  .union([
    databaseEndpointFacts.extend({
      dbInstanceIdentifier: z.string().min(1),
      dbClusterIdentifier: z.undefined().optional(),
    }),
    databaseEndpointFacts.extend({
      dbClusterIdentifier: z.string().min(1),
      dbInstanceIdentifier: z.undefined().optional(),
    }),
  ])
  .refine((e) => e[ENGINE_SPECS[e.engine].identifierKey] !== undefined, {
    message: "names the database by the other identifier than its engine's",
  }) satisfies z.ZodType<DatabaseEndpoint>;

/** One database of a workload, as its stack exports it. */
export const workloadDatabaseSchema = z.object({
  endpoint: databaseEndpointSchema,
  /**
   * The database's security group (created, or the existing one), for the applications'
   * own rules; absent in the outputs of a release before `databases:`.
   */
  securityGroupId: z.string().startsWith("sg-").optional(),
});
export type WorkloadDatabase = z.infer<typeof workloadDatabaseSchema>;

/** Plain (non-secret) outputs a workload stack must export before central can use it. */
export const workloadOutputsSchema = z.object({
  accountId: z.string().regex(/^\d{12}$/),
  region: z.string().min(1),
  vpcId: z.string().startsWith("vpc-"),
  vpcCidr: cidr,
  privateRouteTableIds: z.array(z.string().startsWith("rtb-")),
  /** Each database by its name (`databases[].name`; the shorthand's is `database`). */
  databases: z.record(z.string(), workloadDatabaseSchema),
  /**
   * Each reader's role ARN by the reader's name (the shorthand's is `app`): the secrets'
   * resource policies name them, so central writes them only once the roles exist.
   */
  readerRoleArns: z.record(z.string(), arn),
  /** The ARN pattern of each of its secrets (databases and others) in the workload's Region. */
  secretArnPatterns: z.record(z.string(), arn).optional(),
  /**
   * The central peering this workload has accepted, with its return routes: central creates
   * the workload's secret and rotation only once it is here (the rotation's network path).
   */
  acceptedPeeringConnectionId: z.string().startsWith("pcx-").optional(),
  /**
   * Transit gateway mode: the workload's VPC attachment, with its route to central in place:
   * central routes it and creates the workload's secret and rotation once it is here.
   */
  transitGatewayAttachmentId: z.string().startsWith("tgw-attach-").optional(),
});
export type WorkloadPlainOutputs = z.infer<typeof workloadOutputsSchema>;

/**
 * The outputs a workload stack of a release before `databases:` exported (one database,
 * one role): read as the new ones until the workload stack runs again, so that a central
 * run in between neither skips the workload nor deletes its secret.
 */
export const legacyWorkloadOutputsSchema = workloadOutputsSchema
  .omit({ databases: true, readerRoleArns: true, secretArnPatterns: true })
  .extend({ applicationRoleArn: arn, database: databaseEndpointSchema });

/** Outputs of a workload stack. */
export interface WorkloadOutputs {
  accountId: pulumi.Input<string>;
  region: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  vpcCidr: pulumi.Input<string>;
  privateRouteTableIds: pulumi.Input<pulumi.Input<string>[]>;
  databases: Record<
    string,
    { endpoint: pulumi.Input<DatabaseEndpoint>; securityGroupId: pulumi.Input<string> }
  >;
  readerRoleArns: Record<string, pulumi.Input<string>>;
  secretArnPatterns: Record<string, string>;
  acceptedPeeringConnectionId?: pulumi.Input<string>;
  transitGatewayAttachmentId?: pulumi.Input<string>;
  /**
   * The master password each created database was created with, by database name; a
   * secret. Rotation owns them afterwards. Absent when every database exists already.
   */
  databaseInitialPasswords?: pulumi.Output<Record<string, string>>;
  /** The application user's first password of each multi-user database, by name; a secret. */
  applicationInitialPasswords?: pulumi.Output<Record<string, string>>;
}

/** Outputs of the central stack. Maps are keyed by workload name. */
export const centralOutputsSchema = z.object({
  accountId: z.string().regex(/^\d{12}$/),
  region: z.string().min(1),
  vpcId: z.string().startsWith("vpc-"),
  vpcCidr: cidr,
  rotationSubnetCidrs: z.array(cidr).min(1),
  kmsKeyArn: arn,
  replicaKmsKeyArn: arn,
  /** Every replica key by Region: the DR Region and each Region a workload reads in. */
  replicaKmsKeyArns: z.record(z.string(), arn),
  peeringConnectionIds: z.record(z.string(), z.string().startsWith("pcx-")),
  secretArns: z.record(z.string(), arn),
  replicaSecretArns: z.record(z.string(), arn),
  /** Every secret of each workload (databases and others) by workload, then by name. */
  workloadSecretArns: z.record(z.string(), z.record(z.string(), arn)).optional(),
  /** Transit gateway mode: the transit gateway the workloads attach to. */
  transitGatewayId: z.string().startsWith("tgw-").optional(),
  /** Transit gateway mode, shared with accounts: the RAM share each workload accepts. */
  transitGatewayShareArn: arn.optional(),
});
export type CentralPlainOutputs = z.infer<typeof centralOutputsSchema>;

/**
 * What a workload's program reads of central's outputs (`readCentralStack`): the keys it
 * builds on, and of the per-workload maps only its own peering. Nothing else of central
 * reaches a workload, so the offline plan can tell from this alone whether central's new
 * outputs would change what a workload registers (src/offline/environmentRun.ts).
 */
export interface CentralView {
  accountId: string;
  vpcCidr: string;
  rotationSubnetCidrs: string[];
  kmsKeyArn: string;
  replicaKmsKeyArns: Record<string, string>;
  /** Peering: the connection central requested for this workload, once it has. */
  peeringConnectionId?: string;
  transitGatewayId?: string;
  transitGatewayShareArn?: string;
}

/** The {@link CentralView} of `workload` in central's checked outputs. */
export function centralViewFor(central: CentralPlainOutputs, workload: string): CentralView {
  return {
    accountId: central.accountId,
    vpcCidr: central.vpcCidr,
    rotationSubnetCidrs: central.rotationSubnetCidrs,
    kmsKeyArn: central.kmsKeyArn,
    replicaKmsKeyArns: central.replicaKmsKeyArns,
    peeringConnectionId: central.peeringConnectionIds[workload],
    transitGatewayId: central.transitGatewayId,
    transitGatewayShareArn: central.transitGatewayShareArn,
  };
}

/** Outputs of the central stack, as the program exports them. */
export type CentralOutputs = {
  [K in keyof CentralPlainOutputs]: pulumi.Input<CentralPlainOutputs[K]>;
};
