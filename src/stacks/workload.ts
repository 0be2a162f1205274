/**
 * The program of a workload account stack (`<env>-<workload>`), as named steps: the
 * foundation (network, database, application role, private Secrets Manager access) in
 * phase 1; the connectivity mode's leg (the peering accepter and its routes; the transit
 * gateway attachment) and the role's identity policy once the central stack has exported
 * what they need.
 */
import * as pulumi from "@pulumi/pulumi";
import { ApplicationRole, ExistingReader } from "../../components/applicationRole";
import { Database, type DatabaseEndpoint } from "../../components/database";
import { AuroraCluster } from "../../components/auroraCluster";
import { ENGINE_SPECS, databasePort } from "../../kernel/engines";
import { AURORA_INSTANCES_DEFAULT } from "../config/defaults";
import { DatabaseAccess } from "../../components/databaseAccess";
import type { Database as DatabaseConfig, Environment, Reader, Workload } from "../config";
import type { CentralView, WorkloadOutputs } from "../contract";
import {
  applicationRoleName,
  databaseIdentifierOf,
  databaseResourceName,
  namePrefix,
  readerRoleName,
} from "../names";
import { readCentralStack } from "../peers";
import { accountProviders, providerList } from "../providers";
import {
  type AccountNetwork,
  accountNetwork,
  checkExistingVpc,
  existingSecretsEndpoint,
  privateSubnetCidrsOf,
  secretsEndpoint,
} from "./network";
import { centralStack, secretArnPattern } from "../topology";
import { modeOf } from "../connectivity";

export async function workloadProgram(
  env: Environment,
  workload: Workload,
): Promise<WorkloadOutputs> {
  const links = await modeOf(env).resources();
  const central = await readCentralStack(centralStack(env), workload.name);
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
  const keyPath = `secrets-hub:workloads[${env.workloads.indexOf(workload)}]`;
  await checkExistingVpc(workload, keyPath, providers.aws);

  const rotationCidrs = await centralRotationCidrs(env, centralOutputs);
  const databases = workload.databases.map((database) =>
    workloadDatabase(env, workload, database, { network, rotationCidrs, protect, tags, opts }),
  );
  const readers = workload.readers.map((reader) =>
    workloadReader(env, workload, reader, centralOutputs, tags, opts),
  );
  secretsEndpoint(workload, network, `${workload.name}-secretsmanager`, {
    kind: "cidrs",
    cidrs: [workload.vpcCidr],
    existing: await existingSecretsEndpoint(workload, keyPath, providers.aws),
    tags,
    opts,
    provider: providers.aws,
  });
  const link = links.workload({ env, network, tags, opts }, workload, centralOutputs);

  const passwords = (pick: (d: WorkloadDatabaseResult) => pulumi.Output<string> | undefined) => {
    const entries = databases.flatMap((d) => {
      const password = pick(d);
      return password ? [[d.name, password] as const] : [];
    });
    return entries.length === 0
      ? undefined
      : pulumi.secret(pulumi.output(Object.fromEntries(entries)));
  };
  const databaseInitialPasswords = passwords((d) => d.initialPassword);
  const applicationInitialPasswords = passwords((d) => d.applicationInitialPassword);
  return {
    accountId: workload.accountId,
    region: workload.region,
    vpcId: network.vpcId,
    vpcCidr: workload.vpcCidr,
    privateRouteTableIds: network.privateRouteTableIds,
    databases: Object.fromEntries(
      databases.map((d) => [d.name, { endpoint: d.endpoint, securityGroupId: d.securityGroupId }]),
    ),
    readerRoleArns: Object.fromEntries(readers.map((r) => [r.name, r.roleArn])),
    secretArnPatterns: Object.fromEntries(
      secretNamesOf(workload).map(([name, secretName]) => [
        name,
        secretArnPattern(env, secretName, workload.region),
      ]),
    ),
    ...link,
    ...(databaseInitialPasswords ? { databaseInitialPasswords } : {}),
    ...(applicationInitialPasswords ? { applicationInitialPasswords } : {}),
  };
}

/**
 * The central rotation functions' subnets, which the databases admit on their port: computed
 * from the environment file (central's private subnets, as its Network carves them or its
 * existingVpc lists them), so the rules are the same from phase 1 on and a later run changes
 * none of them. Central places its functions in exactly these (it exports them as
 * `rotationSubnetCidrs`); should its export differ (the file's central subnets changed and
 * central has not run since), its exported subnets are admitted too until it has, so the
 * functions in place keep their path.
 */
async function centralRotationCidrs(
  env: Environment,
  central: CentralView | undefined,
): Promise<string[]> {
  const computed = privateSubnetCidrsOf(env.central);
  const stale = (central?.rotationSubnetCidrs ?? []).filter((c) => !computed.includes(c));
  if (stale.length > 0) {
    await pulumi.log.warn(
      `${centralStack(env)} exports rotation subnets ${stale.join(", ")} that the environment file's secrets-hub:central no longer gives (${computed.join(", ")}): admitting both until ${centralStack(env)} has run with the file, then run this stack again`,
    );
  }
  return [...computed, ...stale];
}

/** What the stack knows of one of its databases once it is declared. */
interface WorkloadDatabaseResult {
  name: string;
  endpoint: pulumi.Input<DatabaseEndpoint>;
  securityGroupId: pulumi.Input<string>;
  initialPassword?: pulumi.Output<string>;
  applicationInitialPassword?: pulumi.Output<string>;
}

/**
 * One of the workload's databases: a new one, or an existing one whose security group
 * admits the rotation functions; either way its `allowFrom` sources on its port.
 */
