/**
 * The program of the central security account stack (`<env>-central`), as named steps:
 * the foundation (network, CMK and its replica keys, the rotation functions, the Secrets
 * Manager endpoint, the failure alerts), the connectivity mode's shared part (nothing with
 * peering; the transit gateway hub), the mode's leg toward each workload (a peering request
 * and its routes; the transit gateway routing), each linked workload's secret (replicated,
 * with its first value, resource policy and rotation), and IAM Access Analyzer.
 *
 * What it creates for a workload follows from the workload stack's outputs, so the stacks
 * converge in the order `src/topology.ts` gives (README, "Deployment order"):
 * - not exported yet (phase 1 not run): nothing, with a warning;
 * - exported, not linked yet: central's leg toward it (with peering, at most
 *   `maxPendingPeerings` requests pending at once, in file order: AWS refuses more
 *   outstanding requests);
 * - linked (the workload's side and its return routes in place): the secret and its
 *   rotation, whose first run (immediately) now finds its path to the database and to
 *   Secrets Manager.
 */
import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { DatabaseSecret, type DatabaseSecretArgs } from "../../components/databaseSecret";
import { RotationAlerts } from "../../components/rotationAlerts";
import {
  type RotationApplication,
  RotationFunction,
  type RotationTarget,
} from "../../components/rotationFunction";
import { SecretsKey } from "../../components/secretsKey";
import { ApplicationUserSetup } from "../../components/applicationUser";
import { endpointIdentifier } from "../../components/database";
import { ENGINE_SPECS, databasePort } from "../../kernel/engines";
import * as aws from "@pulumi/aws";
import type { Database as DatabaseConfig, Environment, PlainSecret, Workload } from "../config";
import type { CentralOutputs, DatabaseEndpoint } from "../contract";
import { WorkloadPeer, readWorkloadStack } from "../peers";
import { databaseResourceName, masterSecretName, namePrefix } from "../names";
import { accountProviders, nativeProviderIn, providerList } from "../providers";
import { accessAnalyzers, replicaRegions, secretArnPattern, workloadStack } from "../topology";
import { modeOf, type ConnectivityMode } from "../connectivity";
import type { ReadyWorkload } from "../connectivity/mode";
import {
  type AccountNetwork,
  accountNetwork,
  checkExistingVpc,
  existingSecretsEndpoint,
  secretsEndpoint,
} from "./network";

/**
 * The JSON the AWS rotation functions read (and write back on every rotation), in AWS's
 * secret structure for RDS and Aurora ("JSON structure of Secrets Manager secrets"): the
 * engine family as `engine` (`postgres`/`mysql`, an Aurora cluster's too) and the database
 * named by `dbInstanceIdentifier` or, for a cluster, `dbClusterIdentifier`, `host` being
 * its writer endpoint.
 */
export function secretDocument(
  database: DatabaseEndpoint,
  password: pulumi.Output<string>,
  masterarn?: pulumi.Input<string>,
): pulumi.Output<string> {
  const identifier = endpointIdentifier(database);
  return pulumi.secret(
    pulumi.jsonStringify({
      engine: ENGINE_SPECS[database.engine].family,
      host: database.host,
      port: database.port,
      username: database.username,
      password,
      dbname: database.dbname,
      [identifier.key]: identifier.value,
      // TLS, verified: without the key AWS's rotation functions try TLS and fall back to
      // plaintext (get_ssl_config in aws-samples/aws-secrets-manager-rotation-lambdas).
      ssl: true,
      // Multi-user rotation logs in with the admin credentials of this secret.
      ...(masterarn !== undefined ? { masterarn } : {}),
    }),
  );
}

export { masterSecretName };

