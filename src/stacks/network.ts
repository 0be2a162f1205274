/**
 * The network an account program builds on: a VPC this program creates (the Network
 * component), or one that exists (`existingVpc` in the environment file), seen through the
 * same shape; and the account's Secrets Manager endpoint, created or existing.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Network } from "../../components/network";
import { SecretsEndpoint } from "../../components/secretsEndpoint";
import type { Account } from "../config";
import { privateSubnetLayout } from "../../kernel/cidr";

/** What the programs use of an account's network. */
export interface AccountNetwork {
  vpcId: pulumi.Input<string>;
  /** Private subnets, one per availability zone. */
  privateSubnetIds: pulumi.Input<string>[];
  privateSubnetCidrs: string[];
  privateRouteTableIds: pulumi.Input<string>[];
}

/**
 * The CIDRs of an account's private subnets, from the environment file alone: an existing
 * VPC's as the file lists them, else those the Network component carves. For central these
 * are the rotation functions' subnets, so a workload stack admits exactly them to its
 * databases from its first run, before central has exported anything.
 */
export function privateSubnetCidrsOf(account: Account): string[] {
  return account.existingVpc
    ? account.existingVpc.subnets.map((s) => s.cidr)
    : privateSubnetLayout(
        account.vpcCidr,
        account.availabilityZones.length,
        account.subnetPrefixLength,
      );
}

/** The account's VPC: the existing one named in the file, or a new private one. */
export function accountNetwork(
  account: Account,
  name: string,
  tags: Record<string, string>,
  opts: pulumi.ComponentResourceOptions,
): AccountNetwork {
  const existing = account.existingVpc;
  if (existing) {
    return {
      vpcId: existing.vpcId,
      privateSubnetIds: existing.subnets.map((s) => s.id),
      privateSubnetCidrs: privateSubnetCidrsOf(account),
      privateRouteTableIds: [...existing.privateRouteTableIds],
    };
  }
  return new Network(
    name,
    {
      cidrBlock: account.vpcCidr,
      availabilityZones: account.availabilityZones,
      subnetPrefixLength: account.subnetPrefixLength,
      tags,
    },
    opts,
  );
}

/** Who may reach the endpoint on 443. */
export type EndpointSource =
  | { kind: "cidrs"; cidrs: string[] }
  | { kind: "security-group"; securityGroupId: pulumi.Input<string> };

/**
 * An adopted VPC as AWS has it, checked against the file before anything is built in it:
 * the file's `vpcCidr` is one of its CIDR blocks (the peering routes, the peer's rules and
 * the rotation egress are computed from it), and DNS support and DNS hostnames are on, as
 * an interface endpoint with private DNS requires (EC2 API, CreateVpcEndpoint
 * PrivateDnsEnabled: "To use a private hosted zone, you must set the following VPC
 * attributes to true: enableDnsHostnames and enableDnsSupport"). What the
 * lookup returns (`cidrBlock`, `cidrBlockAssociations` with their `state`,
 * `enableDnsSupport`, `enableDnsHostnames`, the last two read with DescribeVpcAttribute):
 * terraform-provider-aws internal/service/ec2/vpc_data_source.go, dataSourceVPCRead.
 */
export async function checkExistingVpc(
  account: Account,
  keyPath: string,
  provider: aws.Provider,
): Promise<void> {
  const existing = account.existingVpc;
  if (!existing) return;
  const vpc = await aws.ec2.getVpc({ id: existing.vpcId }, { provider });
  const problem = existingVpcProblem(vpc, { vpcCidr: account.vpcCidr, vpcId: existing.vpcId });
  // A RunError: `pulumi up` prints its message alone, without a stack trace.
  if (problem) throw new pulumi.RunError(`${keyPath}.${problem}`);
}

/** Why an existing VPC does not match the file or cannot hold a private-DNS endpoint, if so. */
export function existingVpcProblem(
  vpc: Pick<
    aws.ec2.GetVpcResult,
    "cidrBlock" | "cidrBlockAssociations" | "enableDnsSupport" | "enableDnsHostnames"
  >,
  expected: { vpcCidr: string; vpcId: string },
): string | undefined {
  const blocks = [
    vpc.cidrBlock,
    ...vpc.cidrBlockAssociations.filter((a) => a.state === "associated").map((a) => a.cidrBlock),
  ].filter((b, i, all) => all.indexOf(b) === i);
  if (!blocks.includes(expected.vpcCidr))
    return `vpcCidr: ${expected.vpcCidr} is not a CIDR block of existingVpc.vpcId ${expected.vpcId} (it has ${blocks.join(", ")}): set vpcCidr to the block its subnets are in`;
  const off = [
    ...(vpc.enableDnsSupport ? [] : ["enableDnsSupport"]),
    ...(vpc.enableDnsHostnames ? [] : ["enableDnsHostnames"]),
  ];
  if (off.length > 0)
    return `existingVpc.vpcId: ${expected.vpcId} has ${off.join(" and ")} off; the Secrets Manager endpoint's private DNS needs both on: ${off
      .map(
        (a) =>
          `aws ec2 modify-vpc-attribute --vpc-id ${expected.vpcId} --${a === "enableDnsSupport" ? "enable-dns-support" : "enable-dns-hostnames"} '{"Value":true}'`,
      )
      .join(", then ")}`;
  return undefined;
}

