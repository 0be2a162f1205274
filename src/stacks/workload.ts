/**
 * The program of a workload account stack (`<env>-<workload>`), as named steps: the
 * foundation (network, database, application role, private Secrets Manager access) in
 * phase 1; the connectivity mode's leg (the peering accepter and its routes; the transit
 * gateway attachment) and the role's identity policy once the central stack has exported
 * what they need.
 */
import * as pulumi from "@pulumi/pulumi";
import { ApplicationRole } from "../../components/applicationRole";
import { Database, type DatabaseEndpoint } from "../../components/database";
import { databasePort } from "../../kernel/engines";
import { DatabaseAccess } from "../../components/databaseAccess";
import type { Database as DatabaseConfig, Environment, Workload } from "../config";
import type { CentralPlainOutputs, WorkloadOutputs } from "../contract";
import { applicationRoleName, databaseIdentifier } from "../names";
import { readCentralStack } from "../peers";
import { accountProviders, providerList } from "../providers";
import { type AccountNetwork, accountNetwork, secretsEndpoint } from "./network";
import { centralStack, secretArnPattern } from "../topology";
import { modeOf } from "../connectivity";

export async function workloadProgram(
  env: Environment,
  workload: Workload,
): Promise<WorkloadOutputs> {
  const links = await modeOf(env).resources();
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
  const db = workloadDatabase(env, workload, { network, rotationCidrs, protect, tags, opts });
  const role = applicationRole(env, workload, centralOutputs, tags, opts);
  await secretsEndpoint(workload, network, `${workload.name}-secretsmanager`, {
    kind: "cidrs",
    cidrs: [workload.vpcCidr],
    tags,
    opts,
    provider: providers.aws,
  });
  const link = links.workload({ env, network, tags, opts }, workload, centralOutputs);

  return {
    accountId: workload.accountId,
    region: workload.region,
    vpcId: network.vpcId,
    vpcCidr: workload.vpcCidr,
    privateRouteTableIds: network.privateRouteTableIds,
    applicationRoleArn: role.roleArn,
    database: db.database,
    secretArnPattern: secretArnPattern(env, workload.database.secretName, workload.region),
    ...link,
    ...(db.databaseInitialPassword ? { databaseInitialPassword: db.databaseInitialPassword } : {}),
    ...(db.applicationInitialPassword
      ? { applicationInitialPassword: db.applicationInitialPassword }
      : {}),
  };
}

/**
 * The workload's database: a new one, or an existing one whose security group admits the
 * rotation functions; its connection facts and the passwords central's first values use.
 */
function workloadDatabase(
  env: Environment,
  workload: Workload,
  args: {
    network: AccountNetwork;
    rotationCidrs: string[];
    protect: boolean;
    tags: Record<string, string>;
    opts: pulumi.ComponentResourceOptions;
  },
): Pick<WorkloadOutputs, "database" | "databaseInitialPassword" | "applicationInitialPassword"> {
  const { network, rotationCidrs, opts } = args;
  const config = workload.database;
  if (config.existing) {
    new DatabaseAccess(
      `${workload.name}-db-access`,
      {
        securityGroupId: config.existing.securityGroupId,
        port: databasePort(config),
        rotationCidrs,
        engine: config.engine,
      },
      opts,
    );
    return { database: existingDatabaseEndpoint(config, config.existing) };
  }
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
      protect: args.protect,
      tags: args.tags,
    },
    opts,
  );
  return {
    database: db.endpoint,
    databaseInitialPassword: db.initialPassword,
    applicationInitialPassword: db.applicationInitialPassword,
  };
}

/**
 * The application's role. It reads the copy of its secret in its own Region (through its
 * own endpoint), and the disaster-recovery replica. The grant names the secret by its ARN
 * pattern, so it is in place before central creates the secret (the secret comes once the
 * workload is linked, in the same update as its rotation); the key ARNs come from central.
 */
function applicationRole(
  env: Environment,
  workload: Workload,
  central: CentralPlainOutputs | undefined,
  tags: Record<string, string>,
  opts: pulumi.ComponentResourceOptions,
): ApplicationRole {
  const readRegions = [...new Set([workload.region, env.replicaRegion])];
  const keyArnIn = (region: string) =>
    region === env.central.region ? central?.kmsKeyArn : central?.replicaKmsKeyArns[region];
  const keyArns = readRegions.map(keyArnIn);
  return new ApplicationRole(
    `${workload.name}-app`,
    {
      roleName: applicationRoleName(env.environment, workload.name),
      trustedServices: workload.applicationRole.trustedServices,
      grant:
        central && keyArns.every((k) => k !== undefined)
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