async function readyWorkloads(env: Environment): Promise<ReadyWorkload[]> {
  const ready: ReadyWorkload[] = [];
  const readings = await Promise.all(
    env.workloads.map((w) => readWorkloadStack(workloadStack(env, w.name))),
  );
  for (const [i, workload] of env.workloads.entries()) {
    const stack = workloadStack(env, workload.name);
    const reading = readings[i];
    if (!reading.ready) {
      await pulumi.log.warn(
        `${stack} has not exported ${reading.missing.join(", ")} yet: skipping workload ${workload.name} (no secret, policy, rotation or peering for it). Deploy ${stack}, then run this stack again.`,
      );
      continue;
    }
    const out = reading.value.outputs;
    if (
      out.accountId !== workload.accountId ||
      out.vpcCidr !== workload.vpcCidr ||
      out.region !== workload.region
    ) {
      throw new pulumi.RunError(
        `${stack} exports account ${out.accountId}, region ${out.region}, CIDR ${out.vpcCidr}, but secrets-hub:workloads says ${workload.accountId}, ${workload.region}, ${workload.vpcCidr}: refusing to grant or peer with a mismatched stack`,
      );
    }
    for (const database of workload.databases) {
      if (database.existing || reading.value.databaseInitialPasswords[database.name]) continue;
      // A database added to the file since the workload stack last ran: not there yet.
      if (!reading.value.outputs.databases[database.name]) continue;
      throw new pulumi.RunError(
        `${stack} creates its database ${database.name} but exports no databaseInitialPasswords.${database.name}`,
      );
    }
    ready.push({ workload, peer: reading.value });
  }
  return ready;
}

export async function centralProgram(env: Environment): Promise<CentralOutputs> {
  const mode = modeOf(env);
  const links = await mode.resources();
  const ready = await readyWorkloads(env);
  const { requested, linked, waiting } = mode.window(env, ready);
  await warnOfUnlinked(env, mode, requested, linked, waiting);

  const central = env.central;
  const providers = accountProviders(env, central, "central");
  const opts: pulumi.ComponentResourceOptions = { providers: providerList(providers) };
  const tags = { ...env.tags };
  const regions = replicaRegions(env);

  const { network, key, rotation, endpoint, applicationUsers } = await foundation(env, {
    ready,
    rotationTargets: mode.rotationTargets(env, requested),
    regions,
    tags,
    opts,
    provider: providers.aws,
  });

  const link = links.central({ env, network, tags, opts });
  const secretArns: Record<string, pulumi.Output<string>> = {};
  const replicaSecretArns: Record<string, pulumi.Output<string>> = {};
  const workloadSecretArns: Record<string, Record<string, pulumi.Output<string>>> = {};
  for (const r of requested) {
    // What the first rotation needs on central's side, besides the endpoint.
    const path = link.leg(r, linked.has(r.workload.name));
    if (!path) continue;
    const secrets = await workloadSecrets(env, r, {
      key,
      rotation,
      applicationUsers,
      // The first rotation runs at once: it needs the Secrets Manager endpoint and both
      // sides of the path (the workload's side and its return routes are in place: it
      // exported what the mode links by), and this side's (with a transit gateway, also the
      // attachment's routing).
      rotationDependsOn: [...(endpoint ? [endpoint] : []), ...path],
      tags,
      opts,
      provider: providers.aws,
    });
    // By workload, its first database's secret (as before `databases:`); every secret of
    // it by workload and name.
    if (secrets.length > 0) {
      secretArns[r.workload.name] = secrets[0].secret.arn;
      replicaSecretArns[r.workload.name] = secrets[0].secret.replicaArn;
    }
    workloadSecretArns[r.workload.name] = Object.fromEntries(
      secrets.map(({ name, secret }) => [name, secret.arn]),
    );
  }

  analyzers(env, (region) =>
    region === central.region
      ? providers.awsNative
      : nativeProviderIn(env, central, "central", region),
  );

  return {
    accountId: central.accountId,
    region: central.region,
    vpcId: network.vpcId,
    vpcCidr: central.vpcCidr,
    rotationSubnetCidrs: network.privateSubnetCidrs,
    kmsKeyArn: key.keyArn,
    replicaKmsKeyArn: key.replicaKeyArn,
    replicaKmsKeyArns: pulumi.output(key.replicaKeyArns),
    secretArns: pulumi.output(secretArns),
    replicaSecretArns: pulumi.output(replicaSecretArns),
    workloadSecretArns: pulumi.output(workloadSecretArns),
    ...link.outputs(),
  };
}

