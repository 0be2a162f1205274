import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  ENGINE_SPECS,
  Engine,
  EngineFamily,
  RotationStrategy,
  rotationFunctionNameFor,
  rotationShortName,
} from "../kernel/engines";
import { partitionOf, rotationApplicationArn, serviceEndpoint } from "../kernel/partitions";
import { PolicyDocument, replicaKeyUsePolicy } from "./iamDocuments";
import { APPLICATION_CAPABILITIES, shapeApplicationParameters } from "./rotationApplications";
import { toJson } from "./policyJson";
import { QUOTAS } from "../policy-pack/lib/quotas";

/** A database the function must reach: where and on which port. */
export interface RotationTarget {
  /** CIDR of the database's VPC. */
  cidr: string;
  /** Database port. */
  port: number;
}

/** One rotation application to deploy. */
export interface RotationApplication {
  engine: Engine;
  strategy: RotationStrategy;
  /**
   * Multi-user only, and required there: the master secret (its ARN or an ARN pattern that
   * matches it alone, `…:secret:<name>-??????`) whose admin credentials this application's
   * function logs in with. One multi-user application is deployed per master.
   */
  masterSecretArn?: string;
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
  /**
   * One application is deployed per distinct single-user engine family, and per distinct
   * family and master secret for multi-user (listing one twice deploys it once; an Aurora
   * engine and its RDS family share one).
   */
  applications: RotationApplication[];
  /**
   * Pinned `semanticVersion` of the applications in the commercial partition; in aws-cn and
   * aws-us-gov the kernel's pin of that partition is deployed instead (it must then be the
   * kernel's commercial pin).
   */
  applicationVersion: string;
  /** The CMK the secrets (and their master secrets) are encrypted with. */
  kmsKeyArn: pulumi.Input<string>;
  /**
   * The replica keys of the secrets' replicas, by Region: the functions' roles get
   * GenerateDataKey/Encrypt/Decrypt on them through Secrets Manager of that Region, so that a
   * rotated value reaches every replica. Default: none.
   */
  replicaKeys?: { region: string; keyArn: pulumi.Input<string> }[];
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
 * IAM's limit on the aggregate size of a role's inline policies, in characters without
 * whitespace (IAM User Guide, "IAM and AWS STS quotas": role policy size, 10,240); the
 * pack's `policy-size-limits` holds each inline policy to it as well.
 */
export const ROLE_INLINE_POLICIES_MAX_CHARS = QUOTAS.roleInlinePoliciesSize.maximum;

/**
 * Room left on the function's role for the inline policies its own template embeds (SAM's
 * AWSSecretsManagerRotationPolicy, the key statement for kmsKeyArn, the master secret's
 * read). An allowance, not a measurement: those policies, as SAM expands them, take well
 * under 2,000 characters (estimated from the policy templates, not read from a deployed
 * role; `aws iam list-role-policies` / `get-role-policy` on a function's role shows the real
 * size); 3,072 leaves a margin for AWS growing them.
 */
export const TEMPLATE_INLINE_POLICIES_ALLOWANCE = 3072;

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
  /** Names of the deployed rotation functions (one per application). */
  public readonly functionNames: string[] = [];
  private readonly componentName: string;
  /** Each deployed application, by {@link applicationKey}. */
  private readonly deployed = new Map<string, DeployedApplication>();

  constructor(name: string, args: RotationFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:central:RotationFunction", name, {}, opts);
    this.componentName = name;
    const perGroup = validate(name, args);
    const chunks = securityGroupChunks(args.targets, args.endpointCidrs.length, perGroup);
    const groups = securityGroups(this, name, args, chunks);
    this.securityGroupIds = groups.map((g) => g.id);

    const context: ApplicationContext = {
      parent: this,
      name,
      args,
      subnetList: pulumi.output(args.subnetIds).apply((ids) => ids.join(",")),
      groupList: pulumi.all(this.securityGroupIds).apply((ids) => ids.join(",")),
    };
    for (const planned of planApplications(args)) {
      const deployed = deployApplication(context, planned);
      this.deployed.set(planned.key, deployed);
      this.functionNames.push(deployed.functionName);
    }
    this.securityGroupId = groups[0].id;
    this.registerOutputs({
      securityGroupId: this.securityGroupId,
      securityGroupIds: this.securityGroupIds,
    });
  }

