/**
 * A deterministic stand-in for AWS behind Pulumi's mocks: ids and ARNs shaped as AWS
 * shapes them (`vpc-…`, `pcx-…`, `arn:<partition>:kms:<region>:<account>:key/…`, in the
 * partition of the Region), derived from the stack, type and name so that a second run of
 * the same program yields the same values (the fixed-point check of the offline plan
 * relies on it).
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { arnPrefix, serviceEndpoint } from "../../kernel/partitions";
import {
  applicationStackDiffView,
  applicationStackReadBack,
} from "../../components/rotationApplications";
import { ENGINE_SPECS } from "../../kernel/engines";
import { PARTITION_SPECS, partitionOf } from "../../kernel/partitions";
import type { Environment } from "../config";

/** Account and region a provider places its resources in. */
export interface Placement {
  accountId: string;
  region: string;
}

/** Outputs of one stack as a stack reference returns them. */
export interface StackOutputs {
  outputs: Record<string, unknown>;
  secretOutputNames: string[];
}

export function hex(seed: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) {
    out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
  }
  return out.slice(0, length);
}

const PREFIXED_IDS: Record<string, string> = {
  "aws:ec2/vpc:Vpc": "vpc",
  "aws:ec2/subnet:Subnet": "subnet",
  "aws:ec2/routeTable:RouteTable": "rtb",
  "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
  "aws:ec2/securityGroup:SecurityGroup": "sg",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
  "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": "pcx",
  "aws:ec2/route:Route": "r",
  "aws:ec2transitgateway/transitGateway:TransitGateway": "tgw",
  "aws:ec2transitgateway/vpcAttachment:VpcAttachment": "tgw-attach",
  "aws:ec2transitgateway/routeTable:RouteTable": "tgw-rtb",
};

/**
 * Computes the id and the provider-computed state of a new resource. In preview mode
 * nothing computed is known yet, as in a first `pulumi preview`: only the inputs come back.
 */
