import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, secretsManagerService, serviceTrustPolicy } from "./iamDocuments";
import { toJson } from "./policyJson";

/** The database users one setup function serves: the ARN patterns of their two secrets. */
export interface ApplicationUserSecrets {
  /** The master secret (ARN, or a pattern matching it alone: `…:secret:<name>-??????`). */
  masterSecretArn: string;
  /** The application secret, likewise. */
  userSecretArn: string;
}

/** Arguments of {@link ApplicationUserSetup}. */
export interface ApplicationUserSetupArgs {
  /** Prefix of the function's and its role's names, e.g. `secrets-hub-dev`. */
  namePrefix: string;
  /** Region of the function (names the Secrets Manager service in the key grant). */
  region: string;
  /** The rotation functions' private subnets: the same network path as the rotation. */
  subnetIds: pulumi.Input<string>[];
  /**
   * The rotation functions' security groups (RotationFunction.securityGroupIds): HTTPS to
   * the Secrets Manager endpoint and each database port, nothing else.
   */
  securityGroupIds: pulumi.Input<string>[];
  /** The CMK the secrets are encrypted with: Decrypt through Secrets Manager only. */
  kmsKeyArn: pulumi.Input<string>;
  /** Every multi-user database's secrets: the role reads exactly these. At least one. */
  secrets: ApplicationUserSecrets[];
  /** Days the function's log group keeps its events. Default: 365. */
  logRetentionInDays?: number;
  /** Tags for every taggable child. Default: none. */
  tags?: Record<string, string>;
}

/** The function's source folder and its entry point. */
const SOURCE_DIR = path.join(__dirname, "..", "functions", "application-user");
const ENTRY = path.join(SOURCE_DIR, "index.ts");

/**
 * The setup function of multi-user databases' application users: a Lambda function
 * (functions/application-user) in the rotation functions' subnets with their security groups,
 * so that it reaches the databases and the Secrets Manager endpoint the way the rotation does
 * and nothing else, and one `aws.lambda.Invocation` per database ({@link invocationFor}) that
 * runs it once, after both secrets have their first value and before the application
 * secret's rotation starts.
 *
 * The Invocation (Terraform provider, internal/service/lambda/invocation.go): with the
 * default `lifecycleScope` `CREATE_ONLY` it invokes the function on create and on replacement
 * only: `functionName`, `input` and `triggers` force a replacement, nothing happens on delete,
 * and read is a no-op. The function's answer is stored in state as `result` (and a function
 * error fails the update with its payload): so the input holds the two ARNs only and the
 * function returns and raises nothing secret. `triggers` holds the hash of the function's
 * source: a new release of the rights re-runs every database's setup, which is idempotent
 * (a user that exists keeps its password).
 */
export class ApplicationUserSetup extends pulumi.ComponentResource {
  /** Name of the setup function. */
  public readonly functionName: string;
  public readonly functionArn: pulumi.Output<string>;
  private readonly componentName: string;
  private readonly fn: aws.lambda.Function;
  private readonly grants: pulumi.Resource[];
  private readonly served: ApplicationUserSecrets[];
  private readonly codeHash: string;

