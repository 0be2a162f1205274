/**
 * The program of the central security account stack (`<env>-central`): network, CMK and its
 * replica keys, the Secrets Manager endpoint, the rotation functions and their failure
 * alerts, IAM Access Analyzer, one peering request per workload VPC with its routes, and,
 * for each workload whose peering is accepted, its replicated secret with the first value,
 * resource policy and rotation.
 *
 * What it creates for a workload follows from the workload stack's outputs, so the stacks
 * converge in the order `src/topology.ts` gives (README, "Deployment order"):
 * - not exported yet (phase 1 not run): nothing, with a warning;
 * - exported, peering not accepted: a peering request (at most `maxPendingPeerings` of them
 *   pending at once, in file order: AWS refuses more outstanding requests) and its routes;
 * - peering accepted, return routes in place: the secret and its rotation, whose first run
 *   (immediately) now finds its path to the database and to Secrets Manager.
 */
import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { DatabaseSecret } from "../../components/databaseSecret";
import { PeeringRequest } from "../../components/peeringRequest";
import { RotationAlerts } from "../../components/rotationAlerts";
import { RotationFunction } from "../../components/rotationFunction";
import { SecretsKey } from "../../components/secretsKey";
import { databasePort } from "../../components/engines";
import type { Environment, Workload } from "../config";
import type { CentralOutputs, DatabaseEndpoint } from "../contract";
import { WorkloadPeer, readWorkloadStack } from "../peers";
import { namePrefix } from "../names";
import { accountProviders, nativeProviderIn, providerList } from "../providers";
import { replicaRegions, secretArnPattern, workloadStack } from "../topology";
import {
  attachmentWindow,
  centralTransitGateway,
  centralTransitGatewayMember,
  summaryRotationTargets,
  unattachedWarning,
  usesTransitGateway,
} from "./connectivity";
import { accountNetwork, secretsEndpoint } from "./network";

/** The JSON the AWS rotation functions read (and write back on every rotation). */
export function secretDocument(
  database: DatabaseEndpoint,
  password: pulumi.Output<string>,
  masterarn?: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.jsonStringify({
      engine: database.engine,
      host: database.host,
      port: database.port,
      username: database.username,
      password,
      dbname: database.dbname,
      dbInstanceIdentifier: database.dbInstanceIdentifier,
      // Multi-user rotation logs in with the admin credentials of this secret.
      ...(masterarn !== undefined ? { masterarn } : {}),
    }),
  );
}

/** The secret holding a multi-user database's admin credentials. */
export function masterSecretName(secretName: string): string {
  return `${secretName}/master`;
}

interface ReadyWorkload {
  workload: Workload;
  peer: WorkloadPeer;
}

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
    if (!workload.database.existing && !reading.value.databaseInitialPassword) {
      throw new pulumi.RunError(
        `${stack} creates its database but exports no databaseInitialPassword`,
      );
    }
    ready.push({ workload, peer: reading.value });
  }
  return ready;
}

/**
 * Which ready workloads get a peering request and which a secret: every accepted one, and
 * up to `maxPendingPeerings` of the others, in file order (AWS quota L-DC9F7029).
 */
function peeringWindow(
  env: Environment,
  ready: ReadyWorkload[],
): { requested: ReadyWorkload[]; accepted: Set<string>; waiting: ReadyWorkload[] } {
  const accepted = new Set(
    ready.filter((r) => r.peer.outputs.acceptedPeeringConnectionId).map((r) => r.workload.name),
  );
  const pending = ready.filter((r) => !accepted.has(r.workload.name));
  const admitted = new Set(pending.slice(0, env.maxPendingPeerings).map((r) => r.workload.name));
  return {
    requested: ready.filter((r) => accepted.has(r.workload.name) || admitted.has(r.workload.name)),
    accepted,
    waiting: pending.filter((r) => !admitted.has(r.workload.name)),
  };
}

