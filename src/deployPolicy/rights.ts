/**
 * What a deploy role must be allowed for each resource type the programs register, and for
 * each read (invoke) they make: the API calls of the provider's create, read, update and
 * delete of that type, scoped to the environment's resources where the service allows.
 *
 * Sources, per service: the AWS Service Authorization Reference
 * (docs.aws.amazon.com/service-authorization/latest/reference/list_<service>.html: which
 * actions take which resource types and condition keys; an action with no resource type
 * needs `"Resource": "*"`, which each such statement says in its Sid), and the Terraform
 * provider the Pulumi aws provider wraps (hashicorp/terraform-provider-aws,
 * internal/service/<service>/<resource>.go: the calls of each resource, e.g.
 * serverlessrepo/cloudformation_stack.go: serverlessrepo:CreateCloudFormationChangeSet,
 * cloudformation DescribeChangeSet (waiter), ExecuteChangeSet, DescribeStacks,
 * serverlessrepo:GetApplication on read, DeleteStack).
 *
 * Scoping, in order of preference: the names the program gives (`secrets-hub-<env>`
 * prefix, the secret and role names of the environment file), then the tag
 * `secrets-hub:environment` = <env> that the aws provider puts on every taggable resource
 * (src/providers.ts defaultTags; `aws:RequestTag` on create, `aws:ResourceTag` after), then
 * the account and Region. A resource type the program registers that has no entry here is
 * an error (tests/deployPolicy), so a new type cannot ship without its deploy rights.
 */
import { serviceEndpoint } from "../../kernel/partitions";
import type { Account, Environment } from "../config";
import type { RecordedResource } from "../offline/runStack";
import type { Condition } from "./document";
import { accessAnalyzers } from "../topology";

/** The account a policy is for, and what its stack reaches. */
export interface AccountScope {
  readonly env: Environment;
  readonly kind: "central" | "workload";
  readonly partition: string;
  readonly accountId: string;
  /** Regions the account's stack creates resources in (central: its Region and the replica Regions). */
  readonly regions: readonly string[];
  /** `secrets-hub-<env>` (src/names.ts namePrefix). */
  readonly prefix: string;
  /** The accounts on the other side of the network links (central: every workload; a workload: central). */
  readonly peers: readonly { accountId: string; region: string }[];
  /** The account as the environment file describes it. */
  readonly account: Account;
  /** Names of the secrets the stack creates (central), from its Secret registrations. */
  readonly secretNames: readonly string[];
}

/** One grant: merged with the grants of the same Sid into one statement. */
export interface Grant {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly condition?: Condition;
}

/** The grants of one resource type, given what the stack registers of it. */
export type Rights = (scope: AccountScope, registered: readonly RecordedResource[]) => Grant[];

const ENV_TAG = "secrets-hub:environment";
const taggedWith = (scope: AccountScope): Condition => ({
  StringEquals: { [`aws:ResourceTag/${ENV_TAG}`]: scope.env.environment },
});
const taggingWith = (scope: AccountScope): Condition => ({
  StringEquals: { [`aws:RequestTag/${ENV_TAG}`]: scope.env.environment },
});

function arns(scope: AccountScope, service: string, resource: string, accountId = scope.accountId) {
  return scope.regions.map(
    (r) => `arn:${scope.partition}:${service}:${r}:${accountId}:${resource}`,
  );
}

/** The distinct string values of an input of the registered resources. */
function inputs(registered: readonly RecordedResource[], key: string): string[] {
  return [
    ...new Set(
      registered.map((r) => r.inputs[key]).filter((v): v is string => typeof v === "string"),
    ),
  ];
}

/** A service-linked role the service creates on first use, for that service only. */
const serviceLinkedRole = (s: AccountScope, service: string, role: string): Grant => ({
  sid: "IamServiceLinkedRolesOnFirstUse",
  actions: ["iam:CreateServiceLinkedRole"],
  resources: [`arn:${s.partition}:iam::${s.accountId}:role/aws-service-role/${service}/${role}`],
  condition: { StringEquals: { "iam:AWSServiceName": service } },
});

// ---------------------------------------------------------------------------- EC2

/** ec2:Describe* take no resource type: "*" is the only resource they accept. */
const describe = (...actions: string[]): Grant => ({
  sid: "Ec2DescribeActionsHaveNoResourceLevelPermissions",
  actions: actions.map((a) => `ec2:${a}`),
  resources: ["*"],
});

const ec2 = (scope: AccountScope, ...types: string[]) =>
  types.flatMap((t) => arns(scope, "ec2", `${t}/*`));

/** Creates in the account and Regions; tags on create only with the environment's tag. */
const ec2Create = (scope: AccountScope, actions: string[], types: string[]): Grant[] => [
  {
    sid: "Ec2CreateInAccountRegions",
    actions: actions.map((a) => `ec2:${a}`),
    resources: ec2(scope, ...types),
  },
  {
    sid: "Ec2TagOnCreateOnly",
    actions: ["ec2:CreateTags"],
    resources: ec2(scope, ...types),
    condition: { StringEquals: { "ec2:CreateAction": actions } },
  },
];

/** Deletes and re-tags only what carries the environment's tag (what the program created). */
const ec2Tagged = (scope: AccountScope, actions: string[], types: string[]): Grant[] => [
  {
    sid: "Ec2ChangeOnlyEnvironmentTagged",
    actions: [...actions, "CreateTags", "DeleteTags"].map((a) => `ec2:${a}`),
    resources: ec2(scope, ...types),
    condition: taggedWith(scope),
  },
];

/**
 * Changes to resources an adopted VPC brings (route tables, security groups the program
 * does not create, hence untagged): scoped to the account and Regions only.
 */
