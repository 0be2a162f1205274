import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type SecretGrant, secretReaderIdentityPolicy, serviceTrustPolicy } from "./iamDocuments";
import { toJson } from "./policyJson";

export type { SecretGrant };

/** Arguments of {@link ApplicationRole}. */
export interface ApplicationRoleArgs {
  /** IAM role name (deterministic: the central key and secret policies name its ARN). */
  roleName: string;
  /** Service principals trusted to assume the role. Default: `["ec2.amazonaws.com"]`. */
  trustedServices?: readonly string[];
  /** Secret access; absent before the central stack exists (phase 1): no identity policy yet. */
  grant?: SecretGrant;
  /** The role's description. Default: the one-database description it always had. */
  description?: string;
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/** Arguments of {@link ExistingReader}. */
export interface ExistingReaderArgs {
  /** The existing role (of the workload's account). */
  roleArn: string;
  /** Name of the inline policy the program adds (other inline policies of the role stay). */
  policyName: string;
  /** Secret access; absent before the central stack exists. */
  grant?: SecretGrant;
}

/**
 * An existing role of the workload's account that reads some of the central secrets: the
 * program adds one inline policy to it (`PutRolePolicy` on the role's name, the last part
 * of its ARN: IAM's inline policies are addressed by role name, path excluded) and nothing
 * else: its trust, its other policies and its lifecycle stay its owner's.
 */
export class ExistingReader extends pulumi.ComponentResource {
  public readonly roleArn: string;

  constructor(name: string, args: ExistingReaderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secrets-hub:workload:ExistingReader", name, {}, opts);
    this.roleArn = args.roleArn;
    if (args.grant) {
      new aws.iam.RolePolicy(
        `${name}-read-secrets`,
        {
          role: roleNameOf(args.roleArn),
          name: args.policyName,
          policy: toJson(secretReaderIdentityPolicy(args.grant)),
        },
        { parent: this },
      );
    }
    this.registerOutputs({ roleArn: this.roleArn });
  }
}

/** The role name of a role ARN: its last path segment (`arn:aws:iam::1:role/a/b/name` is `name`). */
export function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf("/") + 1);
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
        description:
          args.description ??
          "Application role that reads its database secret from the central account",
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
          policy: toJson(secretReaderIdentityPolicy(args.grant)),
        },
        { parent: this },
      );
    }

    this.roleArn = role.arn;
    this.roleName = role.name;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