export function mockResource(
  args: pulumi.runtime.MockResourceArgs,
  place: Placement,
  stack: string,
  preview: boolean,
): { id: string | undefined; state: Record<string, unknown> } {
  const inputs = args.inputs as Record<string, unknown>;
  if (preview) return { id: undefined, state: { ...inputs } };

  const seed = `${stack}/${args.type}/${args.name}`;
  const region = typeof inputs.region === "string" ? inputs.region : place.region;
  const account = place.accountId;
  const prefix = PREFIXED_IDS[args.type];
  const state: Record<string, unknown> = { ...inputs, region };
  let id = prefix ? `${prefix}-${hex(seed, 17)}` : `${args.name}-${hex(seed, 8)}`;

  switch (args.type) {
    case "aws:ec2/vpc:Vpc":
      state.arn = `${arnPrefix(region)}:ec2:${region}:${account}:vpc/${id}`;
      state.ownerId = account;
      break;
    case "aws:ec2/subnet:Subnet":
    case "aws:ec2/securityGroup:SecurityGroup":
    case "aws:ec2/routeTable:RouteTable":
    case "aws:ec2/vpcEndpoint:VpcEndpoint": {
      const kind = {
        "aws:ec2/subnet:Subnet": "subnet",
        "aws:ec2/securityGroup:SecurityGroup": "security-group",
        "aws:ec2/routeTable:RouteTable": "route-table",
        "aws:ec2/vpcEndpoint:VpcEndpoint": "vpc-endpoint",
      }[args.type];
      state.arn = `${arnPrefix(region)}:ec2:${region}:${account}:${kind}/${id}`;
      state.ownerId = account;
      break;
    }
    case "aws:ec2/vpcPeeringConnection:VpcPeeringConnection":
      state.accountId = account;
      state.acceptStatus = "pending-acceptance";
      break;
    case "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter":
      id = String(inputs.vpcPeeringConnectionId);
      state.acceptStatus = "active";
      state.peerOwnerId = account;
      break;
    case "aws:ec2transitgateway/transitGateway:TransitGateway":
      state.arn = `${arnPrefix(region)}:ec2:${region}:${account}:transit-gateway/${id}`;
      state.ownerId = account;
      state.amazonSideAsn = inputs.amazonSideAsn ?? 64512;
      break;
    case "aws:ec2transitgateway/routeTable:RouteTable":
      state.arn = `${arnPrefix(region)}:ec2:${region}:${account}:transit-gateway-route-table/${id}`;
      break;
    case "aws:ec2transitgateway/vpcAttachment:VpcAttachment":
      state.vpcOwnerId = account;
      break;
    case "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation":
    case "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation":
      // The provider's id: <route table id>_<attachment id>.
      id = `${String(inputs.transitGatewayRouteTableId)}_${String(inputs.transitGatewayAttachmentId)}`;
      state.resourceType = "vpc";
      break;
    case "aws:ram/resourceShare:ResourceShare":
      id = `${arnPrefix(region)}:ram:${region}:${account}:resource-share/${hex(seed, 8)}-${hex(seed + "a", 4)}-${hex(seed + "b", 4)}-${hex(seed + "c", 4)}-${hex(seed + "d", 12)}`;
      state.arn = id;
      break;
    case "aws:ram/resourceAssociation:ResourceAssociation":
      id = `${String(inputs.resourceShareArn)},${String(inputs.resourceArn)}`;
      break;
    case "aws:ram/principalAssociation:PrincipalAssociation":
      id = `${String(inputs.resourceShareArn)},${String(inputs.principal)}`;
      break;
    case "aws:ram/resourceShareAccepter:ResourceShareAccepter":
      id = String(inputs.shareArn);
      state.status = "ACCEPTED";
      state.receiverAccountId = account;
      break;
    case "aws:kms/key:Key": {
      id = `${inputs.multiRegion ? "mrk-" : ""}${hex(seed, 32)}`;
      state.keyId = id;
      state.arn = `${arnPrefix(region)}:kms:${region}:${account}:key/${id}`;
      break;
    }
    case "aws:kms/replicaKey:ReplicaKey": {
      id = String(inputs.primaryKeyArn).split("/").pop() ?? id;
      state.keyId = id;
      state.arn = `${arnPrefix(region)}:kms:${region}:${account}:key/${id}`;
      break;
    }
    case "aws:kms/alias:Alias":
      id = String(inputs.name);
      state.arn = `${arnPrefix(region)}:kms:${region}:${account}:${id}`;
      state.targetKeyArn = inputs.targetKeyId;
      break;
    case "aws:secretsmanager/secret:Secret": {
      id = `${arnPrefix(region)}:secretsmanager:${region}:${account}:secret:${String(inputs.name)}-${hex(seed, 6)}`;
      state.arn = id;
      break;
    }
    case "aws:secretsmanager/secretVersion:SecretVersion":
      state.versionId = `${hex(seed, 8)}-${hex(seed + "v", 4)}-${hex(seed + "w", 4)}-${hex(seed + "x", 4)}-${hex(seed + "y", 12)}`;
      id = `${String(inputs.secretId)}|${state.versionId as string}`;
      state.arn = inputs.secretId;
      break;
    case "aws:secretsmanager/secretPolicy:SecretPolicy":
    case "aws:secretsmanager/secretRotation:SecretRotation":
      id = String(inputs.secretId);
      state.rotationEnabled = args.type.endsWith("SecretRotation") ? true : undefined;
      break;
    case "aws:serverlessrepository/cloudFormationStack:CloudFormationStack": {
      const parameters = (inputs.parameters ?? {}) as Record<string, string>;
      Object.assign(state, readBack(args.type, inputs));
      id = `${arnPrefix(region)}:cloudformation:${region}:${account}:stack/serverlessrepo-${String(inputs.name)}/${hex(seed, 8)}`;
      state.outputs = {
        RotationLambdaARN: `${arnPrefix(region)}:lambda:${region}:${account}:function:${parameters.functionName}`,
      };
      break;
    }
    case "aws:iam/role:Role":
    case "aws:iam/instanceProfile:InstanceProfile": {
      const name = String(inputs.name ?? `${args.name}-${hex(seed, 7)}`);
      id = name;
      state.name = name;
      state.arn = `${arnPrefix(region)}:iam::${account}:${args.type.endsWith("Role") ? "role" : "instance-profile"}/${name}`;
      state.uniqueId = `AROA${hex(seed, 17).toUpperCase()}`;
      break;
    }
    case "aws:iam/rolePolicy:RolePolicy":
      id = `${String(inputs.role)}:${String(inputs.name ?? args.name)}`;
      break;
    case "aws:rds/subnetGroup:SubnetGroup":
      id = String(inputs.name ?? `${args.name}-${hex(seed, 7)}`);
      state.name = id;
      state.arn = `${arnPrefix(region)}:rds:${region}:${account}:subgrp:${id}`;
      break;
    case "aws:rds/instance:Instance": {
      const identifier = String(inputs.identifier ?? `${args.name}-${hex(seed, 7)}`);
      id = `db-${hex(seed, 26).toUpperCase()}`;
      state.identifier = identifier;
      state.resourceId = id;
      state.address = `${identifier}.${hex(seed + "dns", 12)}.${serviceEndpoint("rds", region)}`;
      state.endpoint = `${state.address as string}:${String(inputs.port)}`;
      state.arn = `${arnPrefix(region)}:rds:${region}:${account}:db:${identifier}`;
      break;
    }
    case "aws:rds/cluster:Cluster": {
      // The provider's id is the cluster identifier; the endpoints are
      // <id>.cluster-<hash>.<region>.rds.<suffix> and <id>.cluster-ro-<hash>…, the hash
      // being the account's and Region's (one per account and Region, as RDS has it).
      const identifier = String(inputs.clusterIdentifier ?? `${args.name}-${hex(seed, 7)}`);
      const partition = partitionOf(region);
      const dns = `${hex(`${account}/${region}/rds`, 12)}.${region}.rds.${PARTITION_SPECS[partition].dnsSuffix}`;
      id = identifier;
      state.clusterIdentifier = identifier;
      state.clusterResourceId = `cluster-${hex(seed, 26).toUpperCase()}`;
      state.endpoint = `${identifier}.cluster-${dns}`;
      state.readerEndpoint = `${identifier}.cluster-ro-${dns}`;
      state.port =
        inputs.port ??
        (ENGINE_SPECS as Record<string, { defaultPort: number }>)[String(inputs.engine)]
          ?.defaultPort;
      state.arn = `arn:${partition}:rds:${region}:${account}:cluster:${identifier}`;
      state.engineVersionActual = inputs.engineVersion;
      break;
    }
    case "aws:rds/clusterInstance:ClusterInstance": {
      const identifier = String(inputs.identifier ?? `${args.name}-${hex(seed, 7)}`);
      const partition = partitionOf(region);
      id = identifier;
      state.identifier = identifier;
      state.dbiResourceId = `db-${hex(seed, 26).toUpperCase()}`;
      state.endpoint = `${identifier}.${hex(`${account}/${region}/rds`, 12)}.${region}.rds.${PARTITION_SPECS[partition].dnsSuffix}`;
      state.arn = `arn:${partition}:rds:${region}:${account}:db:${identifier}`;
      state.publiclyAccessible = inputs.publiclyAccessible ?? false;
      break;
    }
    case "random:index/randomPassword:RandomPassword": {
      id = "none";
      const length = Number(inputs.length ?? 32);
      state.result = Buffer.from(hex(seed, length * 2), "hex")
        .toString("base64")
        .replace(/[^A-Za-z0-9]/g, "x")
        .slice(0, length);
      break;
    }
    case "aws:sns/topic:Topic":
      id = `${arnPrefix(region)}:sns:${region}:${account}:${String(inputs.name ?? args.name)}`;
      state.arn = id;
      break;
    case "aws:sns/topicSubscription:TopicSubscription":
      id = `${String(inputs.topic)}:${hex(seed, 8)}-${hex(seed + "s", 4)}`;
      state.arn = id;
      break;
    case "aws:cloudwatch/eventRule:EventRule":
      id = String(inputs.name ?? args.name);
      state.arn = `${arnPrefix(region)}:events:${region}:${account}:rule/${id}`;
      break;
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      id = String(inputs.name ?? args.name);
      state.arn = `${arnPrefix(region)}:cloudwatch:${region}:${account}:alarm:${id}`;
      break;
    // The application-user setup (components/applicationUser.ts). The provider reads a log
    // group's ARN back with a trailing `:*`.
    case "aws:cloudwatch/logGroup:LogGroup":
      id = String(inputs.name ?? args.name);
      state.arn = `arn:aws:logs:${region}:${account}:log-group:${id}:*`;
      break;
    case "aws:lambda/function:Function":
      id = String(inputs.name ?? args.name);
      state.arn = `arn:aws:lambda:${region}:${account}:function:${id}`;
      break;
    case "aws:lambda/invocation:Invocation":
      id = `${String(inputs.functionName)}_$LATEST_${hex(seed, 32)}`;
      state.result = JSON.stringify({ created: true });
      break;
    case "aws-native:accessanalyzer:Analyzer":
      state.arn = `${arnPrefix(region)}:access-analyzer:${region}:${account}:analyzer/${String(inputs.analyzerName ?? args.name)}`;
      id = state.arn as string;
      break;
    default:
      break;
  }
  if (args.type.startsWith("pulumi:providers:"))
    id = `${hex(seed, 8)}-${hex(seed + "p", 4)}-provider`;
  return { id, state };
}

