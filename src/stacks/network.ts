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
 * The account's Secrets Manager interface endpoint: an existing one when the file names it
 * (checked: the Secrets Manager service of the account's Region, in its VPC, with private
 * DNS on, or the SDKs would call the public endpoint, which a private VPC cannot reach), else
 * a new one in the private subnets.
 */
export async function secretsEndpoint(
  account: Account,
  network: AccountNetwork,
  name: string,
  args: EndpointSource & {
    tags: Record<string, string>;
    opts: pulumi.ComponentResourceOptions;
    provider: aws.Provider;
  },
): Promise<SecretsEndpoint | undefined> {
  const existingId = account.existingVpc?.secretsManagerEndpointId;
  if (existingId) {
    const endpoint = await aws.ec2.getVpcEndpoint({ id: existingId }, { provider: args.provider });
    const problem = existingEndpointProblem(endpoint, {
      region: account.region,
      vpcId: account.existingVpc!.vpcId,
    });
    if (problem) {
      // A RunError: `pulumi up` prints its message alone, without a stack trace.
      throw new pulumi.RunError(
        `secrets-hub:existingVpc.secretsManagerEndpointId ${existingId}: ${problem}`,
      );
    }
    return undefined;
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
  endpoint: { serviceName: string; vpcId: string; privateDnsEnabled: boolean; state: string },
  expected: { region: string; vpcId: string },
): string | undefined {
  const service = `com.amazonaws.${expected.region}.secretsmanager`;
  if (endpoint.serviceName !== service)
    return `is an endpoint of ${endpoint.serviceName}, not ${service}`;
  if (endpoint.vpcId !== expected.vpcId)
    return `is in ${endpoint.vpcId}, not in existingVpc.vpcId ${expected.vpcId}`;
  if (!endpoint.privateDnsEnabled)
    return "has private DNS off: turn it on (aws ec2 modify-vpc-endpoint --private-dns-enabled), or let secrets-hub create an endpoint by removing secretsManagerEndpointId";
  if (endpoint.state.toLowerCase() !== "available") return `is ${endpoint.state}, not available`;
  return undefined;
}