export async function centralProgram(env: Environment): Promise<CentralOutputs> {
  const ready = await readyWorkloads(env);
  const tgw = usesTransitGateway(env);
  const { requested, accepted, waiting } = tgw
    ? attachmentWindow(ready)
    : peeringWindow(env, ready);
  if (waiting.length > 0) {
    await pulumi.log.warn(
      `${waiting.length} workload(s) wait for a peering request (${waiting.map((r) => r.workload.name).join(", ")}): central keeps at most ${env.maxPendingPeerings} unaccepted requests (secrets-hub:maxPendingPeerings, AWS quota L-DC9F7029). Run the workloads of this round, then this stack again.`,
    );
  }
  const unaccepted = requested.filter((r) => !accepted.has(r.workload.name));
  if (unaccepted.length > 0) {
    await pulumi.log.warn(
      tgw
        ? unattachedWarning(
            env,
            unaccepted.map((r) => r.workload),
          )
        : `${unaccepted.map((r) => workloadStack(env, r.workload.name)).join(", ")}: peering requested, not accepted yet: their secrets and rotation follow once they have accepted it (run them, then this stack again; a request expires after 7 days).`,
    );
  }
  const central = env.central;
  const providers = accountProviders(env, central, "central");
  const opts: pulumi.ComponentResourceOptions = { providers: providerList(providers) };
  const tags = { ...env.tags };
  const protect = env.protectStatefulResources;
  const prefix = namePrefix(env.environment);
  const regions = replicaRegions(env);

  const network = accountNetwork(central, "central", tags, opts);

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
      endpointCidrs: network.privateSubnetCidrs,
      targets:
        summaryRotationTargets(env) ??
        requested.map((r) => ({
          cidr: r.workload.vpcCidr,
          port: r.peer.outputs.database.port,
        })),
      // A multi-user database's master secret rotates with the single-user function.
      applications: ready.flatMap((r) => [
        { engine: r.workload.database.engine, strategy: r.workload.database.rotationStrategy },
        ...(r.workload.database.rotationStrategy === "multi-user"
          ? [{ engine: r.workload.database.engine, strategy: "single-user" as const }]
          : []),
      ]),
      masterSecretArns: ready
        .filter((r) => r.workload.database.rotationStrategy === "multi-user")
        .map((r) =>
          secretArnPattern(env, masterSecretName(r.workload.database.secretName), central.region),
        ),
      applicationVersion: env.rotation.applicationVersion,
      kmsKeyArn: key.keyArn,
      replicaKeys: regions.map((region) => ({ region, keyArn: key.replicaKeyArns[region] })),
      tags,
    },
    opts,
  );

  const endpoint = await secretsEndpoint(central, network, "central-secretsmanager", {
    kind: "security-group",
    securityGroupId: rotation.securityGroupId,
    tags,
    opts,
    provider: providers.aws,
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

  const hub = tgw ? centralTransitGateway(env, network, tags, opts) : undefined;
  const peeringConnectionIds: Record<string, pulumi.Output<string>> = {};
  const secretArns: Record<string, pulumi.Output<string>> = {};
  const replicaSecretArns: Record<string, pulumi.Output<string>> = {};
  for (const { workload, peer } of requested) {
    // What the first rotation needs on central's side, besides the endpoint.
    let path: pulumi.Resource[];
    if (hub) {
      path = centralTransitGatewayMember(env, workload, peer, hub, network, opts);
      if (!accepted.has(workload.name)) continue;
    } else {
      const peering = new PeeringRequest(
        `${workload.name}-peering`,
        {
          vpcId: network.vpcId,
          peerVpcId: peer.outputs.vpcId,
          peerOwnerId: workload.accountId,
          peerRegion: workload.region,
          peerCidr: workload.vpcCidr,
          routeTableIds: network.privateRouteTableIds,
          tags: { ...tags, "secrets-hub:workload": workload.name },
        },
        opts,
      );
      peeringConnectionIds[workload.name] = peering.peeringConnectionId;
      if (!accepted.has(workload.name)) continue;
      path = peering.routes;
    }

    const database = peer.outputs.database;
    if (database.port !== databasePort(workload.database)) {
      await pulumi.log.warn(
        `${workload.name}: the database port exported (${database.port}) differs from the environment file`,
      );
    }
    const db = workload.database;
    const secretTags = { ...tags, ...workload.secret.tags, "secrets-hub:workload": workload.name };
    const common = {
      region: central.region,
      kmsKeyArn: key.keyArn,
      replicas: secretReplicaRegions(env, workload).map((region) => ({
        region,
        kmsKeyArn: key.replicaKeyArns[region],
      })),
      schedule: workload.secret.schedule ?? env.rotation.schedule,
      duration: workload.secret.duration ?? env.rotation.duration,
      protect,
      // The first rotation runs at once: it needs the Secrets Manager endpoint and both
      // sides of the path (the workload's accepter or attachment and its return routes are
      // in place: it exported acceptedPeeringConnectionId or transitGatewayAttachmentId),
      // and this side's routes (with a transit gateway, also the attachment's routing).
      rotationDependsOn: [...(endpoint ? [endpoint] : []), ...path],
      tags: secretTags,
    };
    let master: DatabaseSecret | undefined;
    if (db.rotationStrategy === "multi-user" && peer.databaseInitialPassword) {
      master = new DatabaseSecret(
        `${workload.name}-db-master`,
        {
          ...common,
          secretName: masterSecretName(db.secretName),
          description: `Admin credentials of ${database.dbInstanceIdentifier}; rotated by secrets-hub`,
          initialValue: secretDocument(database, peer.databaseInitialPassword),
          rotationLambdaArn: rotation.lambdaArnFor(db.engine, "single-user"),
        },
        opts,
      );
    }
    const secret = new DatabaseSecret(
      `${workload.name}-db`,
      {
        ...common,
        secretName: db.secretName,
        description: workload.secret.description,
        initialValue: initialValueOf(workload, peer, master),
        readerRoleArn: peer.outputs.applicationRoleArn,
        rotationLambdaArn: rotation.lambdaArnFor(db.engine, db.rotationStrategy),
        rotationAwaits: rotationAwaits(workload),
        // An existing database's value was put by the operator: rotate at once, as for ours.
        ...(db.existing ? { rotateImmediately: true } : {}),
      },
      opts,
    );
    secretArns[workload.name] = secret.arn;
    replicaSecretArns[workload.name] = secret.replicaArn;
  }

  analyzers(env, regions, (region) =>
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
    peeringConnectionIds: pulumi.output(peeringConnectionIds),
    secretArns: pulumi.output(secretArns),
    replicaSecretArns: pulumi.output(replicaSecretArns),
    ...(hub
      ? { transitGatewayId: hub.transitGatewayId, transitGatewayShareArn: hub.shareArn }
      : {}),
  };
}

/** Regions of a workload's secret replicas: the DR Region, and the workload's own if it is another. */
function secretReplicaRegions(env: Environment, workload: Workload): string[] {
  return [env.replicaRegion, workload.region].filter(
    (r, i, all) => r !== env.central.region && all.indexOf(r) === i,
  );
}

/**
 * The first value of a workload's (application) secret: the rotation JSON with the
 * password the workload stack generated; for multi-user, the application user's, naming
 * the master secret; none for an existing database (the operator puts it).
 */
function initialValueOf(
  workload: Workload,
  peer: WorkloadPeer,
  master: DatabaseSecret | undefined,
): pulumi.Output<string> | undefined {
  const database = peer.outputs.database;
  const db = workload.database;
  if (db.rotationStrategy === "multi-user") {
    if (!peer.applicationInitialPassword || !master || !db.applicationUsername) return undefined;
    return secretDocument(
      { ...database, username: db.applicationUsername },
      peer.applicationInitialPassword,
      master.arn,
    );
  }
  return peer.databaseInitialPassword
    ? secretDocument(database, peer.databaseInitialPassword)
    : undefined;
}

/** Why a workload's secret cannot rotate yet, if an operator must act first. */
function rotationAwaits(workload: Workload): string | undefined {
  const db = workload.database;
  if (db.existing && !db.existing.valuePut) return "first-value";
  if (db.rotationStrategy === "multi-user" && !db.applicationUserCreated) return "application-user";
  return undefined;
}

/**
 * IAM Access Analyzer, as configured. AWS allows one account analyzer per account and
 * Region (a hard limit): `create` makes one in the central Region and in each Region that
 * holds replicas (the DR Region has secrets too); use an existing one's ARN, or `none`,
 * where the account already has one, e.g. from a security-tooling baseline or a second
 * environment in the same central account.
 */
function analyzers(
  env: Environment,
  regions: string[],
  providerIn: (region: string) => awsNative.Provider,
): void {
  if (env.accessAnalyzer !== "create") return;
  const tags = Object.entries(env.tags).map(([k, v]) => ({ key: k, value: v }));
  for (const region of [env.central.region, ...regions]) {
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