/**
 * The state the provider reads back after creating or updating a resource with `inputs`,
 * where it differs from them; a later `up` diffs its new inputs against this state (see
 * {@link diffView}), so an input that does not read back as given is a change on every
 * re-run. Modelled for the rotation applications' stacks, whose read-back drops parameters
 * equal to their defaults (components/rotationApplications.ts); other types read back
 * their inputs.
 */
export function readBack(
  type: string,
  inputs: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return type === SAR_STACK ? applicationStackReadBack(inputs) : { ...inputs };
}

/** `inputs` as the provider's diff compares them with {@link readBack}'s state (sets unordered). */
export function diffView(
  type: string,
  inputs: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return type === SAR_STACK ? applicationStackDiffView(inputs) : { ...inputs };
}

const SAR_STACK = "aws:serverlessrepository/cloudFormationStack:CloudFormationStack";

/** An existing VPC the environment file names, as the mock world holds it. */
export interface WorldVpc {
  region: string;
  vpcId: string;
  cidr: string;
  subnets: { id: string; cidr: string; zone: string | undefined }[];
  endpointId?: string;
  /** The endpoint's subnets when not the VPC's listed ones (a test's world). */
  endpointSubnetIds?: string[];
  /** DNS support and hostnames; both on unless a test's world says otherwise. */
  dns?: { support: boolean; hostnames: boolean };
}

