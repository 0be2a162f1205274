import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link SecretsEndpoint}. */
export interface SecretsEndpointArgs {
  vpcId: pulumi.Input<string>;
  /** Region of the VPC; names the service `com.amazonaws.<region>.secretsmanager`. */
  region: string;
  /** Subnets to place an endpoint interface in (every private subnet). */
  subnetIds: pulumi.Input<string>[];
  /** Security group allowed to reach the endpoint on 443. Exactly one of this and `allowedCidrs`. */
  allowedSecurityGroupId?: pulumi.Input<string>;
  /** CIDR blocks allowed to reach the endpoint on 443. Exactly one of this and `allowedSecurityGroupId`. */
  allowedCidrs?: string[];
  /** Tags. Default: none. */
  tags?: Record<string, string>;
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
    const bySg = args.allowedSecurityGroupId !== undefined;
    const byCidr = args.allowedCidrs !== undefined && args.allowedCidrs.length > 0;
    if (bySg === byCidr) {
      throw new Error(
        `SecretsEndpoint ${name}: set exactly one of allowedSecurityGroupId and allowedCidrs`,
      );
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
    if (bySg) {
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
      args.allowedCidrs!.forEach(
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