  /**
   * `RotationLambdaARN` of the application for `engine`'s family and `strategy` (for
   * multi-user, the one of `masterSecretArn`): an Aurora engine gets its family's function.
   * Throws when that application was not among `applications`: a secret must not be
   * rotated by another family's (or another master's) function.
   */
  public lambdaArnFor(
    engine: Engine,
    strategy: RotationStrategy,
    masterSecretArn?: string,
  ): pulumi.Output<string> {
    return this.application(engine, strategy, masterSecretArn).lambdaArn;
  }

  /**
   * What a rotation must wait for before Secrets Manager first invokes the function: the
   * application's stack (its Lambda permission lets Secrets Manager invoke the function)
   * and the grants added to the function's role (replica keys, the master secret).
   */
  public grantsFor(
    engine: Engine,
    strategy: RotationStrategy,
    masterSecretArn?: string,
  ): pulumi.Resource[] {
    return this.application(engine, strategy, masterSecretArn).grants;
  }

  private application(
    engine: Engine,
    strategy: RotationStrategy,
    masterSecretArn: string | undefined,
  ): DeployedApplication {
    const found = this.deployed.get(applicationKey({ engine, strategy, masterSecretArn }));
    if (!found) {
      const which = masterSecretArn ? ` and master secret ${masterSecretArn}` : "";
      throw new Error(
        `RotationFunction ${this.componentName}: no rotation application for engine ${engine} (family ${ENGINE_SPECS[engine].family}) and strategy ${strategy}${which}; add it to applications`,
      );
    }
    return found;
  }
}

interface DeployedApplication {
  functionName: string;
  lambdaArn: pulumi.Output<string>;
  grants: pulumi.Resource[];
}

/** What every application of one component shares. */
interface ApplicationContext {
  parent: RotationFunction;
  name: string;
  args: RotationFunctionArgs;
  subnetList: pulumi.Output<string>;
  groupList: pulumi.Output<string>;
}

/**
 * One application per engine family (an Aurora engine shares its family's: the same AWS
 * application, kernel/engines.ts), strategy and, for multi-user, master secret.
 */
function applicationKey(a: RotationApplication): string {
  const family = ENGINE_SPECS[a.engine].family;
  return a.strategy === "multi-user"
    ? `${family}/${a.strategy}/${a.masterSecretArn ?? ""}`
    : `${family}/${a.strategy}`;
}

/** Checks the arguments; returns the rules one security group may hold. */
function validate(name: string, args: RotationFunctionArgs): number {
  if (!/^\d+\.\d+\.\d+$/.test(args.applicationVersion)) {
    throw new Error(
      `RotationFunction ${name}: applicationVersion must be pinned (x.y.z), got '${args.applicationVersion}'`,
    );
  }
  const partition = partitionOf(args.region);
  for (const a of args.applications) {
    const { name: application, versions } = ENGINE_SPECS[a.engine].rotationApplications[a.strategy];
    if (partition !== "aws" && args.applicationVersion !== versions.aws) {
      throw new Error(
        `RotationFunction ${name}: applicationVersion ${args.applicationVersion} of ${application} has no known counterpart in ${partition}; the program deploys ${versions[partition]} there, the AWS CDK's pin that goes with ${versions.aws}`,
      );
    }
  }
  if (args.endpointCidrs.length === 0)
    throw new Error(`RotationFunction ${name}: endpointCidrs must not be empty`);
  for (const a of args.applications) {
    if (a.strategy === "multi-user" && !a.masterSecretArn) {
      // The CDK refuses the same (SecretRotation: "The `masterSecret` must be specified for
      // application using the multi user scheme"): the template grants the function's role
      // GetSecretValue on masterSecretArn, the master it logs in with.
      throw new Error(
        `RotationFunction ${name}: the multi-user application for ${a.engine} needs masterSecretArn (the master secret its function logs in with)`,
      );
    }
    if (a.strategy === "single-user" && a.masterSecretArn) {
      throw new Error(
        `RotationFunction ${name}: masterSecretArn is for multi-user applications only (got it for ${a.engine} single-user)`,
      );
    }
  }
  for (const planned of planApplications(args)) {
    if (planned.stackName.length > 64) {
      throw new Error(
        `RotationFunction ${name}: function name ${planned.stackName} is ${planned.stackName.length} characters; Lambda allows 64 (shorten secrets-hub:environment)`,
      );
    }
    checkInlinePolicies(name, planned.stackName, grantDocuments(args, planned.application));
  }
  const perGroup = args.rulesPerSecurityGroup ?? QUOTAS.rulesPerSecurityGroup.defaultValue;
  if (!Number.isInteger(perGroup) || perGroup <= args.endpointCidrs.length) {
    throw new Error(
      `RotationFunction ${name}: rulesPerSecurityGroup must be an integer above the ${args.endpointCidrs.length} endpoint rules of the first group, got ${perGroup}`,
    );
  }
  return perGroup;
}