/**
 * What exists before the program runs, as the environment file describes it: each adopted
 * VPC (its CIDR, DNS support and hostnames on, its subnets in the file's zones) and its
 * Secrets Manager endpoint (in that VPC's subnets, with one security group of its own). The
 * reads of these answer from here, so any id a user writes plans; what a real account
 * answers is checked by the program alike (src/stacks/network.ts).
 */
export interface MockWorld {
  vpcs: readonly WorldVpc[];
}

/** The mock world of an environment: its accounts' `existingVpc` entries. */
export function mockWorldOf(env: Environment): MockWorld {
  return {
    vpcs: [env.central, ...env.workloads].flatMap((account) => {
      const existing = account.existingVpc;
      if (!existing) return [];
      return [
        {
          region: account.region,
          vpcId: existing.vpcId,
          cidr: account.vpcCidr,
          subnets: existing.subnets.map((subnet, i) => ({
            id: subnet.id,
            cidr: subnet.cidr,
            zone: account.availabilityZones[i],
          })),
          endpointId: existing.secretsManagerEndpointId,
        },
      ];
    }),
  };
}

/**
 * The error the provider gives for a lookup that finds nothing
 * (tfresource.SingularDataSourceFindError), with the message in `details`, where the
 * SDK's invoke takes a gRPC error's text from.
 */
