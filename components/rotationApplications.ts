/**
 * Facts about the AWS rotation applications' CloudFormation stacks, and how the Terraform
 * provider under `@pulumi/aws` reads such a stack back. SDK-free: the component shapes its
 * inputs from it, and the offline plan's mocks answer with the state it describes.
 *
 * Read back by `aws:serverlessrepository/cloudFormationStack:CloudFormationStack`
 * (terraform-provider-aws internal/service/serverlessrepo/cloudformation_stack.go,
 * `resourceCloudFormationStackRead`, also called at the end of create and update):
 * - `name`: the stack name without SAR's `serverlessrepo-` prefix: as given;
 * - `applicationId`, `semanticVersion`: from the stack's `serverlessrepo:applicationId` and
 *   `serverlessrepo:semanticVersion` tags: as given;
 * - `tags`: the stack's tags without those `serverlessrepo:` ones (and without provider
 *   default tags, which this program does not use): as given;
 * - `capabilities`: a set, from DescribeStacks, with CAPABILITY_RESOURCE_POLICY added back
 *   when the application requires it (CloudFormation does not return it,
 *   `flattenStackCapabilities`);
 * - `parameters`: the stack's parameters *without those equal to the application's
 *   default* (`flattenNonDefaultCloudFormationParameters`). Before PR #46748 (merged
 *   2026-06-24, "fix false drift in cloudformation_stack parameters") that dropped a
 *   configured parameter equal to its default as well, and stored a NoEcho parameter as
 *   `****`; after it, a configured one is kept. `@pulumi/aws` 7.48.0 (published 2026-09-22)
 *   follows the upstream release train (terraform-provider-aws 6.46.0 was embedded by
 *   2026-05-22, pulumi/pulumi-aws PR #6392), so it most likely has the fix; the model below
 *   is the stricter, pre-fix reading, so inputs that converge under it converge under both.
 *
 * An input that reads back otherwise is a diff on every later `up`, whose update creates an
 * empty change set that CloudFormation fails ("No updates are to be performed"):
 * terraform-provider-aws issues #16485 and #23874, pulumi/pulumi-aws #1439 and #2717.
 */
import type { RotationStrategy } from "../kernel/engines";

/**
 * The parameters each rotation application defines, with their defaults (`undefined`: no
 * default, required), as the Secrets Manager User Guide lists them for the rotation
 * templates ("Automatically rotate another type of secret": functionName,
 * invokingServicePrincipal, endpoint, excludeCharacters, kmsKeyArn, masterSecretArn,
 * masterSecretKmsKeyArn, vpcSecurityGroupIds, vpcSubnetIds) and the AWS CDK passes them
 * (aws-cdk-lib/aws-secretsmanager/lib/secret-rotation.ts). Optional ARNs and VPC lists
 * default to the empty string (the template's `…Exists` conditions test for it).
 * `excludeCharacters` has an engine-specific default this program never overrides, so it
 * is not listed (passing it is refused, as an unknown parameter is).
 */
const SINGLE_USER_PARAMETERS = {
  functionName: undefined,
  endpoint: undefined,
  // The same in every partition: service principals are `<service>.amazonaws.com` in aws-cn
  // and aws-us-gov too (AWS CDK region-info/lib/default.ts, `Default.servicePrincipal`).
  invokingServicePrincipal: "secretsmanager.amazonaws.com",
  kmsKeyArn: "",
  vpcSubnetIds: "",
  vpcSecurityGroupIds: "",
} as const;

/** The multi-user template takes the single-user parameters and its master secret's. */
export const APPLICATION_PARAMETERS: Record<
  RotationStrategy,
  Readonly<Record<string, string | undefined>>
> = {
  "single-user": SINGLE_USER_PARAMETERS,
  "multi-user": {
    ...SINGLE_USER_PARAMETERS,
    masterSecretArn: "",
    masterSecretKmsKeyArn: "",
  },
};

/**
 * Capabilities of a rotation application's stack, sorted (the set's order): its SAM
 * template creates an IAM role (CAPABILITY_IAM) and a Lambda permission
 * (CAPABILITY_RESOURCE_POLICY, which the application requires). The provider's acceptance
 * test `TestAccServerlessRepoCloudFormationStack_basic` deploys
 * SecretsManagerRDSPostgreSQLRotationSingleUser with exactly these two and reads back
 * exactly these two.
 */
export const APPLICATION_CAPABILITIES: readonly string[] = [
  "CAPABILITY_IAM",
  "CAPABILITY_RESOURCE_POLICY",
];

/** Capabilities CloudFormation itself records on a stack (DescribeStacks returns these). */
const CLOUDFORMATION_CAPABILITIES = new Set([
  "CAPABILITY_IAM",
  "CAPABILITY_NAMED_IAM",
  "CAPABILITY_AUTO_EXPAND",
]);

/** The strategy of a rotation application, from its id (`…RotationMultiUser`). */
export function strategyOfApplication(applicationId: string): RotationStrategy {
  return /MultiUser$/.test(applicationId) ? "multi-user" : "single-user";
}

/**
 * The parameters shaped as the provider reads them back: only those the application
 * defines, none equal to its default. Throws for a parameter the application does not
 * define (SAR refuses the change set) and for a required one missing.
 */
export function shapeApplicationParameters<V>(
  strategy: RotationStrategy,
  values: Readonly<Record<string, V | undefined>>,
): Record<string, V> {
  const definitions = APPLICATION_PARAMETERS[strategy];
  const out: Record<string, V> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!(key in definitions))
      throw new Error(`the ${strategy} rotation applications define no parameter ${key}`);
    if (value === undefined || value === definitions[key]) continue;
    out[key] = value;
  }
  for (const [key, fallback] of Object.entries(definitions)) {
    if (fallback === undefined && !(key in out))
      throw new Error(`the ${strategy} rotation applications require parameter ${key}`);
  }
  return out;
}

/**
 * The state the provider reads back for a rotation application's stack created or updated
 * with `inputs` (wire form): see the module comment. Throws where SAR would refuse the
 * change set (an unknown parameter, a missing required one or capability).
 */
export function applicationStackReadBack(
  inputs: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const strategy = strategyOfApplication(String(inputs.applicationId));
  const given = (inputs.parameters ?? {}) as Record<string, unknown>;
  const parameters = shapeApplicationParameters(strategy, given);
  const requested = Array.isArray(inputs.capabilities) ? inputs.capabilities.map(String) : [];
  for (const required of APPLICATION_CAPABILITIES) {
    if (!requested.includes(required))
      throw new Error(`the rotation applications require capability ${required}`);
  }
  const capabilities = [
    ...new Set([
      ...requested.filter((c) => CLOUDFORMATION_CAPABILITIES.has(c)),
      "CAPABILITY_RESOURCE_POLICY",
    ]),
  ].sort();
  const tags = Object.fromEntries(
    Object.entries((inputs.tags ?? {}) as Record<string, unknown>).filter(
      ([k]) => !k.startsWith("serverlessrepo:"),
    ),
  );
  return {
    ...inputs,
    parameters,
    capabilities,
    ...(inputs.tags !== undefined ? { tags } : {}),
  };
}

/** `inputs` as the provider's diff compares them with the state: the capabilities as a set. */
export function applicationStackDiffView(
  inputs: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return Array.isArray(inputs.capabilities)
    ? { ...inputs, capabilities: [...new Set(inputs.capabilities.map(String))].sort() }
    : { ...inputs };
}