/** An existing Secrets Manager endpoint, as AWS has it, once checked. */
export interface ExistingEndpoint {
  id: string;
  /** The subnets its network interfaces are in, and their CIDRs (sorted by subnet id). */
  subnetIds: string[];
  subnetCidrs: string[];
  /** Its security groups (sorted); any of them admitting a source lets it in. */
  securityGroupIds: string[];
}

/**
 * The account's existing Secrets Manager endpoint when the file names one, read and checked
 * (the Secrets Manager service of the account's Region, an interface endpoint in its VPC,
 * with private DNS on, or the SDKs would call the public endpoint, which a private VPC
 * cannot reach), with the CIDRs of the subnets it really has (not the file's subnets: an
 * endpoint may sit in others). What the lookup returns (`subnetIds`, `securityGroupIds`
 * from the endpoint's Groups, `privateDnsEnabled`, `vpcEndpointType`, `state`, `vpcId`,
 * `serviceName`; `dnsOptions` only carries the record IP type):
 * terraform-provider-aws internal/service/ec2/vpc_endpoint_data_source.go,
 * dataSourceVPCEndpointRead; a subnet's `cidrBlock`: vpc_subnet_data_source.go.
 */
export async function existingSecretsEndpoint(
  account: Account,
  /** The account's key in the file (`secrets-hub:central`, `secrets-hub:workloads[1]`), for the message. */
  keyPath: string,
  provider: aws.Provider,
): Promise<ExistingEndpoint | undefined> {
  const id = account.existingVpc?.secretsManagerEndpointId;
  if (!id) return undefined;
  const endpoint = await aws.ec2.getVpcEndpoint({ id }, { provider });
  const problem = existingEndpointProblem(endpoint, {
    region: account.region,
    vpcId: account.existingVpc!.vpcId,
  });
  if (problem) {
    // A RunError: `pulumi up` prints its message alone, without a stack trace.
    throw new pulumi.RunError(`${keyPath}.existingVpc.secretsManagerEndpointId ${id}: ${problem}`);
  }
  const subnetIds = [...endpoint.subnetIds].sort();
  const subnets = await Promise.all(
    subnetIds.map((subnetId) => aws.ec2.getSubnet({ id: subnetId }, { provider })),
  );
  return {
    id,
    subnetIds,
    subnetCidrs: subnets.map((s) => s.cidrBlock),
    securityGroupIds: [...endpoint.securityGroupIds].sort(),
  };
}

/**
 * The account's Secrets Manager interface endpoint: a new one in the private subnets, or,
 * when the file names an existing one ({@link existingSecretsEndpoint}), a security group
 * source admitted to it: one ingress rule on 443 on the endpoint's first security group (the
 * rules of a network interface's groups add up, so one group admitting is enough), which
 * the program owns as it owns the rules on an adopted database's group. A CIDR source needs
 * nothing: the endpoint's owner admits the account's own clients.
 */
export function secretsEndpoint(
  account: Account,
  network: AccountNetwork,
  name: string,
  args: EndpointSource & {
    existing: ExistingEndpoint | undefined;
    tags: Record<string, string>;
    opts: pulumi.ComponentResourceOptions;
    /** The account's provider (an existing endpoint's rule is a resource of the stack). */
    provider: aws.Provider;
  },
): pulumi.Resource | undefined {
  const existing = args.existing;
  if (existing) {
    if (args.kind === "cidrs") return undefined;
    return new aws.vpc.SecurityGroupIngressRule(
      `${name}-https-from-sg`,
      {
        securityGroupId: existing.securityGroupIds[0],
        referencedSecurityGroupId: args.securityGroupId,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        description: "HTTPS from the secrets-hub rotation functions (secrets-hub)",
      },
      { provider: args.provider },
    );
  }
  return new SecretsEndpoint(
    name,
    {
      vpcId: network.vpcId,
      region: account.region,
      subnetIds: network.privateSubnetIds,
      ...(args.kind === "cidrs"
        ? { allowedCidrs: args.cidrs }
        : { allowedSecurityGroupId: args.securityGroupId }),
      tags: args.tags,
    },
    args.opts,
  );
}

/** Why an existing endpoint cannot serve as the account's Secrets Manager endpoint, if it cannot. */
export function existingEndpointProblem(
  endpoint: Pick<
    aws.ec2.GetVpcEndpointResult,
    | "serviceName"
    | "vpcId"
    | "privateDnsEnabled"
    | "state"
    | "vpcEndpointType"
    | "subnetIds"
    | "securityGroupIds"
  >,
  expected: { region: string; vpcId: string },
): string | undefined {
  const service = `com.amazonaws.${expected.region}.secretsmanager`;
  if (endpoint.serviceName !== service)
    return `is an endpoint of ${endpoint.serviceName}, not ${service}`;
  if (endpoint.vpcId !== expected.vpcId)
    return `is in ${endpoint.vpcId}, not in existingVpc.vpcId ${expected.vpcId}`;
  if (endpoint.vpcEndpointType !== "Interface")
    return `is a ${endpoint.vpcEndpointType} endpoint, not an Interface endpoint`;
  if (!endpoint.privateDnsEnabled)
    return "has private DNS off: turn it on (aws ec2 modify-vpc-endpoint --private-dns-enabled), or let secrets-hub create an endpoint by removing secretsManagerEndpointId";
  if (endpoint.state.toLowerCase() !== "available") return `is ${endpoint.state}, not available`;
  if (endpoint.subnetIds.length === 0) return "has no subnet: add one in each zone of the VPC";
  if (endpoint.securityGroupIds.length === 0)
    return "has no security group: the program admits the rotation functions to one of them";
  return undefined;
}