const ec2Modify = (scope: AccountScope, actions: string[], types: string[]): Grant => ({
  sid: "Ec2ModifyInAccountRegions",
  actions: actions.map((a) => `ec2:${a}`),
  resources: ec2(scope, ...types),
});

const vpc: Rights = (s) => [
  describe(
    "DescribeVpcs",
    "DescribeVpcAttribute",
    "DescribeNetworkAcls",
    "DescribeRouteTables",
    "DescribeSecurityGroups",
    "DescribeSecurityGroupRules",
  ),
  ...ec2Create(s, ["CreateVpc"], ["vpc"]),
  ...ec2Tagged(s, ["DeleteVpc", "ModifyVpcAttribute"], ["vpc"]),
];
const subnet: Rights = (s) => [
  describe("DescribeSubnets"),
  ...ec2Create(s, ["CreateSubnet"], ["subnet", "vpc"]),
  ...ec2Tagged(s, ["DeleteSubnet", "ModifySubnetAttribute"], ["subnet"]),
];
const routeTable: Rights = (s) => [
  describe("DescribeRouteTables"),
  ...ec2Create(s, ["CreateRouteTable"], ["route-table", "vpc"]),
  ...ec2Tagged(s, ["DeleteRouteTable"], ["route-table"]),
];
const routeTableAssociation: Rights = (s) => [
  describe("DescribeRouteTables"),
  ec2Modify(
    s,
    ["AssociateRouteTable", "DisassociateRouteTable", "ReplaceRouteTableAssociation"],
    ["route-table", "subnet"],
  ),
];
const route: Rights = (s) => [
  describe("DescribeRouteTables"),
  // The route tables of an adopted VPC are not the program's: no tag condition.
  ec2Modify(s, ["CreateRoute", "ReplaceRoute", "DeleteRoute"], ["route-table"]),
];
const securityGroup: Rights = (s) => [
  describe("DescribeSecurityGroups", "DescribeSecurityGroupRules", "DescribeNetworkInterfaces"),
  ...ec2Create(s, ["CreateSecurityGroup"], ["security-group", "vpc"]),
  // The provider revokes a new group's default egress rule (security_group.go).
  ...ec2Tagged(
    s,
    ["DeleteSecurityGroup", "RevokeSecurityGroupEgress", "AuthorizeSecurityGroupEgress"],
    ["security-group"],
  ),
];
const securityGroupRule: Rights = (s) => [
  describe("DescribeSecurityGroups", "DescribeSecurityGroupRules"),
  // An adopted database's group is not the program's: account scope only.
  ec2Modify(
    s,
    [
      "AuthorizeSecurityGroupIngress",
      "AuthorizeSecurityGroupEgress",
      "RevokeSecurityGroupIngress",
      "RevokeSecurityGroupEgress",
      "ModifySecurityGroupRules",
      "UpdateSecurityGroupRuleDescriptionsIngress",
      "UpdateSecurityGroupRuleDescriptionsEgress",
    ],
    ["security-group", "security-group-rule"],
  ),
  ...ec2Create(
    s,
    ["AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress"],
    ["security-group-rule"],
  ),
];
const vpcEndpoint: Rights = (s) => [
  describe("DescribeVpcEndpoints", "DescribeVpcEndpointServices", "DescribePrefixLists"),
  ...ec2Create(
    s,
    ["CreateVpcEndpoint"],
    ["vpc-endpoint", "vpc", "subnet", "security-group", "route-table"],
  ),
  ...ec2Tagged(s, ["DeleteVpcEndpoints", "ModifyVpcEndpoint"], ["vpc-endpoint"]),
  // Private DNS associates the VPC with the service's private hosted zone (AWS PrivateLink
  // guide, "Identity and access management for AWS PrivateLink").
  {
    sid: "Route53PrivateDnsOfInterfaceEndpoints",
    actions: ["route53:AssociateVPCWithHostedZone"],
    resources: [`arn:${s.partition}:route53:::hostedzone/*`, ...ec2(s, "vpc")],
  },
];
const peeringRequest: Rights = (s) => [
  describe("DescribeVpcPeeringConnections"),
  ...ec2Create(s, ["CreateVpcPeeringConnection"], ["vpc-peering-connection", "vpc"]),
  {
    // CreateVpcPeeringConnection is authorized on the accepter VPC too (its account and Region).
    sid: "Ec2PeerWithWorkloadVpcs",
    actions: ["ec2:CreateVpcPeeringConnection"],
    resources: s.peers.map((p) => `arn:${s.partition}:ec2:${p.region}:${p.accountId}:vpc/*`),
  },
  ...ec2Tagged(
    s,
    ["DeleteVpcPeeringConnection", "ModifyVpcPeeringConnectionOptions"],
    ["vpc-peering-connection"],
  ),
];
const peeringAccepter: Rights = (s) => [
  describe("DescribeVpcPeeringConnections"),
  {
    // The connection belongs to the requester (central); the accepter VPC to this account.
    sid: "Ec2AcceptCentralPeering",
    actions: [
      "ec2:AcceptVpcPeeringConnection",
      "ec2:ModifyVpcPeeringConnectionOptions",
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ],
    resources: [
      ...ec2(s, "vpc", "vpc-peering-connection"),
      ...s.peers.flatMap((p) =>
        s.regions.map((r) => `arn:${s.partition}:ec2:${r}:${p.accountId}:vpc-peering-connection/*`),
      ),
    ],
  },
];

// ------------------------------------------------------------------ transit gateway

const inPeers = (s: AccountScope, type: string) =>
  s.peers.flatMap((p) =>
    s.regions.map((r) => `arn:${s.partition}:ec2:${r}:${p.accountId}:${type}/*`),
  );