/** The warnings for workloads central cannot give their secret in this run. */
async function warnOfUnlinked(
  env: Environment,
  mode: ConnectivityMode,
  requested: ReadyWorkload[],
  linked: Set<string>,
  waiting: ReadyWorkload[],
): Promise<void> {
  const waitingWarning = mode.waitingWarning(
    env,
    waiting.map((r) => r.workload),
  );
  if (waitingWarning) await pulumi.log.warn(waitingWarning);
  const unlinked = requested.filter((r) => !linked.has(r.workload.name));
  if (unlinked.length > 0) {
    await pulumi.log.warn(
      mode.unlinkedWarning(unlinked.map((r) => workloadStack(env, r.workload.name))),
    );
  }
}

/**
 * What central builds whatever the mode and the workloads' progress: its network, the CMK
 * and its replicas, the rotation functions, the Secrets Manager endpoint, the failure alerts.
 */
async function foundation(
  env: Environment,
  args: {
    ready: ReadyWorkload[];
    rotationTargets: RotationTarget[];
    regions: string[];
    tags: Record<string, string>;
    opts: pulumi.ComponentResourceOptions;
    provider: aws.Provider;
  },
): Promise<{
  network: AccountNetwork;
  key: SecretsKey;
  rotation: RotationFunction;
  /** The endpoint, or the rule admitting the functions to an existing one. */
  endpoint: pulumi.Resource | undefined;
  applicationUsers: ApplicationUserSetup | undefined;
}> {
  const { ready, regions, tags, opts } = args;
  const central = env.central;
  const protect = env.protectStatefulResources;
  const prefix = namePrefix(env.environment);

  const network = accountNetwork(central, "central", tags, opts);
  await checkExistingVpc(central, "secrets-hub:central", args.provider);
  // An existing endpoint: the functions reach it in the subnets it really has.
  const existingEndpoint = await existingSecretsEndpoint(
    central,
    "secrets-hub:central",
    args.provider,
  );

  const key = new SecretsKey(
    "secrets",
    {
      accountId: central.accountId,
      region: central.region,
      replicaRegion: env.replicaRegion,
      additionalRegions: regions.slice(1),
      aliasName: `${prefix}-secrets`,
      deletionWindowInDays: env.key.deletionWindowInDays,
      rotationPeriodInDays: env.key.rotationPeriodInDays,
      readerAccountIds: ready.map((r) => r.workload.accountId),
      // A transit gateway shared with the organization reaches only its member accounts.
      organizationArn: env.transitGateway.organizationArn,
      protect,
      tags,
    },
    opts,
  );

  const rotation = new RotationFunction(
    "rotation",
    {
      namePrefix: prefix,
      region: central.region,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      endpointCidrs: existingEndpoint?.subnetCidrs ?? network.privateSubnetCidrs,
      targets: args.rotationTargets,
      // A multi-user database's master secret rotates with the single-user function.
      applications: ready.flatMap((r) => rotationApplications(env, r.workload)),
      applicationVersion: env.rotation.applicationVersion,
      kmsKeyArn: key.keyArn,
      replicaKeys: regions.map((region) => ({ region, keyArn: key.replicaKeyArns[region] })),
      tags,
    },
    opts,
  );

  const endpoint = secretsEndpoint(central, network, "central-secretsmanager", {
    kind: "security-group",
    securityGroupId: rotation.securityGroupId,
    existing: existingEndpoint,
    tags,
    opts,
    provider: args.provider,
  });

  if (rotation.functionNames.length > 0) {
    new RotationAlerts(
      "rotation-alerts",
      {
        namePrefix: prefix,
        accountId: central.accountId,
        region: central.region,
        functionNames: rotation.functionNames,
        destination: env.alerts.topicArn
          ? { kind: "existing", topicArn: env.alerts.topicArn }
          : { kind: "topic", emails: env.alerts.emails },
        protect,
        tags,
      },
      opts,
    );
  }
  // Multi-user databases: the function that creates each application user, in the rotation
  // functions' subnets and security groups (their network path to the databases and to
  // Secrets Manager), reading exactly the master and application secrets it serves.
  const multiUser = ready.flatMap((r) =>
    r.workload.databases.filter((d) => d.rotationStrategy === "multi-user"),
  );
  const applicationUsers =
    multiUser.length === 0
      ? undefined
      : new ApplicationUserSetup(
          "application-user",
          {
            namePrefix: prefix,
            region: central.region,
            subnetIds: network.privateSubnetIds,
            securityGroupIds: rotation.securityGroupIds,
            kmsKeyArn: key.keyArn,
            secrets: multiUser.map((d) => ({
              masterSecretArn: masterOf(env, d)!,
              userSecretArn: secretArnPattern(env, d.secretName, central.region),
            })),
            tags,
          },
          opts,
        );
  return { network, key, rotation, endpoint, applicationUsers };
}

