import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { secretsManagerService, serviceTrustPolicy } from "./iamDocuments";
import { toJson } from "./policyJson";

/** What the application may read, once the central stack has exported it. */
export interface SecretGrant {
  /** The workload's secret, primary and replica ARNs. */
  secretArns: string[];
  /** The CMK and replica key ARNs. */
  keyArns: string[];
  /** Regions of the secret (primary and replica), for the `kms:ViaService` condition. */
  regions: string[];
}

/** Arguments of {@link ApplicationRole}. */
export interface ApplicationRoleArgs {
  /** IAM role name (deterministic: the central key and secret policies name its ARN). */
  roleName: string;
  /** Service principals trusted to assume the role. Default: `["ec2.amazonaws.com"]`. */
  trustedServices?: readonly string[];
  /** Secret access; absent before the central stack exists (phase 1): no identity policy yet. */
  grant?: SecretGrant;
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/**
 * The workload's application role: trusted by the configured services (an instance
 * profile when EC2 is among them) and, once the central secrets exist, allowed exactly
 * `GetSecretValue`/`DescribeSecret` on its own secret ARNs and `kms:Decrypt` on the two
 * key ARNs through Secrets Manager. Nothing wider.
 */
export class ApplicationRole extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;
  public readonly roleName: pulumi.Output<string>;
  public readonly instanceProfileArn?: pulumi.Output<string>;

  constructor(name: string, args: ApplicationRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:workload:ApplicationRole", name, {}, opts);
    const services = args.trustedServices ?? ["ec2.amazonaws.com"];
    if (services.length === 0)
      throw new Error(`ApplicationRole ${name}: trustedServices must not be empty`);
    if (args.grant && (args.grant.secretArns.length === 0 || args.grant.keyArns.length === 0)) {
      throw new Error(`ApplicationRole ${name}: grant needs secretArns and keyArns`);
    }

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: args.roleName,
        description: "Application role that reads its database secret from the central account",
        assumeRolePolicy: toJson(serviceTrustPolicy(services)),
        maxSessionDuration: 3600,
        tags: args.tags,
      },
      { parent: this },
    );

    if (services.includes("ec2.amazonaws.com")) {
      const profile = new aws.iam.InstanceProfile(
        `${name}-profile`,
        { name: args.roleName, role: role.name, tags: args.tags },
        { parent: this },
      );
      this.instanceProfileArn = profile.arn;
    }

    if (args.grant) {
      new aws.iam.RolePolicy(
        `${name}-read-secret`,
        {
          role: role.name,
          name: "read-database-secret",
          policy: toJson({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "ReadOwnSecret",
                Effect: "Allow",
                Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                Resource: [...args.grant.secretArns],
              },
              {
                Sid: "DecryptOwnSecret",
                Effect: "Allow",
                Action: "kms:Decrypt",
                Resource: [...args.grant.keyArns],
                Condition: {
                  StringEquals: { "kms:ViaService": args.grant.regions.map(secretsManagerService) },
                },
              },
            ],
          }),
        },
        { parent: this },
      );
    }

    this.roleArn = role.arn;
    this.roleName = role.name;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