const transitGateway: Rights = (s) => [
  describe("DescribeTransitGateways"),
  ...ec2Create(s, ["CreateTransitGateway"], ["transit-gateway"]),
  ...ec2Tagged(s, ["DeleteTransitGateway", "ModifyTransitGateway"], ["transit-gateway"]),
];
const transitGatewayRouteTable: Rights = (s) => [
  describe("DescribeTransitGatewayRouteTables"),
  ...ec2Create(
    s,
    ["CreateTransitGatewayRouteTable"],
    ["transit-gateway-route-table", "transit-gateway"],
  ),
  ...ec2Tagged(s, ["DeleteTransitGatewayRouteTable"], ["transit-gateway-route-table"]),
];
const transitGatewayRouting: Rights = (s) => [
  describe("DescribeTransitGatewayAttachments", "DescribeTransitGatewayRouteTables"),
  {
    sid: "Ec2TransitGatewayRouting",
    actions: [
      "ec2:AssociateTransitGatewayRouteTable",
      "ec2:DisassociateTransitGatewayRouteTable",
      "ec2:EnableTransitGatewayRouteTablePropagation",
      "ec2:DisableTransitGatewayRouteTablePropagation",
      "ec2:GetTransitGatewayRouteTableAssociations",
      "ec2:GetTransitGatewayRouteTablePropagations",
    ],
    resources: [
      ...ec2(s, "transit-gateway-route-table", "transit-gateway-attachment"),
      // A workload's attachment to central's gateway: central's route tables, the workload's attachment.
      ...inPeers(s, "transit-gateway-route-table"),
      ...inPeers(s, "transit-gateway-attachment"),
    ],
  },
];
const transitGatewayAttachment: Rights = (s) => [
  describe("DescribeTransitGatewayVpcAttachments", "DescribeTransitGatewayAttachments"),
  ...ec2Create(
    s,
    ["CreateTransitGatewayVpcAttachment"],
    ["transit-gateway-attachment", "vpc", "subnet", "transit-gateway"],
  ),
  {
    // A workload attaches to the gateway central shares: the gateway is in central's account.
    sid: "Ec2AttachToSharedGateway",
    actions: ["ec2:CreateTransitGatewayVpcAttachment"],
    resources: inPeers(s, "transit-gateway"),
  },
  ...ec2Tagged(
    s,
    ["DeleteTransitGatewayVpcAttachment", "ModifyTransitGatewayVpcAttachment"],
    ["transit-gateway-attachment"],
  ),
];

// ---------------------------------------------------------------------------- RAM

const ramShares = (s: AccountScope) => arns(s, "ram", "resource-share/*");
const resourceShare: Rights = (s) => [
  {
    sid: "RamListActionsHaveNoResourceType",
    actions: [
      "ram:GetResourceShares",
      "ram:GetResourceShareAssociations",
      "ram:GetResourceShareInvitations",
    ],
    resources: ["*"],
  },
  {
    sid: "RamCreateShareHasNoResourceType",
    actions: ["ram:CreateResourceShare", "ram:TagResource"],
    resources: ["*"],
    condition: taggingWith(s),
  },
  {
    sid: "RamChangeEnvironmentShares",
    actions: [
      "ram:UpdateResourceShare",
      "ram:DeleteResourceShare",
      "ram:TagResource",
      "ram:UntagResource",
      "ram:AssociateResourceShare",
      "ram:DisassociateResourceShare",
    ],
    resources: ramShares(s),
    condition: taggedWith(s),
  },
];
const resourceShareAccepter: Rights = (s) => [
  {
    sid: "RamListActionsHaveNoResourceType",
    actions: [
      "ram:GetResourceShares",
      "ram:GetResourceShareInvitations",
      "ram:GetResourceShareAssociations",
    ],
    resources: ["*"],
  },
  {
    sid: "RamAcceptCentralShare",
    actions: ["ram:AcceptResourceShareInvitation", "ram:DisassociateResourceShare"],
    resources: s.peers.flatMap((p) =>
      s.regions.flatMap((r) => [
        `arn:${s.partition}:ram:${r}:${p.accountId}:resource-share-invitation/*`,
        `arn:${s.partition}:ram:${r}:${p.accountId}:resource-share/*`,
      ]),
    ),
  },
];

// ---------------------------------------------------------------------------- KMS

const kmsKeys = (s: AccountScope) => arns(s, "kms", "key/*");
const key: Rights = (s) => [
  // CreateKey takes no resource type; its request must carry the environment's tag.
  {
    sid: "KmsCreateKeyHasNoResourceType",
    actions: ["kms:CreateKey"],
    resources: ["*"],
    condition: taggingWith(s),
  },
  {
    sid: "KmsTagKeysWithEnvironment",
    actions: ["kms:TagResource"],
    resources: kmsKeys(s),
    condition: taggingWith(s),
  },
  {
    sid: "KmsManageEnvironmentKeys",
    actions: [
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:PutKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:EnableKeyRotation",
      "kms:DisableKeyRotation",
      "kms:ListResourceTags",
      "kms:UntagResource",
      "kms:UpdateKeyDescription",
      "kms:ScheduleKeyDeletion",
      "kms:CancelKeyDeletion",
      "kms:EnableKey",
      "kms:DisableKey",
      "kms:ReplicateKey",
    ],
    resources: kmsKeys(s),
    condition: taggedWith(s),
  },
];
const alias: Rights = (s) => [
  { sid: "KmsListAliasesHasNoResourceType", actions: ["kms:ListAliases"], resources: ["*"] },
  {
    // CreateAlias/UpdateAlias/DeleteAlias are authorized on the alias and on its key.
    sid: "KmsEnvironmentAliases",
    actions: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"],
    resources: arns(s, "kms", `alias/${s.prefix}-*`),
  },
  {
    sid: "KmsAliasTargetsEnvironmentKeys",
    actions: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"],
    resources: kmsKeys(s),
    condition: taggedWith(s),
  },
];

// -------------------------------------------------------------------- Secrets Manager