/** What every secret of one workload shares. */
interface SecretContext {
  env: Environment;
  workload: Workload;
  peer: WorkloadPeer;
  key: SecretsKey;
  rotation: RotationFunction;
  common: Omit<DatabaseSecretArgs, "secretName" | "rotationLambdaArn">;
  applicationUsers: ApplicationUserSetup | undefined;
  opts: pulumi.ComponentResourceOptions;
  /** Central's aws provider, for a resource made here (a custom resource takes no `providers`). */
  provider: aws.Provider;
}

/**
 * A linked workload's secrets: each database's (with its first value, resource policy and
 * rotation; for multi-user rotation, first the master secret holding the admin
 * credentials, rotated with the single-user function, which the application user's secret
 * names), then each non-database secret (empty: the operator puts its value).
 */
async function workloadSecrets(
  env: Environment,
  { workload, peer }: ReadyWorkload,
  args: {
    key: SecretsKey;
    rotation: RotationFunction;
    applicationUsers: ApplicationUserSetup | undefined;
    rotationDependsOn: pulumi.Resource[];
    tags: Record<string, string>;
    opts: pulumi.ComponentResourceOptions;
    provider: aws.Provider;
  },
): Promise<{ name: string; secret: DatabaseSecret }[]> {
  const { key, rotation, opts } = args;
  const context = (settings: Workload["secret"]): SecretContext => ({
    env,
    workload,
    peer,
    key,
    rotation,
    opts,
    provider: args.provider,
    applicationUsers: args.applicationUsers,
    common: {
      region: env.central.region,
      kmsKeyArn: key.keyArn,
      replicas: secretReplicaRegions(env, workload).map((region) => ({
        region,
        kmsKeyArn: key.replicaKeyArns[region],
      })),
      schedule: settings.schedule ?? env.rotation.schedule,
      duration: settings.duration ?? env.rotation.duration,
      protect: env.protectStatefulResources,
      rotationDependsOn: args.rotationDependsOn,
      tags: { ...args.tags, ...settings.tags, "secrets-hub:workload": workload.name },
    },
  });
  const secrets: { name: string; secret: DatabaseSecret }[] = [];
  for (const db of workload.databases) {
    const exported = peer.outputs.databases[db.name];
    if (!exported) {
      await pulumi.log.warn(
        `${workload.name}: ${workloadStack(env, workload.name)} has not exported database ${db.name} yet: no secret for it in this run (run the workload stack, then this one again)`,
      );
      continue;
    }
    secrets.push({
      name: db.name,
      secret: await databaseSecret(context(db.secret), db, exported.endpoint),
    });
  }
  for (const plain of workload.secrets) {
    secrets.push({
      name: plain.name,
      secret: plainSecret(
        context({
          ...workload.secret,
          ...(plain.rotation === "none" ? {} : plain.rotation),
          tags: plain.tags,
        }),
        plain,
      ),
    });
  }
  return secrets;
}

/** The reader role ARNs a secret's resource policy names: every reader that reads `name`. */
function readersOf(context: SecretContext, name: string): string[] {
  const exported = context.peer.outputs.readerRoleArns;
  return context.workload.readers
    .filter((r) => r.reads.includes(name))
    .flatMap((r) => (exported[r.name] ? [exported[r.name]] : []));
}

