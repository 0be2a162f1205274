/**
 * The program of a workload account stack (`<env>-<workload>`): network, database,
 * application role and private Secrets Manager access in phase 1; the peering accepter,
 * its routes and the role's identity policy once the central stack has exported them.
 */
import * as pulumi from "@pulumi/pulumi";
import { ApplicationRole } from "../../components/applicationRole";
import { Database, type DatabaseEndpoint } from "../../components/database";
import { databasePort } from "../../kernel/engines";
import { DatabaseAccess } from "../../components/databaseAccess";
import { PeeringAccepter } from "../../components/peeringAccepter";
import type { Database as DatabaseConfig, Environment, Workload } from "../config";
import type { WorkloadOutputs } from "../contract";
import { applicationRoleName, databaseIdentifier } from "../names";
import { readCentralStack } from "../peers";
import { accountProviders, providerList } from "../providers";
import { accountNetwork, secretsEndpoint } from "./network";
import { centralStack, secretArnPattern } from "../topology";
import { usesTransitGateway, workloadTransitGateway } from "./connectivity";

export async function workloadProgram(
  env: Environment,
  workload: Workload,
): Promise<WorkloadOutputs> {
  const central = await readCentralStack(centralStack(env));
  if (!central.ready) {
    await pulumi.log.warn(
      `${centralStack(env)} has not exported ${central.missing.join(", ")} yet: deploying phase 1 only (no peering accepter, routes or identity policy). Run this stack again after ${centralStack(env)}.`,
    );
  } else if (
    central.value.accountId !== env.central.accountId ||
    central.value.vpcCidr !== env.central.vpcCidr
  ) {
    throw new pulumi.RunError(
      `${centralStack(env)} exports account ${central.value.accountId} / ${central.value.vpcCidr}, but the environment file says ${env.central.accountId} / ${env.central.vpcCidr}: refusing to peer with a stack of another environment`,
    );
  }
  const centralOutputs = central.ready ? central.value : undefined;

  const providers = accountProviders(env, workload, workload.name);
  const opts: pulumi.ComponentResourceOptions = { providers: providerList(providers) };
  const tags = { ...env.tags, "secrets-hub:workload": workload.name };
  const protect = env.protectStatefulResources;

  const network = accountNetwork(workload, workload.name, tags, opts);

  // Before central exists, the whole central VPC stands in for its rotation subnets.
  const rotationCidrs = centralOutputs?.rotationSubnetCidrs ?? [env.central.vpcCidr];
  let database: WorkloadOutputs["database"];
  let databaseInitialPassword: pulumi.Output<string> | undefined;
  let applicationInitialPassword: pulumi.Output<string> | undefined;
  if (workload.database.existing) {
    const existing = workload.database.existing;
    database = existingDatabaseEndpoint(workload.database, existing);
    new DatabaseAccess(
      `${workload.name}-db-access`,
      {
        securityGroupId: existing.securityGroupId,
        port: databasePort(workload.database),
        rotationCidrs,
        engine: workload.database.engine,
      },
      opts,
    );
  } else {
    const config = workload.database;
    const db = new Database(
      `${workload.name}-db`,
      {
        engine: config.engine,
        engineVersion: config.engineVersion,
        instanceClass: config.instanceClass,
        allocatedStorage: config.allocatedStorage,
        dbName: config.dbName,
        username: config.username,
        port: config.port,
        extendedSupport: config.extendedSupport,
        multiAz: config.multiAz,
        backupRetentionDays: config.backupRetentionDays,
        applicationPassword: config.rotationStrategy === "multi-user",
        identifier: databaseIdentifier(env.environment, workload.name, config.dbName),
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        rotationCidrs,
        protect,
        tags,
      },
      opts,
    );
    database = db.endpoint;
    databaseInitialPassword = db.initialPassword;
    applicationInitialPassword = db.applicationInitialPassword;
  }

  // The application reads the copy of its secret in its own Region (through its own
  // endpoint), and the disaster-recovery replica. The grant names the secret by its ARN
  // pattern, so it is in place before central creates the secret (the secret comes once the
  // peering is accepted, in the same update as its rotation); the key ARNs come from central.
  const readRegions = [...new Set([workload.region, env.replicaRegion])];
  const keyArnIn = (region: string) =>
    region === env.central.region
      ? centralOutputs?.kmsKeyArn
      : centralOutputs?.replicaKmsKeyArns[region];
  const keyArns = readRegions.map(keyArnIn);
  const role = new ApplicationRole(
    `${workload.name}-app`,
    {
      roleName: applicationRoleName(env.environment, workload.name),
      trustedServices: workload.applicationRole.trustedServices,
      grant:
        centralOutputs && keyArns.every((k) => k !== undefined)
          ? {
              secretArns: readRegions.map((r) =>
                secretArnPattern(env, workload.database.secretName, r),
              ),
              keyArns: keyArns as string[],
              regions: readRegions,
            }
          : undefined,
      tags,
    },
    opts,
  );

  await secretsEndpoint(workload, network, `${workload.name}-secretsmanager`, {
    kind: "cidrs",
    cidrs: [workload.vpcCidr],
    tags,
    opts,
    provider: providers.aws,
  });

  const attachment = usesTransitGateway(env)
    ? workloadTransitGateway(env, workload, centralOutputs, network, tags, opts)
    : undefined;
  const peeringConnectionId = centralOutputs?.peeringConnectionIds[workload.name];
  let accepter: PeeringAccepter | undefined;
  if (centralOutputs && peeringConnectionId) {
    accepter = new PeeringAccepter(
      `${workload.name}-peering`,
      {
        peeringConnectionId,
        centralCidr: centralOutputs.vpcCidr,
        routeTableIds: network.privateRouteTableIds,
        tags,
      },
      opts,
    );
  }

  return {
    accountId: workload.accountId,
    region: workload.region,
    vpcId: network.vpcId,
    vpcCidr: workload.vpcCidr,
    privateRouteTableIds: network.privateRouteTableIds,
    applicationRoleArn: role.roleArn,
    database,
    secretArnPattern: secretArnPattern(env, workload.database.secretName, workload.region),
    ...(accepter ? { acceptedPeeringConnectionId: accepter.peeringConnectionId } : {}),
    ...(attachment ? { transitGatewayAttachmentId: attachment.attachmentId } : {}),
    ...(databaseInitialPassword ? { databaseInitialPassword } : {}),
    ...(applicationInitialPassword ? { applicationInitialPassword } : {}),
  };
}

/** Connection facts of a database that exists outside this program. */
function existingDatabaseEndpoint(
  config: DatabaseConfig,
  existing: NonNullable<DatabaseConfig["existing"]>,
): DatabaseEndpoint {
  return {
    engine: config.engine,
    host: existing.host,
    port: databasePort(config),
    dbname: config.dbName,
    username: config.username,
    dbInstanceIdentifier: existing.dbInstanceIdentifier,
  };
}