/**
 * The secrets the central stack names (Secret's `name` input), in every Region of the
 * account (replicas keep the name; `-??????` is the suffix Secrets Manager appends).
 */
const secretArns = (s: AccountScope) =>
  s.secretNames.flatMap((n) => arns(s, "secretsmanager", `secret:${n}-??????`));

const secretsKeyUse = (s: AccountScope): Grant => ({
  // CreateSecret/PutSecretValue/ReplicateSecretToRegions with a customer managed key:
  // Secrets Manager encrypts on the caller's behalf (Secrets Manager user guide, "Secret
  // encryption and decryption": kms:GenerateDataKey and kms:Decrypt for the caller).
  sid: "KmsSecretsThroughSecretsManager",
  actions: ["kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt", "kms:DescribeKey"],
  resources: kmsKeys(s),
  condition: {
    StringEquals: { [`aws:ResourceTag/${ENV_TAG}`]: s.env.environment },
    // The endpoint name in the Region's partition (`.amazonaws.com.cn` in China).
    StringLike: { "kms:ViaService": s.regions.map((r) => serviceEndpoint("secretsmanager", r)) },
  },
});

const secret: Rights = (s) => [
  secretsKeyUse(s),
  {
    sid: "SecretsManagerEnvironmentSecrets",
    actions: [
      "secretsmanager:CreateSecret",
      "secretsmanager:DescribeSecret",
      "secretsmanager:UpdateSecret",
      "secretsmanager:DeleteSecret",
      "secretsmanager:RestoreSecret",
      "secretsmanager:TagResource",
      "secretsmanager:UntagResource",
      "secretsmanager:ReplicateSecretToRegions",
      "secretsmanager:RemoveRegionsFromReplication",
      "secretsmanager:GetResourcePolicy",
    ],
    resources: secretArns(s),
  },
];
const onSecrets =
  (actions: string[]): Rights =>
  (s) => [
    {
      sid: "SecretsManagerEnvironmentSecrets",
      actions: actions.map((a) => `secretsmanager:${a}`),
      resources: secretArns(s),
    },
  ];
const secretVersion = (s: AccountScope, r: readonly RecordedResource[]) => [
  secretsKeyUse(s),
  ...onSecrets([
    "PutSecretValue",
    "GetSecretValue",
    "ListSecretVersionIds",
    "UpdateSecretVersionStage",
    "DescribeSecret",
  ])(s, r),
];
const secretPolicy = onSecrets([
  "PutResourcePolicy",
  "GetResourcePolicy",
  "DeleteResourcePolicy",
  "ValidateResourcePolicy",
]);
const secretRotation = onSecrets(["RotateSecret", "CancelRotateSecret", "DescribeSecret"]);

// ------------------------------------------- rotation applications (SAR + CloudFormation)

/**
 * CloudFormation names the function's execution role from the stack name
 * (`serverlessrepo-<function>`, truncated) and a random suffix: the program cannot know it
 * before it exists, so the rotation roles are matched as `serverlessrepo-*` and must carry
 * the environment's tag, which CloudFormation propagates from the stack's tags (the
 * provider's defaultTags reach CreateCloudFormationChangeSet as Tags).
 */
const rotationRoles = (s: AccountScope) => [
  `arn:${s.partition}:iam::${s.accountId}:role/serverlessrepo-*`,
];

const cloudFormationStack: Rights = (s, registered) => [
  {
    sid: "ServerlessRepoRotationApplications",
    actions: [
      "serverlessrepo:CreateCloudFormationChangeSet",
      "serverlessrepo:CreateCloudFormationTemplate",
      "serverlessrepo:GetCloudFormationTemplate",
      "serverlessrepo:GetApplication",
    ],
    resources: inputs(registered, "applicationId"),
  },
  {
    // The application's template, read from the repository's change-set bucket (the
    // statement AWS's managed policy SecretsManagerReadWrite grants for the same path).
    sid: "S3ServerlessRepoTemplates",
    actions: ["s3:GetObject"],
    resources: [
      `arn:${s.partition}:s3:::awsserverlessrepo-changesets*`,
      `arn:${s.partition}:s3:::secrets-manager-rotation-apps-*/*`,
    ],
  },
  {
    sid: "CloudFormationRotationStacks",
    actions: [
      "cloudformation:CreateChangeSet",
      "cloudformation:DescribeChangeSet",
      "cloudformation:ExecuteChangeSet",
      "cloudformation:DeleteChangeSet",
      "cloudformation:DescribeStacks",
      "cloudformation:DescribeStackEvents",
      "cloudformation:DescribeStackResources",
      "cloudformation:GetTemplate",
      "cloudformation:DeleteStack",
      "cloudformation:TagResource",
      "cloudformation:UntagResource",
    ],
    resources: arns(s, "cloudformation", `stack/serverlessrepo-${s.prefix}-*/*`),
  },
  {
    // The application templates are SAM templates: their change set applies this transform.
    sid: "CloudFormationServerlessTransform",
    actions: ["cloudformation:CreateChangeSet"],
    resources: s.regions.map(
      (r) => `arn:${s.partition}:cloudformation:${r}:aws:transform/Serverless-2016-10-31`,
    ),
  },
  {
    // CloudFormation acts with the caller's rights: what the template creates.
    sid: "LambdaRotationFunctions",
    actions: [
      "lambda:CreateFunction",
      "lambda:GetFunction",
      "lambda:GetFunctionConfiguration",
      "lambda:DeleteFunction",
      "lambda:UpdateFunctionCode",
      "lambda:UpdateFunctionConfiguration",
      "lambda:AddPermission",
      "lambda:RemovePermission",
      "lambda:GetPolicy",
      "lambda:TagResource",
      "lambda:UntagResource",
      "lambda:ListTags",
    ],
    resources: arns(s, "lambda", `function:${s.prefix}-*`),
  },
  // A function in a VPC: Lambda checks the caller may see its subnets and security groups.
  describe("DescribeSecurityGroups", "DescribeSubnets", "DescribeVpcs"),
  {
    sid: "IamCreateRotationRoles",
    actions: ["iam:CreateRole", "iam:TagRole"],
    resources: rotationRoles(s),
    condition: taggingWith(s),
  },
  {
    sid: "IamManageRotationRoles",
    actions: [
      "iam:GetRole",
      "iam:DeleteRole",
      "iam:UntagRole",
      "iam:AttachRolePolicy",
      "iam:DetachRolePolicy",
      "iam:PutRolePolicy",
      "iam:GetRolePolicy",
      "iam:DeleteRolePolicy",
      "iam:ListRolePolicies",
      "iam:ListAttachedRolePolicies",
    ],
    resources: rotationRoles(s),
    condition: taggedWith(s),
  },
  {
    sid: "IamPassRotationRolesToLambda",
    actions: ["iam:PassRole"],
    resources: rotationRoles(s),
    condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
  },
];