  constructor(
    name: string,
    args: ApplicationUserSetupArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("secrets-hub:central:ApplicationUserSetup", name, {}, opts);
    this.componentName = name;
    if (args.secrets.length === 0) {
      throw new Error(
        `ApplicationUserSetup ${name}: secrets must name at least one database (create the setup only when a multi-user database exists)`,
      );
    }
    const retention = args.logRetentionInDays ?? 365;
    this.functionName = `${args.namePrefix}-application-user`;
    // Lambda: a function name has at most 64 characters; IAM: a role name at most 64.
    if (this.functionName.length > 64) {
      throw new Error(
        `ApplicationUserSetup ${name}: function name ${this.functionName} is ${this.functionName.length} characters; Lambda allows 64 (shorten namePrefix)`,
      );
    }
    this.served = args.secrets;
    const code = applicationUserCode();
    this.codeHash = code.hash;

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: this.functionName,
        description: "Creates the application users of multi-user databases (secrets-hub)",
        assumeRolePolicy: toJson(serviceTrustPolicy(["lambda.amazonaws.com"])),
        tags: args.tags,
      },
      { parent: this },
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        // Lambda's default group name: the function writes there without loggingConfig.
        name: `/aws/lambda/${this.functionName}`,
        retentionInDays: retention,
        tags: args.tags,
      },
      { parent: this },
    );
    const policy = (suffix: string, document: pulumi.Input<PolicyDocument>) =>
      new aws.iam.RolePolicy(
        `${name}-${suffix}`,
        { role: role.name, name: `secrets-hub-${suffix}`, policy: toJson(document) },
        { parent: this },
      );
    this.grants = [
      policy("network", networkPolicy(args.region)),
      policy(
        "secrets",
        pulumi
          .output(args.kmsKeyArn)
          .apply((keyArn) => secretReadPolicy(args.secrets, keyArn, args.region)),
      ),
      policy(
        "logs",
        logGroup.arn.apply((arn) => logWritePolicy(arn)),
      ),
    ];

    this.fn = new aws.lambda.Function(
      `${name}-function`,
      {
        name: this.functionName,
        description: "Creates the application user of a multi-user database (secrets-hub)",
        runtime: aws.lambda.Runtime.NodeJS22dX,
        handler: "index.handler",
        // A file asset: the state keeps its path and hash, not the 1 MB of code; Pulumi compares
        // assets by hash, so the same bundle built elsewhere is no change.
        code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset(code.file) }),
        role: role.arn,
        // Six login attempts 5 s apart (a master rotation in flight), each connection 5 s.
        timeout: 120,
        memorySize: 256,
        vpcConfig: { subnetIds: args.subnetIds, securityGroupIds: args.securityGroupIds },
        environment: {
          // Lambda's Node.js 20+ runtimes load the Amazon CAs (RDS's among them) only when
          // told to (AWS Lambda Developer Guide, "Building Lambda functions with Node.js").
          variables: { NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem" },
        },
        tags: args.tags,
      },
      // The log group first, or Lambda creates it without retention on the first write.
      { parent: this, dependsOn: [logGroup, ...this.grants] },
    );
    this.functionArn = this.fn.arn;
    this.registerOutputs({ functionArn: this.functionArn });
  }

  /**
   * The invocation that creates one database's application user: `key` names it (the
   * workload), `secrets` are the real ARNs of the two secrets (the ones this setup was given
   * patterns of), `dependsOn` what must exist first (both first versions; the master's
   * rotation, whose start the function tolerates). Returns it, for the application secret's
   * rotation to depend on (DatabaseSecretArgs.beforeRotation).
   */
  public invocationFor(
    key: string,
    secrets: { masterSecretArn: pulumi.Input<string>; userSecretArn: pulumi.Input<string> },
    dependsOn: pulumi.Input<pulumi.Resource>[],
  ): aws.lambda.Invocation {
    return new aws.lambda.Invocation(
      `${this.componentName}-${key}`,
      {
        functionName: this.fn.name,
        // ARNs only: the input is stored in state, and so is the result.
        input: pulumi.jsonStringify({
          masterSecretArn: secrets.masterSecretArn,
          userSecretArn: secrets.userSecretArn,
        }),
        lifecycleScope: "CREATE_ONLY",
        triggers: { source: this.codeHash },
      },
      { parent: this, dependsOn: [this.fn, ...this.grants, ...dependsOn] },
    );
  }

  /** The secrets this setup's role may read (for tests and the lead's wiring checks). */
  public get secrets(): readonly ApplicationUserSecrets[] {
    return this.served;
  }
}

