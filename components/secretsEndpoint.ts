import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link SecretsEndpoint}: the common ones and exactly one allowed source. */
export type SecretsEndpointArgs = SecretsEndpointCommonArgs &
  (SecretsEndpointFromSecurityGroup | SecretsEndpointFromCidrs);

/** Arguments of {@link SecretsEndpoint} whatever the allowed source. */
export interface SecretsEndpointCommonArgs {
  /** VPC to place the endpoint in. */
  vpcId: pulumi.Input<string>;
  /** Region of the VPC; names the service `com.amazonaws.<region>.secretsmanager`. */
  region: string;
  /** Subnets to place an endpoint interface in (every private subnet). */
  subnetIds: pulumi.Input<string>[];
  /** Tags. Default: none. */
  tags?: Record<string, string>;
}

/** HTTPS admitted from one security group. */
export interface SecretsEndpointFromSecurityGroup {
  /** Security group allowed to reach the endpoint on 443. Required in this form. */
  allowedSecurityGroupId: pulumi.Input<string>;
  /** Not in this form: set `allowedSecurityGroupId` or `allowedCidrs`, not both. */
  allowedCidrs?: never;
}

/** HTTPS admitted from CIDR blocks. */
export interface SecretsEndpointFromCidrs {
  /** CIDR blocks allowed to reach the endpoint on 443 (at least one). Required in this form. */
  allowedCidrs: string[];
  /** Not in this form: set `allowedSecurityGroupId` or `allowedCidrs`, not both. */
  allowedSecurityGroupId?: never;
}

/**
 * A Secrets Manager interface endpoint with private DNS on, so that the standard
 * `secretsmanager.<region>.amazonaws.com` name resolves to the endpoint inside the VPC,
 * guarded by a security group that admits HTTPS (443) only from the named source.
 */
export class SecretsEndpoint extends pulumi.ComponentResource {
  public readonly endpointId: pulumi.Output<string>;
  public readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: SecretsEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:network:SecretsEndpoint", name, {}, opts);
    if (args.allowedCidrs !== undefined && args.allowedCidrs.length === 0) {
      throw new Error(`SecretsEndpoint ${name}: allowedCidrs needs at least one CIDR`);
    }

    const sg = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: "Secrets Manager interface endpoint: HTTPS from allowed sources only",
        revokeRulesOnDelete: true,
        tags: { ...args.tags, Name: `${name}-sg` },
      },
      { parent: this },
    );
    if (args.allowedCidrs === undefined) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-https-from-sg`,
        {
          securityGroupId: sg.id,
          referencedSecurityGroupId: args.allowedSecurityGroupId,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          description: "HTTPS from the allowed security group",
        },
        { parent: this },
      );
    } else {
      args.allowedCidrs.forEach(
        (cidr, i) =>
          new aws.vpc.SecurityGroupIngressRule(
            `${name}-https-from-cidr-${i}`,
            {
              securityGroupId: sg.id,
              cidrIpv4: cidr,
              ipProtocol: "tcp",
              fromPort: 443,
              toPort: 443,
              description: `HTTPS from ${cidr}`,
            },
            { parent: this },
          ),
      );
    }

    const endpoint = new aws.ec2.VpcEndpoint(
      `${name}-endpoint`,
      {
        vpcId: args.vpcId,
        // `com.amazonaws.` in every partition for Secrets Manager: the AWS CDK lists the
        // services whose China endpoints are `cn.com.amazonaws.…` (aws-ec2/lib/vpc-endpoint.ts,
        // getDefaultEndpointPrefix) and secretsmanager is not among them.
        serviceName: `com.amazonaws.${args.region}.secretsmanager`,
        vpcEndpointType: "Interface",
        // The provider defaults to false (the console to true): set it explicitly.
        privateDnsEnabled: true,
        subnetIds: args.subnetIds,
        securityGroupIds: [sg.id],
        tags: { ...args.tags, Name: `${name}-endpoint` },
      },
      { parent: this },
    );

    this.endpointId = endpoint.id;
    this.securityGroupId = sg.id;
    this.registerOutputs({ endpointId: this.endpointId, securityGroupId: this.securityGroupId });
  }
}