// ------------------------------------------------ application-user function (central)

/**
 * The component name central gives ApplicationUserSetup's children (`<name>-role`, …) and the
 * name of its function and role, `<prefix>-application-user`.
 */
const APPLICATION_USER_COMPONENT = "application-user";
const applicationUserRole = (s: AccountScope) => [
  `arn:${s.partition}:iam::${s.accountId}:role/${s.prefix}-application-user`,
];
// The function lives in the central Region only (the first of the account's Regions).
const applicationUserFunction = (s: AccountScope) =>
  arns(s, "lambda", `function:${s.prefix}-application-user`).slice(0, 1);

/**
 * The setup function: what the provider calls to create, read, update and delete it
 * (terraform-provider-aws internal/service/lambda/function.go: GetFunction,
 * GetFunctionCodeSigningConfig, ListVersionsByFunction, GetFunctionRecursionConfig,
 * GetRuntimeManagementConfig on read), passing its role to Lambda only, and the VPC reads
 * Lambda makes with the caller's rights for a VPC function (Lambda Developer Guide,
 * "Giving Lambda functions access to resources in an Amazon VPC").
 */
const lambdaFunction: Rights = (s) => [
  {
    sid: "LambdaApplicationUserFunction",
    actions: [
      "lambda:CreateFunction",
      "lambda:GetFunction",
      "lambda:GetFunctionConfiguration",
      "lambda:GetFunctionCodeSigningConfig",
      "lambda:GetFunctionRecursionConfig",
      "lambda:GetRuntimeManagementConfig",
      "lambda:ListVersionsByFunction",
      "lambda:UpdateFunctionCode",
      "lambda:UpdateFunctionConfiguration",
      "lambda:DeleteFunction",
      "lambda:TagResource",
      "lambda:UntagResource",
      "lambda:ListTags",
    ],
    resources: applicationUserFunction(s),
  },
  {
    sid: "IamPassApplicationUserRoleToLambda",
    actions: ["iam:PassRole"],
    resources: applicationUserRole(s),
    condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
  },
  describe("DescribeSecurityGroups", "DescribeSubnets", "DescribeVpcs"),
];
/** The Invocation resource: one synchronous Invoke of the setup function, on create. */
const lambdaInvocation: Rights = (s) => [
  {
    sid: "LambdaInvokeApplicationUserFunction",
    actions: ["lambda:InvokeFunction"],
    resources: applicationUserFunction(s),
  },
];
/** The setup function's log group, `/aws/lambda/<function>`, with its retention. */
const logGroup: Rights = (s, registered) => [
  {
    sid: "LogsApplicationUserLogGroup",
    actions: [
      "logs:CreateLogGroup",
      "logs:DeleteLogGroup",
      "logs:PutRetentionPolicy",
      "logs:DeleteRetentionPolicy",
      "logs:TagResource",
      "logs:UntagResource",
      "logs:ListTagsForResource",
    ],
    resources: inputs(registered, "name").flatMap((n) => arns(s, "logs", `log-group:${n}`)),
  },
  {
    // DescribeLogGroups is authorized on every log group of the Region (Service
    // Authorization Reference, CloudWatch Logs: resource type log-group*).
    sid: "LogsDescribeLogGroups",
    actions: ["logs:DescribeLogGroups"],
    resources: arns(s, "logs", "log-group:*"),
  },
];

// ---------------------------------------------------------------------------- IAM

const roleArns = (s: AccountScope, names: string[]) =>
  names.map((n) => `arn:${s.partition}:iam::${s.accountId}:role/${n}`);