/** One application to deploy, with its names. */
interface PlannedApplication {
  key: string;
  application: RotationApplication;
  /** `<family>-<single|multi>[-n]`: the children's name part. */
  short: string;
  /** Name of the CloudFormation stack and of its function. */
  stackName: string;
}

/**
 * The applications once each, named: the first multi-user application of an engine family
 * keeps the names it always had; a further master of the same family gets its own application,
 * numbered from 2 in file order.
 */
function planApplications(args: RotationFunctionArgs): PlannedApplication[] {
  const planned = new Map<string, PlannedApplication>();
  const multiUserCount: Partial<Record<EngineFamily, number>> = {};
  for (const application of args.applications) {
    const key = applicationKey(application);
    if (planned.has(key)) continue;
    const { engine, strategy } = application;
    const family = ENGINE_SPECS[engine].family;
    const ordinal =
      strategy === "multi-user" ? (multiUserCount[family] = (multiUserCount[family] ?? 0) + 1) : 1;
    const suffix = ordinal > 1 ? `-${ordinal}` : "";
    planned.set(key, {
      key,
      application,
      short: `${rotationShortName(engine, strategy)}${suffix}`,
      stackName: `${rotationFunctionNameFor(args.namePrefix, engine, strategy)}${suffix}`,
    });
  }
  return [...planned.values()];
}

/** The master secret's read, for a multi-user application. */
function masterSecretPolicy(masterSecretArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadMasterSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: [masterSecretArn],
      },
    ],
  };
}

/**
 * The inline policies an application's role gets from this component, with the longest
 * key ARNs their Regions can have in place of the keys (unknown until deployed): sizes
 * computed from them bound the real ones.
 */
function grantDocuments(
  args: RotationFunctionArgs,
  application: RotationApplication,
): PolicyDocument[] {
  const keys = args.replicaKeys ?? [];
  return [
    ...(application.masterSecretArn ? [masterSecretPolicy(application.masterSecretArn)] : []),
    ...(keys.length > 0
      ? [
          replicaKeyUsePolicy(
            keys.map((k) => ({ region: k.region, keyArn: longestKeyArn(k.region) })),
          ),
        ]
      : []),
  ];
}

/**
 * The database targets (each CIDR and port once) spread over security groups in file
 * order, the first group leaving room for the endpoint rules: an environment that grows
 * only appends rules to the last group.
 */
export function securityGroupChunks(
  targets: readonly RotationTarget[],
  endpointRules: number,
  perGroup: number,
): RotationTarget[][] {
  const unique = [...new Map(targets.map((t) => [`${t.cidr}:${t.port}`, t])).values()];
  const chunks: RotationTarget[][] = [[]];
  for (const target of unique) {
    const room = chunks.length === 1 ? perGroup - endpointRules : perGroup;
    if (chunks[chunks.length - 1].length >= room) chunks.push([]);
    chunks[chunks.length - 1].push(target);
  }
  return chunks;
}

/** The functions' security groups and their egress rules: HTTPS to the endpoint, then each database. */
function securityGroups(
  parent: RotationFunction,
  name: string,
  args: RotationFunctionArgs,
  chunks: RotationTarget[][],
): aws.ec2.SecurityGroup[] {
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
      { parent },
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
        { parent },
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
        { parent },
      );
    }
  });
  return groups;
}

/**
 * The application's ARN and version in the partition of `args.region`: in aws, the pinned
 * `applicationVersion`; in aws-cn and aws-us-gov, the version the kernel pins there (the AWS
 * CDK's `additionalSemanticVersions`), which exists only alongside the commercial pin the
 * kernel names (`validate` and the config rule `rotation-version-in-partition` refuse
 * another).
 */
function applicationOf(
  engine: Engine,
  strategy: RotationStrategy,
  args: RotationFunctionArgs,
): { applicationId: string; semanticVersion: string } {
  const partition = partitionOf(args.region);
  const { name, versions } = ENGINE_SPECS[engine].rotationApplications[strategy];
  return {
    applicationId: rotationApplicationArn(partition, name),
    semanticVersion: partition === "aws" ? args.applicationVersion : versions[partition],
  };
}