function workloadDatabase(
  env: Environment,
  workload: Workload,
  config: DatabaseConfig,
  args: {
    network: AccountNetwork;
    rotationCidrs: string[];
    protect: boolean;
    tags: Record<string, string>;
    opts: pulumi.ComponentResourceOptions;
  },
): WorkloadDatabaseResult {
  const { network, rotationCidrs, opts } = args;
  const name = databaseResourceName(workload.name, config.name, config.shorthand);
  if (config.existing) {
    new DatabaseAccess(
      `${name}-access`,
      {
        securityGroupId: config.existing.securityGroupId,
        port: databasePort(config),
        rotationCidrs,
        allowFrom: config.allowFrom,
        engine: config.engine,
      },
      opts,
    );
    return {
      name: config.name,
      endpoint: existingDatabaseEndpoint(config, config.existing),
      securityGroupId: config.existing.securityGroupId,
    };
  }
  const common = {
    engine: config.engine,
    engineVersion: config.engineVersion,
    instanceClass: config.instanceClass,
    dbName: config.dbName,
    username: config.username,
    port: config.port,
    extendedSupport: config.extendedSupport,
    backupRetentionDays: config.backupRetentionDays,
    applicationPassword: config.rotationStrategy === "multi-user",
    identifier: databaseIdentifierOf(env.environment, workload.name, config),
    vpcId: network.vpcId,
    subnetIds: network.privateSubnetIds,
    rotationCidrs,
    allowFrom: config.allowFrom,
    protect: args.protect,
    tags: args.tags,
  };
  const db =
    ENGINE_SPECS[config.engine].deployment === "cluster"
      ? new AuroraCluster(
          name,
          {
            ...common,
            instances: config.instances ?? AURORA_INSTANCES_DEFAULT,
            // A reader in another zone than the writer survives the loss of a zone.
            availabilityZones: [...workload.availabilityZones],
          },
          opts,
        )
      : new Database(
          name,
          {
            ...common,
            allocatedStorage: config.allocatedStorage,
            multiAz: config.multiAz,
          },
          opts,
        );
  return {
    name: config.name,
    endpoint: db.endpoint,
    securityGroupId: db.securityGroupId,
    initialPassword: db.initialPassword,
    applicationInitialPassword: db.applicationInitialPassword,
  };
}

/** Each secret of the workload by its name (databases, then the others), with its secret name. */
function secretNamesOf(workload: Workload): [string, string][] {
  return [
    ...workload.databases.map((d) => [d.name, d.secretName] as [string, string]),
    ...workload.secrets.map((s) => [s.name, s.secretName] as [string, string]),
  ];
}

/**
 * One reader of the workload's secrets: a role created for its services (the shorthand's
 * keeps its name `<workload>-app`), or an existing role that gets an inline policy. It reads
 * the copy of each secret it names in its own Region (through its own endpoint) and the
 * disaster-recovery replica, and nothing else. The grant names the secrets by their ARN
 * patterns, so it is in place before central creates them (a secret comes once the
 * workload is linked, in the same update as its rotation); the key ARNs come from central.
 */
function workloadReader(
  env: Environment,
  workload: Workload,
  reader: Reader,
  central: CentralView | undefined,
  tags: Record<string, string>,
  opts: pulumi.ComponentResourceOptions,
): { name: string; roleArn: pulumi.Input<string> } {
  const readRegions = [...new Set([workload.region, env.replicaRegion])];
  const keyArnIn = (region: string) =>
    region === env.central.region ? central?.kmsKeyArn : central?.replicaKmsKeyArns[region];
  const keyArns = readRegions.map(keyArnIn);
  const secretNames = new Map(secretNamesOf(workload));
  const grant =
    central && keyArns.every((k) => k !== undefined)
      ? {
          secretArns: readRegions.flatMap((r) =>
            reader.reads.map((name) => secretArnPattern(env, secretNames.get(name)!, r)),
          ),
          keyArns: keyArns as string[],
          regions: readRegions,
        }
      : undefined;
  if (reader.roleArn !== undefined) {
    const existing = new ExistingReader(
      `${workload.name}-${reader.name}-reader`,
      { roleArn: reader.roleArn, policyName: `${namePrefix(env.environment)}-read-secrets`, grant },
      opts,
    );
    return { name: reader.name, roleArn: existing.roleArn };
  }
  const role = new ApplicationRole(
    reader.shorthand ? `${workload.name}-app` : `${workload.name}-${reader.name}-reader`,
    {
      roleName: reader.shorthand
        ? applicationRoleName(env.environment, workload.name)
        : readerRoleName(env.environment, workload.name, reader.name),
      trustedServices: reader.trustedServices,
      ...(reader.shorthand
        ? {}
        : {
            description: `Reads ${reader.reads.join(", ")} of ${workload.name} from the central account`,
          }),
      grant,
      tags,
    },
    opts,
  );
  return { name: reader.name, roleArn: role.roleArn };
}

/** Connection facts of a database that exists outside this program. */
function existingDatabaseEndpoint(
  config: DatabaseConfig,
  existing: NonNullable<DatabaseConfig["existing"]>,
): DatabaseEndpoint {
  const facts = {
    engine: config.engine,
    host: existing.host,
    port: databasePort(config),
    dbname: config.dbName,
    username: config.username,
  };
  // The config rule database-deployment requires exactly the identifier the engine has.
  return ENGINE_SPECS[config.engine].identifierKey === "dbClusterIdentifier"
    ? { ...facts, dbClusterIdentifier: existing.dbClusterIdentifier! }
    : { ...facts, dbInstanceIdentifier: existing.dbInstanceIdentifier! };
}