const role: Rights = (s, registered) => [
  {
    sid: "IamApplicationRoles",
    actions: [
      "iam:CreateRole",
      "iam:GetRole",
      "iam:DeleteRole",
      "iam:UpdateRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:ListRolePolicies",
      "iam:ListAttachedRolePolicies",
      "iam:ListInstanceProfilesForRole",
    ],
    resources: roleArns(s, inputs(registered, "name")),
  },
];
/** Inline policies: on the application role (workload) or on the rotation roles (central). */
const rolePolicy: Rights = (s, registered) => {
  const actions = [
    "iam:PutRolePolicy",
    "iam:GetRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:ListRolePolicies",
  ];
  // An inline policy names its role by name; a role's ARN carries its path. The roles the
  // program creates have none; an existing reader role may (e.g. service-role/), and role
  // names are unique in an account whatever the path, so `role/*/<name>` is that one role.
  const names = inputs(registered, "role");
  // (components/applicationRole.ts ExistingReader names its policy `<prefix>-read-secrets`.)
  const existing = inputs(
    registered.filter((r) => r.inputs.name === `${s.prefix}-read-secrets`),
    "role",
  );
  return s.kind === "workload"
    ? [
        {
          sid: "IamReaderInlinePolicies",
          actions,
          resources: [
            ...roleArns(s, names),
            ...existing.map((n) => `arn:${s.partition}:iam::${s.accountId}:role/*/${n}`),
          ],
        },
      ]
    : [
        {
          sid: "IamManageRotationRoles",
          actions,
          resources: rotationRoles(s),
          condition: taggedWith(s),
        },
        // The application-user function's role (components/applicationUser.ts), named by
        // the program: its inline policies, on that role alone.
        ...(registered.some((r) => r.name.startsWith(APPLICATION_USER_COMPONENT))
          ? [{ sid: "IamApplicationUserRole", actions, resources: applicationUserRole(s) }]
          : []),
      ];
};
const instanceProfile: Rights = (s, registered) => [
  {
    sid: "IamApplicationInstanceProfiles",
    actions: [
      "iam:CreateInstanceProfile",
      "iam:GetInstanceProfile",
      "iam:DeleteInstanceProfile",
      "iam:AddRoleToInstanceProfile",
      "iam:RemoveRoleFromInstanceProfile",
      "iam:TagInstanceProfile",
      "iam:UntagInstanceProfile",
    ],
    resources: inputs(registered, "name").map(
      (n) => `arn:${s.partition}:iam::${s.accountId}:instance-profile/${n}`,
    ),
  },
  // AddRoleToInstanceProfile passes the role (IAM user guide, "Using instance profiles").
  {
    sid: "IamPassApplicationRoleToProfile",
    actions: ["iam:PassRole"],
    resources: roleArns(s, inputs(registered, "role")),
  },
];

// ---------------------------------------------------------------------------- RDS

/** The life of a DB instance, an RDS one or an Aurora cluster's. */
const RDS_INSTANCE_ACTIONS = [
  "rds:CreateDBInstance",
  "rds:DescribeDBInstances",
  "rds:ModifyDBInstance",
  "rds:DeleteDBInstance",
  "rds:RebootDBInstance",
  "rds:AddTagsToResource",
  "rds:RemoveTagsFromResource",
  "rds:ListTagsForResource",
];
/** The subnet groups the registered databases name. */
const subnetGroupArns = (s: AccountScope, registered: readonly RecordedResource[]) =>
  inputs(registered, "dbSubnetGroupName").flatMap((n) => arns(s, "rds", `subgrp:${n}`));

const rdsInstance: Rights = (s, registered) => [
  // The first instance of an account creates AWSServiceRoleForRDS.
  serviceLinkedRole(s, "rds.amazonaws.com", "AWSServiceRoleForRDS"),
  {
    sid: "RdsEnvironmentDatabases",
    actions: [...RDS_INSTANCE_ACTIONS, "rds:CreateDBSnapshot"],
    resources: [
      ...inputs(registered, "identifier").flatMap((id) => [
        ...arns(s, "rds", `db:${id}`),
        // The final snapshot of a protected database (components/database.ts).
        ...arns(s, "rds", `snapshot:${id}-final`),
      ]),
      ...subnetGroupArns(s, registered),
      // CreateDBInstance is authorized on the default parameter and option groups it uses.
      ...arns(s, "rds", "pg:default.*"),
      ...arns(s, "rds", "og:default:*"),
    ],
  },
];
/**
 * An Aurora cluster (components/auroraCluster.ts): CreateDBCluster is authorized on the
 * cluster, its subnet group and the default cluster parameter group it uses; the final
 * snapshot of a protected cluster is a cluster snapshot (Service Authorization Reference,
 * Amazon RDS: resource types cluster, subgrp, cluster-pg, cluster-snapshot).
 */
const rdsCluster: Rights = (s, registered) => [
  serviceLinkedRole(s, "rds.amazonaws.com", "AWSServiceRoleForRDS"),
  {
    sid: "RdsEnvironmentClusters",
    actions: [
      "rds:CreateDBCluster",
      "rds:DescribeDBClusters",
      "rds:ModifyDBCluster",
      "rds:DeleteDBCluster",
      "rds:AddTagsToResource",
      "rds:RemoveTagsFromResource",
      "rds:ListTagsForResource",
      "rds:CreateDBClusterSnapshot",
    ],
    resources: [
      ...inputs(registered, "clusterIdentifier").flatMap((id) => [
        ...arns(s, "rds", `cluster:${id}`),
        ...arns(s, "rds", `cluster-snapshot:${id}-final`),
      ]),
      ...subnetGroupArns(s, registered),
      ...arns(s, "rds", "cluster-pg:default.*"),
    ],
  },
];
/** A cluster's instances: CreateDBInstance names its cluster too. */
const rdsClusterInstance: Rights = (s, registered) => [
  {
    sid: "RdsEnvironmentClusterInstances",
    actions: RDS_INSTANCE_ACTIONS,
    resources: [
      ...inputs(registered, "identifier").flatMap((id) => arns(s, "rds", `db:${id}`)),
      ...inputs(registered, "clusterIdentifier").flatMap((id) => arns(s, "rds", `cluster:${id}`)),
      ...subnetGroupArns(s, registered),
      ...arns(s, "rds", "pg:default.*"),
    ],
  },
];
const rdsSubnetGroup: Rights = (s, registered) => [
  {
    sid: "RdsEnvironmentDatabases",
    actions: [
      "rds:CreateDBSubnetGroup",
      "rds:DescribeDBSubnetGroups",
      "rds:ModifyDBSubnetGroup",
      "rds:DeleteDBSubnetGroup",
      "rds:AddTagsToResource",
      "rds:ListTagsForResource",
    ],
    resources: inputs(registered, "name").flatMap((n) => arns(s, "rds", `subgrp:${n}`)),
  },
];

// --------------------------------------------------------------- alerts and analyzer

