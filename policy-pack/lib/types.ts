/** Resource type tokens the policies cover, for @pulumi/aws and @pulumi/aws-native alike. */
export const SECRET = ["aws:secretsmanager/secret:Secret", "aws-native:secretsmanager:Secret"];
export const ROTATION = [
  "aws:secretsmanager/secretRotation:SecretRotation",
  "aws-native:secretsmanager:RotationSchedule",
];
export const SECRET_POLICY = [
  "aws:secretsmanager/secretPolicy:SecretPolicy",
  "aws-native:secretsmanager:ResourcePolicy",
];
export const KEY = ["aws:kms/key:Key", "aws-native:kms:Key"];
export const REPLICA_KEY = ["aws:kms/replicaKey:ReplicaKey", "aws-native:kms:ReplicaKey"];
export const ENDPOINT = ["aws:ec2/vpcEndpoint:VpcEndpoint", "aws-native:ec2:VpcEndpoint"];
export const VPC = ["aws:ec2/vpc:Vpc", "aws-native:ec2:Vpc"];
export const SECURITY_GROUP = [
  "aws:ec2/securityGroup:SecurityGroup",
  "aws-native:ec2:SecurityGroup",
];
export const INGRESS_RULE = [
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:ec2/securityGroupRule:SecurityGroupRule",
  "aws-native:ec2:SecurityGroupIngress",
];
export const LAMBDA = ["aws:lambda/function:Function", "aws-native:lambda:Function"];
export const ROLE_POLICY = ["aws:iam/rolePolicy:RolePolicy", "aws-native:iam:RolePolicy"];
export const SAR_STACK = ["aws:serverlessrepository/cloudFormationStack:CloudFormationStack"];
export const PEERING = [
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  "aws-native:ec2:VpcPeeringConnection",
];
export const ROUTE = ["aws:ec2/route:Route", "aws-native:ec2:Route"];

/** Key policy property by type. */
export function keyPolicyOf(type: string, props: Record<string, unknown>): unknown {
  return type.startsWith("aws-native:") ? props.keyPolicy : props.policy;
}

/** Secret policy property by type. */
export function secretPolicyOf(type: string, props: Record<string, unknown>): unknown {
  return type.startsWith("aws-native:") ? props.resourcePolicy : props.policy;
}

/** True for a Secrets Manager interface endpoint. */
export function isSecretsManagerEndpoint(props: Record<string, unknown>): boolean {
  const service = String(props.serviceName ?? "");
  return /\.secretsmanager(-fips)?$/.test(service);
}
export const EVENT_RULE = ["aws:cloudwatch/eventRule:EventRule", "aws-native:events:Rule"];
export const EVENT_TARGET = ["aws:cloudwatch/eventTarget:EventTarget"];
export const TOPIC = ["aws:sns/topic:Topic", "aws-native:sns:Topic"];
export const SUBSCRIPTION = [
  "aws:sns/topicSubscription:TopicSubscription",
  "aws-native:sns:Subscription",
];
export const EGRESS_RULE = [
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  "aws-native:ec2:SecurityGroupEgress",
];
export const ROUTE_TABLE = ["aws:ec2/routeTable:RouteTable", "aws-native:ec2:RouteTable"];
export const PREFIX_LIST = [
  "aws:ec2/managedPrefixList:ManagedPrefixList",
  "aws-native:ec2:PrefixList",
];
export const TRANSIT_GATEWAY = [
  "aws:ec2transitgateway/transitGateway:TransitGateway",
  "aws-native:ec2:TransitGateway",
];
export const TGW_VPC_ATTACHMENT = [
  "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
  "aws-native:ec2:TransitGatewayVpcAttachment",
];
export const TGW_ROUTE_TABLE = [
  "aws:ec2transitgateway/routeTable:RouteTable",
  "aws-native:ec2:TransitGatewayRouteTable",
];
export const TGW_ROUTE = [
  "aws:ec2transitgateway/route:Route",
  "aws-native:ec2:TransitGatewayRoute",
];
export const TGW_PROPAGATION = [
  "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation",
  "aws-native:ec2:TransitGatewayRouteTablePropagation",
];

/** RDS DB instances and Aurora DB clusters: what holds a database's storage and settings. */
export const DB_INSTANCE = ["aws:rds/instance:Instance", "aws-native:rds:DbInstance"];
export const DB_CLUSTER = ["aws:rds/cluster:Cluster", "aws-native:rds:DbCluster"];
/** The instances of an Aurora cluster (aws-native models them as DB instances). */
export const CLUSTER_INSTANCE = ["aws:rds/clusterInstance:ClusterInstance"];

/**
 * Every type the environment and transit gateway groups read: policies/environment.ts,
 * policies/transitGateway.ts and policies/counting.ts take no other list from here and name
 * no other type (tests/policy-pack/environmentTypes.test.ts holds them to that). The offline
 * plan's pass over all stacks together sends only these: the pack's server deserializes
 * every resource it is sent once per stack policy, which at 500 workloads made that pass
 * a fifth of the plan.
 */
export const ENVIRONMENT_TYPES: readonly string[] = [
  ...EGRESS_RULE,
  ...ENDPOINT,
  ...INGRESS_RULE,
  ...LAMBDA,
  ...PEERING,
  ...PREFIX_LIST,
  ...ROUTE,
  ...ROUTE_TABLE,
  ...SAR_STACK,
  ...SECURITY_GROUP,
  ...VPC,
  ...TGW_PROPAGATION,
  ...TGW_ROUTE,
  ...TGW_ROUTE_TABLE,
  ...TGW_VPC_ATTACHMENT,
];