/** One rotation application, its function's ARN, and the grants its role needs beyond the template's. */
function deployApplication(
  context: ApplicationContext,
  planned: PlannedApplication,
): DeployedApplication {
  const { parent, name, args } = context;
  const { short, stackName } = planned;
  const { engine, strategy, masterSecretArn } = planned.application;
  const app = new aws.serverlessrepository.CloudFormationStack(
    `${name}-${short}`,
    {
      name: stackName,
      // The publisher and version of the Region's partition, as the AWS CDK's SecretRotation
      // picks them (its SARMapping over aws, aws-cn, aws-us-gov).
      ...applicationOf(engine, strategy, args),
      capabilities: [...APPLICATION_CAPABILITIES],
      // Shaped as the provider reads them back (no default value), so that a re-run is no
      // change (components/rotationApplications.ts).
      parameters: shapeApplicationParameters<pulumi.Input<string>>(strategy, {
        functionName: stackName,
        // `https://secretsmanager.<region>.<partition's DNS suffix>`, as the CDK passes it
        // (`Stack.urlSuffix`: amazonaws.com.cn in China).
        endpoint: `https://${serviceEndpoint("secretsmanager", args.region)}`,
        kmsKeyArn: args.kmsKeyArn,
        vpcSubnetIds: context.subnetList,
        vpcSecurityGroupIds: context.groupList,
        // The master secret is encrypted with the same CMK, which kmsKeyArn already grants;
        // the CDK passes its key alike.
        ...(masterSecretArn ? { masterSecretArn, masterSecretKmsKeyArn: args.kmsKeyArn } : {}),
      }),
      tags: args.tags,
    },
    { parent },
  );
  const lambdaArn = app.outputs.apply((o) => {
    const arn = o["RotationLambdaARN"];
    if (!arn)
      throw new Error(`${stackName}: the rotation application did not output RotationLambdaARN`);
    return arn;
  });

  // The application outputs only the function's ARN; its role (named by CloudFormation)
  // is read from the function. The key policies delegate to IAM in this account.
  const fn = aws.lambda.getFunctionOutput({ functionName: lambdaArn }, { parent });
  const roleName = fn.role.apply((roleArn) => roleArn.split("/").pop() ?? roleArn);
  const keys = args.replicaKeys ?? [];
  const grants: aws.iam.RolePolicy[] = [];
  if (masterSecretArn) {
    // Also granted by the template through masterSecretArn; stated here as well so that the
    // role's rights on its master do not depend on a template version.
    grants.push(
      new aws.iam.RolePolicy(
        `${name}-${short}-master-secrets`,
        {
          role: roleName,
          name: "secrets-hub-master-secrets",
          policy: toJson(masterSecretPolicy(masterSecretArn)),
        },
        { parent },
      ),
    );
  }
  if (keys.length > 0) {
    grants.push(
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
        { parent },
      ),
    );
  }
  return { functionName: stackName, lambdaArn, grants: [app, ...grants] };
}

/** Characters IAM counts in a policy: all but whitespace. */
export function iamPolicyChars(document: string): number {
  return document.replace(/\s/g, "").length;
}

/**
 * The longest ARN a KMS key of `region` has (a multi-Region key's id, `mrk-` and 32 hex
 * digits, in the longest partition name): sizes computed with it bound the real ones, so
 * the check runs before any key exists.
 */
function longestKeyArn(region: string): string {
  return `arn:aws-us-gov:kms:${region}:000000000000:key/mrk-${"0".repeat(32)}`;
}

/**
 * Refuses inline policies that, with the template's own, would pass IAM's aggregate limit
 * for a role: IAM would refuse the PutRolePolicy after the application is deployed.
 */
function checkInlinePolicies(
  name: string,
  functionName: string,
  documents: readonly PolicyDocument[],
): void {
  const ours = documents.reduce((n, d) => n + iamPolicyChars(JSON.stringify(d)), 0);
  if (ours + TEMPLATE_INLINE_POLICIES_ALLOWANCE > ROLE_INLINE_POLICIES_MAX_CHARS) {
    throw new Error(
      `RotationFunction ${name}: the inline policies of ${functionName}'s role would take up to ${ours} characters plus ${TEMPLATE_INLINE_POLICIES_ALLOWANCE} for the template's own, above IAM's ${ROLE_INLINE_POLICIES_MAX_CHARS} per role (fewer replica Regions)`,
    );
  }
}