const eventRule: Rights = (s) => [
  {
    sid: "EventsRotationFailureRule",
    actions: [
      "events:PutRule",
      "events:DescribeRule",
      "events:DeleteRule",
      "events:EnableRule",
      "events:DisableRule",
      "events:ListTagsForResource",
      "events:TagResource",
      "events:UntagResource",
      "events:PutTargets",
      "events:RemoveTargets",
      "events:ListTargetsByRule",
    ],
    resources: arns(s, "events", `rule/${s.prefix}-*`),
  },
];
const metricAlarm: Rights = (s) => [
  {
    sid: "CloudWatchRotationAlarms",
    actions: [
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:DescribeAlarms",
      "cloudwatch:DeleteAlarms",
      "cloudwatch:ListTagsForResource",
      "cloudwatch:TagResource",
      "cloudwatch:UntagResource",
    ],
    resources: arns(s, "cloudwatch", `alarm:${s.prefix}-*`),
  },
];
const topics = (s: AccountScope) => arns(s, "sns", `${s.prefix}-*`);
const topic: Rights = (s) => [
  {
    sid: "SnsAlertTopic",
    actions: [
      "sns:CreateTopic",
      "sns:DeleteTopic",
      "sns:GetTopicAttributes",
      "sns:SetTopicAttributes",
      "sns:TagResource",
      "sns:UntagResource",
      "sns:ListTagsForResource",
    ],
    resources: topics(s),
  },
];
const topicPolicy: Rights = (s) => [
  {
    sid: "SnsAlertTopic",
    actions: ["sns:GetTopicAttributes", "sns:SetTopicAttributes"],
    resources: topics(s),
  },
];
const topicSubscription: Rights = (s) => [
  {
    sid: "SnsAlertTopic",
    actions: [
      "sns:Subscribe",
      "sns:Unsubscribe",
      "sns:GetSubscriptionAttributes",
      "sns:SetSubscriptionAttributes",
    ],
    resources: [...topics(s), ...topics(s).map((t) => `${t}:*`)],
  },
];
/**
 * aws-native resources go through Cloud Control (cloudformation:CreateResource and the
 * rest, which take no resource type), which calls the type's handlers with the caller's
 * rights: for AWS::AccessAnalyzer::Analyzer, the handler permissions of its registry schema.
 */
const analyzer: Rights = (s, registered) => [
  {
    sid: "CloudControlActionsHaveNoResourceType",
    actions: [
      "cloudformation:CreateResource",
      "cloudformation:GetResource",
      "cloudformation:UpdateResource",
      "cloudformation:DeleteResource",
      "cloudformation:GetResourceRequestStatus",
      "cloudformation:ListResources",
    ],
    resources: ["*"],
  },
  {
    sid: "AccessAnalyzerListHasNoResourceType",
    actions: ["access-analyzer:ListAnalyzers"],
    resources: ["*"],
  },
  {
    sid: "AccessAnalyzerEnvironmentAnalyzers",
    actions: [
      "access-analyzer:CreateAnalyzer",
      "access-analyzer:GetAnalyzer",
      "access-analyzer:DeleteAnalyzer",
      "access-analyzer:UpdateAnalyzer",
      "access-analyzer:TagResource",
      "access-analyzer:UntagResource",
      "access-analyzer:ListTagsForResource",
      "access-analyzer:ListArchiveRules",
      "access-analyzer:CreateArchiveRule",
      "access-analyzer:UpdateArchiveRule",
      "access-analyzer:DeleteArchiveRule",
      "access-analyzer:ApplyArchiveRule",
    ],
    resources: [
      ...inputs(registered, "analyzerName").flatMap((n) =>
        arns(s, "access-analyzer", `analyzer/${n}`),
      ),
      ...arns(s, "access-analyzer", `archive-rule/${s.prefix}-*/*`),
    ],
  },
  {
    // CreateAnalyzer makes the service-linked role once per account.
    sid: "IamAccessAnalyzerServiceLinkedRole",
    actions: ["iam:CreateServiceLinkedRole"],
    resources: [
      `arn:${s.partition}:iam::${s.accountId}:role/aws-service-role/access-analyzer.amazonaws.com/AWSServiceRoleForAccessAnalyzer`,
    ],
    condition: { StringEquals: { "iam:AWSServiceName": "access-analyzer.amazonaws.com" } },
  },
];

/**
 * A custom rotation function's permission for Secrets Manager (a non-database secret's
 * `rotation.lambdaArn`): on exactly the functions the environment file names.
 */
const lambdaPermission: Rights = (_s, registered) => [
  {
    sid: "LambdaCustomRotationPermissions",
    actions: ["lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy"],
    resources: inputs(registered, "function"),
  },
];

/** No AWS call: a provider resource, or a value generated on the machine that runs Pulumi. */
const none: Rights = () => [];