/** One database's secret (and its master secret, for multi-user rotation). */
async function databaseSecret(
  context: SecretContext,
  db: DatabaseConfig,
  database: DatabaseEndpoint,
): Promise<DatabaseSecret> {
  const { env, workload, peer, rotation, common, applicationUsers, opts } = context;
  if (database.port !== databasePort(db)) {
    await pulumi.log.warn(
      `${workload.name}: the port database ${db.name} exports (${database.port}) differs from the environment file`,
    );
  }
  const name = databaseResourceName(workload.name, db.name, db.shorthand);
  const masterPassword = peer.databaseInitialPasswords[db.name];
  let master: DatabaseSecret | undefined;
  if (db.rotationStrategy === "multi-user" && masterPassword) {
    master = new DatabaseSecret(
      `${name}-master`,
      {
        ...common,
        secretName: masterSecretName(db.secretName),
        description: `Admin credentials of ${endpointIdentifier(database).value}; rotated by secrets-hub`,
        initialValue: secretDocument(database, masterPassword),
        rotationLambdaArn: rotation.lambdaArnFor(db.engine, "single-user"),
        rotationDependsOn: [
          ...(common.rotationDependsOn ?? []),
          ...rotation.grantsFor(db.engine, "single-user"),
        ],
      },
      opts,
    );
  }
  const masterArn = masterOf(env, db);
  const initialValue = initialValueOf(db, peer, database, master);
  // Multi-user: the program creates the application user once both first values exist
  // (the master's admin credentials, the user's password), before the user's rotation.
  const setup = master && initialValue && applicationUsers ? applicationUsers : undefined;
  return new DatabaseSecret(
    name,
    {
      ...common,
      secretName: db.secretName,
      description: db.secret.description,
      initialValue,
      readerRoleArns: readersOf(context, db.name),
      ...(setup && master
        ? {
            beforeRotation: (secret: { arn: pulumi.Output<string>; version: pulumi.Resource }) => [
              setup.invocationFor(
                name,
                { masterSecretArn: master.arn, userSecretArn: secret.arn },
                [
                  ...(common.rotationDependsOn ?? []),
                  master.initialVersion!,
                  ...(master.rotation ? [master.rotation] : []),
                  secret.version,
                ],
              ),
            ],
          }
        : {}),
      rotationLambdaArn: rotation.lambdaArnFor(db.engine, db.rotationStrategy, masterArn),
      rotationDependsOn: [
        ...(common.rotationDependsOn ?? []),
        ...rotation.grantsFor(db.engine, db.rotationStrategy, masterArn),
      ],
      rotationAwaits: rotationAwaits(db, setup !== undefined),
      // An existing database's value was put by the operator: rotate at once, as for ours.
      ...(db.existing ? { rotateImmediately: true } : {}),
    },
    opts,
  );
}

/**
 * A non-database secret: created without a value (the operator puts it, outside Pulumi
 * state), replicated and encrypted like the others, read by its readers; rotated by its
 * custom function once its value is put, or not at all (`rotation: none`).
 */
function plainSecret(context: SecretContext, plain: PlainSecret): DatabaseSecret {
  const { env, workload, common, opts, provider } = context;
  const name = `${workload.name}-${plain.name}-secret`;
  const custom = plain.rotation === "none" ? undefined : plain.rotation;
  const dependsOn: pulumi.Resource[] = [];
  if (custom) {
    // Secrets Manager invokes the function as its service principal, for this secret only
    // (Secrets Manager user guide, "Permissions for rotation": the function's resource
    // policy allows secretsmanager.amazonaws.com with the secret's ARN as source).
    dependsOn.push(
      new aws.lambda.Permission(
        `${name}-invoke`,
        {
          action: "lambda:InvokeFunction",
          function: custom.lambdaArn,
          principal: "secretsmanager.amazonaws.com",
          sourceAccount: env.central.accountId,
          // Lambda matches SourceArn with ArnLike, so the pattern's `?`s match the suffix.
          sourceArn: secretArnPattern(env, plain.secretName, env.central.region),
          statementId: `${namePrefix(env.environment)}-${workload.name}-${plain.name}`,
        },
        { provider },
      ),
    );
  }
  return new DatabaseSecret(
    name,
    {
      ...common,
      secretName: plain.secretName,
      description:
        plain.description ?? `${plain.name} of ${workload.name}; value put by the operator`,
      readerRoleArns: readersOf(context, plain.name),
      rotationLambdaArn: custom?.lambdaArn,
      rotationDependsOn: [...(common.rotationDependsOn ?? []), ...dependsOn],
      rotationAwaits: custom && !plain.valuePut ? "first-value-secret" : undefined,
      ...(custom ? { rotateImmediately: true } : {}),
    },
    opts,
  );
}