function notFound(what: string, id: string): Error {
  const message = `reading ${what} (${id}): no matching ${what} found`;
  return Object.assign(new Error(message), { details: message });
}

/**
 * Answers the reads (invokes) the programs make. Each answer is what AWS would return for
 * what the programs created: the rotation application's function reports the execution
 * role CloudFormation made for it (named from the stack name, truncated as CloudFormation
 * truncates) and the runtime of the pinned application; for what exists already, what
 * `world` holds.
 */
export function mockInvoke(
  args: pulumi.runtime.MockCallArgs,
  place: Placement,
  world: MockWorld = { vpcs: [] },
): Record<string, unknown> {
  const inputs = args.inputs as Record<string, unknown>;
  switch (args.token) {
    case "aws:lambda/getFunction:getFunction": {
      const arn = String(inputs.functionName);
      const functionName = arn.split(":").pop() ?? arn;
      const region = typeof inputs.region === "string" ? inputs.region : place.region;
      const account = /^arn:aws[a-z-]*:lambda:[^:]+:(\d{12}):/.exec(arn)?.[1] ?? place.accountId;
      // CloudFormation names a role <stack name, truncated>-<logical id>-<random>, at most 64.
      const role = `${`serverlessrepo-${functionName}`.slice(0, 30)}-LambdaRole-${hex(arn, 12).toUpperCase()}`;
      return {
        arn: `${arnPrefix(region)}:lambda:${region}:${account}:function:${functionName}`,
        functionName,
        role: `${arnPrefix(region)}:iam::${account}:role/${role}`,
        runtime: "python3.12",
      };
    }
    case "aws:ec2/getVpcEndpoint:getVpcEndpoint": {
      const id = String(inputs.id);
      const vpc = world.vpcs.find((v) => v.endpointId === id);
      if (!vpc) throw notFound("EC2 VPC Endpoint", id);
      return {
        id,
        serviceName: `com.amazonaws.${vpc.region}.secretsmanager`,
        vpcId: vpc.vpcId,
        privateDnsEnabled: true,
        state: "available",
        vpcEndpointType: "Interface",
        subnetIds: vpc.endpointSubnetIds ?? vpc.subnets.map((s) => s.id),
        securityGroupIds: [`sg-${hex(id, 17)}`],
        dnsOptions: [{ dnsRecordIpType: "ipv4" }],
      };
    }
    case "aws:ec2/getSubnet:getSubnet": {
      const id = String(inputs.id);
      for (const vpc of world.vpcs) {
        const subnet = vpc.subnets.find((s) => s.id === id);
        if (subnet)
          return { id, vpcId: vpc.vpcId, cidrBlock: subnet.cidr, availabilityZone: subnet.zone };
      }
      throw notFound("EC2 Subnet", id);
    }
    case "aws:ec2/getVpc:getVpc": {
      const id = String(inputs.id);
      const vpc = world.vpcs.find((v) => v.vpcId === id);
      if (!vpc) throw notFound("EC2 VPC", id);
      return {
        id,
        cidrBlock: vpc.cidr,
        cidrBlockAssociations: [
          {
            associationId: `vpc-cidr-assoc-${hex(id, 17)}`,
            cidrBlock: vpc.cidr,
            state: "associated",
          },
        ],
        enableDnsSupport: vpc.dns?.support ?? true,
        enableDnsHostnames: vpc.dns?.hostnames ?? true,
        ownerId: place.accountId,
        state: "available",
      };
    }
    default:
      throw new Error(
        `unexpected invoke ${args.token}: the programs take every fact from the environment file`,
      );
  }
}
