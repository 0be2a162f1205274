import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  ENGINE_SPECS,
  Engine,
  RotationStrategy,
  rotationFunctionNameFor,
  rotationShortName,
} from "../kernel/engines";
import { rotationApplicationArn } from "../kernel/partitions";
import { replicaKeyUsePolicy } from "./iamDocuments";
import { toJson } from "./policyJson";
import { QUOTAS } from "../policy-pack/lib/quotas";

/** A database the function must reach: where and on which port. */
export interface RotationTarget {
  /** CIDR of the database's VPC. */
  cidr: string;
  /** Database port. */
  port: number;
}

/** Arguments of {@link RotationFunction}. */
export interface RotationFunctionArgs {
  /** Prefix of the CloudFormation stack and function names, e.g. `secrets-hub-dev`. */
  namePrefix: string;
  /** Region of the functions; names the regional Secrets Manager endpoint they call. */
  region: string;
  /** VPC of the functions' security group. */
  vpcId: pulumi.Input<string>;
  /** Private subnets the function runs in. */
  subnetIds: pulumi.Input<string>[];
  /** CIDRs of the subnets holding the Secrets Manager endpoint (egress 443 only there). */
  endpointCidrs: string[];
  /** Databases to rotate: egress to each CIDR on its port only. */
  targets: RotationTarget[];
  /** One application is deployed per distinct engine/strategy pair listed here. */
  applications: { engine: Engine; strategy: RotationStrategy }[];
  /** Pinned `semanticVersion` of the applications. */
  applicationVersion: string;
  /** The CMK the secrets are encrypted with (the application grants its role this key). */
  kmsKeyArn: pulumi.Input<string>;
  /**
   * The replica keys of the secrets' replicas, by Region: the functions' roles get
   * GenerateDataKey/Encrypt/Decrypt on them through Secrets Manager of that Region, so that a
   * rotated value reaches every replica. Default: none.
   */
  replicaKeys?: { region: string; keyArn: pulumi.Input<string> }[];
  /**
   * Master secrets (multi-user rotation): the multi-user functions' roles may read them, to
   * log in as the admin user that creates the alternating application user. Default: none.
   */
  masterSecretArns?: pulumi.Input<string>[];
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
  /**
   * Outbound rules one security group may hold (AWS quota L-0EA8095F). The rules are spread
   * over as many groups as they need, every group attached to the functions: the first
   * holds the endpoint rules and the first database rules, each further group the next
   * ones. Default: AWS's default, 60.
   */
  rulesPerSecurityGroup?: number;
}

/**
 * The rotation functions: the AWS rotation applications deployed from the Serverless
 * Application Repository into the central private subnets, with one security group that
 * allows only HTTPS to the Secrets Manager endpoint subnets and the database port to each
 * workload CIDR. No internet egress: the endpoint's private DNS carries the API calls.
 *
 * Beyond `rulesPerSecurityGroup` rules the database rules continue in further groups
 * (`<name>-sg-2`, `<name>-sg-3`, …), so that the rule quota is not raised but spread: a
 * function's interfaces take 5 groups by default (L-2AFB9258), 5 × 60 rules. The first
 * group keeps its name and every rule its own, whichever group holds it.
 */
export class RotationFunction extends pulumi.ComponentResource {
  /**
   * The first security group, which every function's interface carries: the Secrets
   * Manager endpoint admits HTTPS from it (the further groups hold database rules only).
   */
  public readonly securityGroupId: pulumi.Output<string>;
  /** Every security group of the functions, the first one first. */
  public readonly securityGroupIds: pulumi.Output<string>[];
  /** Names of the deployed rotation functions (one per engine/strategy pair). */
  public readonly functionNames: string[] = [];
  private readonly componentName: string;
  /** `RotationLambdaARN` of each deployed application. */
  private readonly lambdaArns: Partial<
    Record<Engine, Partial<Record<RotationStrategy, pulumi.Output<string>>>>
  > = {};