/** The master secret a multi-user database's application logs in with: its ARN pattern. */
function masterOf(env: Environment, db: DatabaseConfig): string | undefined {
  return db.rotationStrategy === "multi-user"
    ? secretArnPattern(env, masterSecretName(db.secretName), env.central.region)
    : undefined;
}

/** The rotation applications a workload's secrets need: multi-user ones per master. */
function rotationApplications(env: Environment, workload: Workload): RotationApplication[] {
  return workload.databases.flatMap(({ engine, rotationStrategy, ...db }) =>
    rotationStrategy === "multi-user"
      ? [
          {
            engine,
            strategy: "multi-user" as const,
            masterSecretArn: masterOf(env, { engine, rotationStrategy, ...db }),
          },
          { engine, strategy: "single-user" as const },
        ]
      : [{ engine, strategy: "single-user" as const }],
  );
}

/** Regions of a workload's secret replicas: the DR Region, and the workload's own if it is another. */
function secretReplicaRegions(env: Environment, workload: Workload): string[] {
  return [env.replicaRegion, workload.region].filter(
    (r, i, all) => r !== env.central.region && all.indexOf(r) === i,
  );
}

/**
 * The first value of a database's (application) secret: the rotation JSON with the
 * password the workload stack generated; for multi-user, the application user's, naming
 * the master secret; none for an existing database (the operator puts it).
 */
function initialValueOf(
  db: DatabaseConfig,
  peer: WorkloadPeer,
  database: DatabaseEndpoint,
  master: DatabaseSecret | undefined,
): pulumi.Output<string> | undefined {
  if (db.rotationStrategy === "multi-user") {
    const password = peer.applicationInitialPasswords[db.name];
    if (!password || !master || !db.applicationUsername) return undefined;
    return secretDocument({ ...database, username: db.applicationUsername }, password, master.arn);
  }
  const password = peer.databaseInitialPasswords[db.name];
  return password ? secretDocument(database, password) : undefined;
}

/**
 * Why a database's secret cannot rotate yet, if an operator must act first: an existing
 * database's first value. (A multi-user application user is the program's to create:
 * `userSetUp`; without its first values there is no secret value to rotate yet either.)
 */
function rotationAwaits(db: DatabaseConfig, userSetUp: boolean): string | undefined {
  if (db.existing && !db.existing.valuePut) return "first-value";
  if (db.rotationStrategy === "multi-user" && !userSetUp) return "application-user";
  return undefined;
}

/**
 * IAM Access Analyzer, as configured. AWS allows one account analyzer per account and
 * Region (a hard limit): `create` makes one in the central Region and in each Region that
 * holds replicas (the DR Region has secrets too); use an existing one's ARN, or `none`,
 * where the account already has one, e.g. from a security-tooling baseline or a second
 * environment in the same central account; per Region with the map form.
 */
function analyzers(env: Environment, providerIn: (region: string) => awsNative.Provider): void {
  const tags = Object.entries(env.tags).map(([k, v]) => ({ key: k, value: v }));
  for (const region of accessAnalyzers(env).create) {
    new awsNative.accessanalyzer.Analyzer(
      // The central Region's analyzer keeps the name it always had.
      region === env.central.region ? "access-analyzer" : `access-analyzer-${region}`,
      {
        analyzerName: `${namePrefix(env.environment)}-account`,
        type: "ACCOUNT",
        tags,
      },
      { provider: providerIn(region) },
    );
  }
}