/** The deploy rights of every resource type the programs register, by type token. */
export const RESOURCE_RIGHTS: Readonly<Record<string, Rights>> = {
  "pulumi:providers:aws": none,
  "pulumi:providers:aws-native": none,
  "pulumi:providers:random": none,
  "random:index/randomPassword:RandomPassword": none,
  "aws:ec2/vpc:Vpc": vpc,
  "aws:ec2/subnet:Subnet": subnet,
  "aws:ec2/routeTable:RouteTable": routeTable,
  "aws:ec2/routeTableAssociation:RouteTableAssociation": routeTableAssociation,
  "aws:ec2/route:Route": route,
  "aws:ec2/securityGroup:SecurityGroup": securityGroup,
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": securityGroupRule,
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": securityGroupRule,
  "aws:ec2/vpcEndpoint:VpcEndpoint": vpcEndpoint,
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": peeringRequest,
  "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": peeringAccepter,
  "aws:ec2transitgateway/transitGateway:TransitGateway": transitGateway,
  "aws:ec2transitgateway/routeTable:RouteTable": transitGatewayRouteTable,
  "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation": transitGatewayRouting,
  "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation": transitGatewayRouting,
  "aws:ec2transitgateway/vpcAttachment:VpcAttachment": transitGatewayAttachment,
  "aws:ram/resourceShare:ResourceShare": resourceShare,
  "aws:ram/resourceAssociation:ResourceAssociation": resourceShare,
  "aws:ram/principalAssociation:PrincipalAssociation": resourceShare,
  "aws:ram/resourceShareAccepter:ResourceShareAccepter": resourceShareAccepter,
  "aws:kms/key:Key": key,
  "aws:kms/replicaKey:ReplicaKey": key,
  "aws:kms/alias:Alias": alias,
  "aws:secretsmanager/secret:Secret": secret,
  "aws:secretsmanager/secretVersion:SecretVersion": secretVersion,
  "aws:secretsmanager/secretPolicy:SecretPolicy": secretPolicy,
  "aws:secretsmanager/secretRotation:SecretRotation": secretRotation,
  "aws:serverlessrepository/cloudFormationStack:CloudFormationStack": cloudFormationStack,
  "aws:iam/role:Role": role,
  "aws:lambda/function:Function": lambdaFunction,
  "aws:lambda/invocation:Invocation": lambdaInvocation,
  "aws:cloudwatch/logGroup:LogGroup": logGroup,
  "aws:iam/rolePolicy:RolePolicy": rolePolicy,
  "aws:iam/instanceProfile:InstanceProfile": instanceProfile,
  "aws:lambda/permission:Permission": lambdaPermission,
  "aws:rds/instance:Instance": rdsInstance,
  "aws:rds/cluster:Cluster": rdsCluster,
  "aws:rds/clusterInstance:ClusterInstance": rdsClusterInstance,
  "aws:rds/subnetGroup:SubnetGroup": rdsSubnetGroup,
  "aws:cloudwatch/eventRule:EventRule": eventRule,
  "aws:cloudwatch/eventTarget:EventTarget": eventRule,
  "aws:cloudwatch/metricAlarm:MetricAlarm": metricAlarm,
  "aws:sns/topic:Topic": topic,
  "aws:sns/topicPolicy:TopicPolicy": topicPolicy,
  "aws:sns/topicSubscription:TopicSubscription": topicSubscription,
  "aws-native:accessanalyzer:Analyzer": analyzer,
};

/**
 * The rights of the reads the programs make (the invokes src/offline/mockCloud.ts answers;
 * any other invoke fails the plan, so this list is complete when the plan runs).
 */
export const INVOKE_RIGHTS: Readonly<
  Record<string, { readonly by: (s: AccountScope) => boolean; readonly rights: Rights }>
> = {
  // central reads the rotation function's execution role (components/rotationFunction.ts).
  "aws:lambda/getFunction:getFunction": {
    by: (s) => s.kind === "central",
    rights: (s) => [
      {
        sid: "LambdaRotationFunctions",
        actions: ["lambda:GetFunction"],
        resources: arns(s, "lambda", `function:${s.prefix}-*`),
      },
    ],
  },
  // An adopted VPC's endpoint, checked when the stack runs (src/stacks/network.ts).
  "aws:ec2/getVpcEndpoint:getVpcEndpoint": {
    by: (s) => s.account.existingVpc?.secretsManagerEndpointId !== undefined,
    rights: () => [describe("DescribeVpcEndpoints")],
  },
  // The CIDRs of that endpoint's subnets (the rotation functions' egress to it).
  "aws:ec2/getSubnet:getSubnet": {
    by: (s) => s.account.existingVpc?.secretsManagerEndpointId !== undefined,
    rights: () => [describe("DescribeSubnets")],
  },
  // An adopted VPC's CIDR blocks and DNS attributes: the provider reads the attributes with
  // DescribeVpcAttribute (vpc_data_source.go, FindVPCAttribute).
  "aws:ec2/getVpc:getVpc": {
    by: (s) => s.account.existingVpc !== undefined,
    rights: () => [describe("DescribeVpcs", "DescribeVpcAttribute")],
  },
};

/**
 * What `npm run verify` reads beyond what the deploy itself reads (src/verify): the
 * metrics of the rotation functions and of the alert rule, and the analyzers' findings.
 */
export const VERIFY_RIGHTS: Rights = (s) => {
  if (s.kind !== "central") return [];
  const { create, existing } = accessAnalyzers(s.env);
  const analyzers = [
    ...create.map(
      (r) => `arn:${s.partition}:access-analyzer:${r}:${s.accountId}:analyzer/${s.prefix}-account`,
    ),
    ...existing,
  ];
  return [
    {
      sid: "VerifyGetMetricDataHasNoResourceType",
      actions: ["cloudwatch:GetMetricData"],
      resources: ["*"],
    },
    {
      sid: "VerifyAccessAnalyzerFindings",
      actions: ["access-analyzer:ListFindingsV2", "access-analyzer:ListFindings"],
      resources: analyzers,
    },
  ];
};

/**
 * The Pulumi state in an S3 bucket (`pulumi login s3://<bucket>`): every stack job reads
 * and writes its stack's files (Pulumi docs, "State and backends", AWS S3: ListBucket,
 * GetObject, PutObject, DeleteObject).
 */
export function stateBucketRights(s: AccountScope, bucket: string): Grant[] {
  const arn = `arn:${s.partition}:s3:::${bucket}`;
  return [
    {
      sid: "PulumiStateBucket",
      actions: ["s3:ListBucket", "s3:GetBucketLocation"],
      resources: [arn],
    },
    {
      sid: "PulumiStateObjects",
      actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      resources: [`${arn}/*`],
    },
  ];
}