  constructor(name: string, args: RotationFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:central:RotationFunction", name, {}, opts);
    this.componentName = name;
    if (!/^\d+\.\d+\.\d+$/.test(args.applicationVersion)) {
      throw new Error(
        `RotationFunction ${name}: applicationVersion must be pinned (x.y.z), got '${args.applicationVersion}'`,
      );
    }
    if (args.endpointCidrs.length === 0)
      throw new Error(`RotationFunction ${name}: endpointCidrs must not be empty`);

    const perGroup = args.rulesPerSecurityGroup ?? QUOTAS.rulesPerSecurityGroup.defaultValue;
    if (!Number.isInteger(perGroup) || perGroup <= args.endpointCidrs.length) {
      throw new Error(
        `RotationFunction ${name}: rulesPerSecurityGroup must be an integer above the ${args.endpointCidrs.length} endpoint rules of the first group, got ${perGroup}`,
      );
    }
    const databaseTargets = [
      ...new Map(args.targets.map((t) => [`${t.cidr}:${t.port}`, t])).values(),
    ];
    // File order: an environment that grows only appends rules to the last group.
    const chunks: RotationTarget[][] = [[]];
    for (const target of databaseTargets) {
      const room = chunks.length === 1 ? perGroup - args.endpointCidrs.length : perGroup;
      if (chunks[chunks.length - 1].length >= room) chunks.push([]);
      chunks[chunks.length - 1].push(target);
    }

    const groups = chunks.map((_, i) => {
      // The first group keeps the name (and description: changing it replaces the group) it
      // always had.
      const groupName = i === 0 ? `${name}-sg` : `${name}-sg-${i + 1}`;
      return new aws.ec2.SecurityGroup(
        groupName,
        {
          vpcId: args.vpcId,
          description:
            i === 0
              ? "Rotation functions: HTTPS to the Secrets Manager endpoint, database ports to the workloads"
              : `Rotation functions: database ports to the workloads (group ${i + 1})`,
          revokeRulesOnDelete: true,
          tags: { ...args.tags, Name: groupName },
        },
        { parent: this },
      );
    });
    args.endpointCidrs.forEach(
      (cidr, i) =>
        new aws.vpc.SecurityGroupEgressRule(
          `${name}-https-to-endpoint-${i}`,
          {
            securityGroupId: groups[0].id,
            cidrIpv4: cidr,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            description: "HTTPS to the Secrets Manager endpoint",
          },
          { parent: this },
        ),
    );
    chunks.forEach((chunk, i) => {
      for (const target of chunk) {
        new aws.vpc.SecurityGroupEgressRule(
          `${name}-db-${target.cidr.replace(/[./]/g, "-")}-${target.port}`,
          {
            securityGroupId: groups[i].id,
            cidrIpv4: target.cidr,
            ipProtocol: "tcp",
            fromPort: target.port,
            toPort: target.port,
            description: `Database port to ${target.cidr}`,
          },
          { parent: this },
        );
      }
    });
    this.securityGroupIds = groups.map((g) => g.id);

    const subnetList = pulumi.output(args.subnetIds).apply((ids) => ids.join(","));
    for (const { engine, strategy } of args.applications) {
      if (this.lambdaArns[engine]?.[strategy]) continue;
      const short = rotationShortName(engine, strategy);
      const stackName = rotationFunctionNameFor(args.namePrefix, engine, strategy);
      const app = new aws.serverlessrepository.CloudFormationStack(
        `${name}-${short}`,
        {
          name: stackName,
          // The commercial partition's publisher, whatever the Region, as before the kernel
          // existed (kernel/partitions.ts has each partition's; reading the Region's partition
          // here would change the plan of aws-cn and aws-us-gov environments).
          applicationId: rotationApplicationArn(
            "aws",
            ENGINE_SPECS[engine].rotationApplications[strategy].name,
          ),
          semanticVersion: args.applicationVersion,
          capabilities: ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"],
          parameters: {
            functionName: stackName,
            endpoint: `https://secretsmanager.${args.region}.amazonaws.com`,
            kmsKeyArn: args.kmsKeyArn,
            vpcSubnetIds: subnetList,
            vpcSecurityGroupIds: pulumi.all(this.securityGroupIds).apply((ids) => ids.join(",")),
          },
          tags: args.tags,
        },
        { parent: this },
      );
      const lambdaArn = app.outputs.apply((o) => {
        const arn = o["RotationLambdaARN"];
        if (!arn)
          throw new Error(
            `${stackName}: the rotation application did not output RotationLambdaARN`,
          );
        return arn;
      });
      (this.lambdaArns[engine] ??= {})[strategy] = lambdaArn;
      this.functionNames.push(stackName);

      // The application outputs only the function's ARN; its role (named by CloudFormation)
      // is read from the function. The key policies delegate to IAM in this account.
      const fn = aws.lambda.getFunctionOutput({ functionName: lambdaArn }, { parent: this });
      const roleName = fn.role.apply((roleArn) => roleArn.split("/").pop() ?? roleArn);
      const masters = args.masterSecretArns ?? [];
      if (strategy === "multi-user" && masters.length > 0) {
        new aws.iam.RolePolicy(
          `${name}-${short}-master-secrets`,
          {
            role: roleName,
            name: "secrets-hub-master-secrets",
            policy: toJson({
              Version: "2012-10-17",
              Statement: [
                {
                  Sid: "ReadMasterSecrets",
                  Effect: "Allow",
                  Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                  Resource: masters,
                },
              ],
            }),
          },
          { parent: this },
        );
      }
      if (args.replicaKeys && args.replicaKeys.length > 0) {
        const keys = args.replicaKeys;
        new aws.iam.RolePolicy(
          `${name}-${short}-replica-keys`,
          {
            role: roleName,
            name: "secrets-hub-replica-keys",
            policy: toJson(
              pulumi
                .all(keys.map((k) => k.keyArn))
                .apply((arns) =>
                  replicaKeyUsePolicy(keys.map((k, i) => ({ region: k.region, keyArn: arns[i] }))),
                ),
            ),
          },
          { parent: this },
        );
      }
    }
    this.securityGroupId = groups[0].id;
    this.registerOutputs({
      securityGroupId: this.securityGroupId,
      securityGroupIds: this.securityGroupIds,
    });
  }

  /**
   * `RotationLambdaARN` of the application for `engine` and `strategy`. Throws when that
   * pair was not among `applications`: a secret must not be rotated by another engine's function.
   */
  public lambdaArnFor(engine: Engine, strategy: RotationStrategy): pulumi.Output<string> {
    const arn = this.lambdaArns[engine]?.[strategy];
    if (!arn) {
      throw new Error(
        `RotationFunction ${this.componentName}: no rotation application for engine ${engine} and strategy ${strategy}; add it to applications`,
      );
    }
    return arn;
  }
}
