/**
 * The program of the central security account stack (`<env>-central`): network, CMK and
 * replica key, one replicated secret per ready workload with its resource policy and
 * rotation schedule, the Secrets Manager endpoint, the rotation functions, one peering
 * request per workload VPC with its routes, and IAM Access Analyzer.
 *
 * A workload that has not exported its outputs yet is skipped with a warning; running the
 * stack again after phase 1 adds it.
 */
import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { DatabaseSecret } from "../../components/databaseSecret";
import { Network } from "../../components/network";
import { PeeringRequest } from "../../components/peeringRequest";
import { RotationFunction, rotationRoleArnPattern } from "../../components/rotationFunction";
import { SecretsEndpoint } from "../../components/secretsEndpoint";
import { SecretsKey } from "../../components/secretsKey";
import { databasePort } from "../../components/engines";
import type { Environment, Workload } from "../config";
import type { CentralOutputs, DatabaseEndpoint } from "../contract";
import { WorkloadPeer, readWorkloadStack } from "../peers";
import { accountProviders, providerList } from "../providers";
import { workloadStack } from "../topology";

/** The JSON the AWS rotation functions read (and write back on every rotation). */
export function secretDocument(
  database: DatabaseEndpoint,
  password: pulumi.Output<string>,
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
    }),
  );
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
    const out = reading.outputs.outputs;
    if (
      out.accountId !== workload.accountId ||
      out.vpcCidr !== workload.vpcCidr ||
      out.region !== workload.region
    ) {
      throw new Error(
        `${stack} exports account ${out.accountId}, region ${out.region}, CIDR ${out.vpcCidr}, but secrets-hub:workloads says ${workload.accountId}, ${workload.region}, ${workload.vpcCidr}: refusing to grant or peer with a mismatched stack`,
      );
    }
    if (!workload.database.existing && !reading.outputs.databaseInitialPassword) {
      throw new Error(`${stack} creates its database but exports no databaseInitialPassword`);
    }
    ready.push({ workload, peer: reading.outputs });
  }
  return ready;
}

export async function centralProgram(env: Environment): Promise<CentralOutputs> {
  const ready = await readyWorkloads(env);
  const central = env.central;
  const providers = accountProviders(env, central, "central");
  const opts: pulumi.ComponentResourceOptions = { providers: providerList(providers) };
  const tags = { ...env.tags };
  const protect = env.protectStatefulResources;
  const namePrefix = `secrets-hub-${env.environment}`;

  const network = new Network(
    "central",
    {
      cidrBlock: central.vpcCidr,
      availabilityZones: central.availabilityZones,
      subnetPrefixLength: central.subnetPrefixLength,
      tags,
    },
    opts,
  );

  const key = new SecretsKey(
    "secrets",
    {
      accountId: central.accountId,
      region: central.region,
      replicaRegion: env.replicaRegion,
      aliasName: `${namePrefix}-secrets`,
      deletionWindowInDays: env.key.deletionWindowInDays,
      rotationPeriodInDays: env.key.rotationPeriodInDays,
      readerRoleArns: ready.map((r) => r.peer.outputs.applicationRoleArn),
      rotationRoleArnPattern: rotationRoleArnPattern(central.accountId, namePrefix),
      protect,
      tags,
    },
    opts,
  );

  const rotation = new RotationFunction(
    "rotation",
    {
      namePrefix,
      region: central.region,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      endpointCidrs: network.privateSubnetCidrs,
      targets: ready.map((r) => ({ cidr: r.workload.vpcCidr, port: r.peer.outputs.database.port })),
      applications: ready.map((r) => ({
        engine: r.workload.database.engine,
        strategy: r.workload.database.rotationStrategy,
      })),
      applicationVersion: env.rotation.applicationVersion,
      kmsKeyArn: key.keyArn,
      tags,
    },
    opts,
  );

  const endpoint = new SecretsEndpoint(
    "central-secretsmanager",
    {
      vpcId: network.vpcId,
      region: central.region,
      subnetIds: network.privateSubnetIds,
      allowedSecurityGroupId: rotation.securityGroupId,
      tags,
    },
    opts,
  );

  const peeringConnectionIds: Record<string, pulumi.Output<string>> = {};
  const secretArns: Record<string, pulumi.Output<string>> = {};
  const replicaSecretArns: Record<string, pulumi.Output<string>> = {};
  for (const { workload, peer } of ready) {
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
    const database = peer.outputs.database;
    if (database.port !== databasePort(workload.database)) {
      await pulumi.log.warn(
        `${workload.name}: the database port exported (${database.port}) differs from the environment file`,
      );
    }
    const secret = new DatabaseSecret(
      `${workload.name}-db`,
      {
        secretName: workload.database.secretName,
        region: central.region,
        kmsKeyArn: key.keyArn,
        replica: { region: env.replicaRegion, kmsKeyArn: key.replicaKeyArn },
        initialValue: peer.databaseInitialPassword
          ? secretDocument(database, peer.databaseInitialPassword)
          : undefined,
        readerRoleArn: peer.outputs.applicationRoleArn,
        rotationLambdaArn: rotation.lambdaArnFor(
          workload.database.engine,
          workload.database.rotationStrategy,
        ),
        schedule: env.rotation.schedule,
        duration: env.rotation.duration,
        protect,
        // The first rotation reaches Secrets Manager through the endpoint and the database
        // through the peering routes (the accepter side follows in phase 3; the schedule retries).
        rotationDependsOn: [endpoint, ...peering.routes],
        tags: { ...tags, "secrets-hub:workload": workload.name },
      },
      opts,
    );
    peeringConnectionIds[workload.name] = peering.peeringConnectionId;
    secretArns[workload.name] = secret.arn;
    replicaSecretArns[workload.name] = secret.replicaArn;
  }

  new awsNative.accessanalyzer.Analyzer(
    "access-analyzer",
    {
      analyzerName: `${namePrefix}-account`,
      type: "ACCOUNT",
      tags: Object.entries(tags).map(([k, v]) => ({ key: k, value: v })),
    },
    { provider: providers.awsNative },
  );

  return {
    accountId: central.accountId,
    region: central.region,
    vpcId: network.vpcId,
    vpcCidr: central.vpcCidr,
    rotationSubnetCidrs: network.privateSubnetCidrs,
    kmsKeyArn: key.keyArn,
    replicaKmsKeyArn: key.replicaKeyArn,
    peeringConnectionIds: pulumi.output(peeringConnectionIds),
    secretArns: pulumi.output(secretArns),
    replicaSecretArns: pulumi.output(replicaSecretArns),
  };
}