/**
 * What AWSLambdaVPCAccessExecutionRole grants, scoped as far as EC2 allows: the network
 * interfaces Lambda creates for a VPC function in the function's Region and account
 * (Lambda Developer Guide, "Giving Lambda functions access to resources in an Amazon VPC":
 * CreateNetworkInterface, DescribeNetworkInterfaces, DescribeSubnets, DeleteNetworkInterface,
 * AssignPrivateIpAddresses, UnassignPrivateIpAddresses). The Describe calls support no
 * resource-level permissions (Service Authorization Reference, Amazon EC2): `*`.
 */
function networkPolicy(region: string): PolicyDocument {
  const inRegion = (type: string) => `arn:*:ec2:${region}:*:${type}/*`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "LambdaVpcInterfaces",
        Effect: "Allow",
        Action: [
          "ec2:CreateNetworkInterface",
          "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
        ],
        Resource: [inRegion("network-interface"), inRegion("subnet"), inRegion("security-group")],
      },
      {
        Sid: "DescribeHasNoResourceType",
        Effect: "Allow",
        Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
        Resource: "*",
      },
    ],
  };
}

/**
 * GetSecretValue on exactly the served secrets (both stages the function reads), and
 * Decrypt on the CMK only through Secrets Manager of the Region.
 */
export function secretReadPolicy(
  secrets: readonly ApplicationUserSecrets[],
  keyArn: string,
  region: string,
): PolicyDocument {
  const arns = [...new Set(secrets.flatMap((s) => [s.masterSecretArn, s.userSecretArn]))].sort();
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadServedSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: arns,
      },
      {
        Sid: "DecryptViaSecretsManager",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: keyArn,
        Condition: { StringEquals: { "kms:ViaService": secretsManagerService(region) } },
      },
    ],
  };
}

function logWritePolicy(logGroupArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "WriteOwnLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${logGroupArn.replace(/:\*$/, "")}:*`,
      },
    ],
  };
}

/** The bundled function: the file that holds it and the hash of what it was built from. */
export interface BundledCode {
  file: string;
  hash: string;
}

let bundled: BundledCode | undefined;

/**
 * The function bundled into one CommonJS file by esbuild, at program time and only when a
 * multi-user database exists (this component is built only then). Cached by the hash of the
 * sources and of the installed drivers' versions, in memory and under
 * node_modules/.cache/secrets-hub, so that a plan with an unchanged function reads one file.
 * The AWS SDK is the runtime's (Lambda includes SDK v3 in Node.js 18 and later); pg's optional
 * native binding is left out.
 */
export function applicationUserCode(): BundledCode {
  if (bundled) return bundled;
  const root = path.join(__dirname, "..");
  const hasher = createHash("sha256");
  for (const file of fs
    .readdirSync(SOURCE_DIR)
    .filter((f) => f.endsWith(".ts"))
    .sort()) {
    hasher.update(file).update(fs.readFileSync(path.join(SOURCE_DIR, file)));
  }
  for (const pkg of ["pg", "mysql2", "esbuild"]) {
    const manifest = path.join(root, "node_modules", pkg, "package.json");
    hasher.update(
      `${pkg}@${(JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version}`,
    );
  }
  const hash = hasher.digest("hex").slice(0, 16);
  const cacheDir = path.join(root, "node_modules", ".cache", "secrets-hub");
  const cached = path.join(cacheDir, `application-user-${hash}.js`);
  if (fs.existsSync(cached)) return (bundled = { file: cached, hash });
  // Loaded here only: a program without multi-user databases never loads esbuild.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require("esbuild") as typeof import("esbuild");
  const result = esbuild.buildSync({
    // Paths in the bundle relative to the project, so that it is the same from any cwd.
    absWorkingDir: root,
    entryPoints: [ENTRY],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: ["@aws-sdk/*", "pg-native"],
    write: false,
    legalComments: "none",
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "silent",
  });
  fs.mkdirSync(cacheDir, { recursive: true });
  // Written whole then renamed: a concurrent plan never reads half a bundle.
  const partial = `${cached}.${process.pid}`;
  fs.writeFileSync(partial, result.outputFiles[0].contents);
  fs.renameSync(partial, cached);
  return (bundled = { file: cached, hash });
}
