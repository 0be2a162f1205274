/**
 * npm run deploy-policy -- --env <name> [options]   (npm run deploy-policy -- --help lists them)
 * Prints, per account, the IAM policies its deploy role needs for what that account's
 * stack creates, and the role's trust policy (docs/first-deploy.md).
 * Exit status: 0 printed, 2 invalid arguments, files or configuration.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Option } from "commander";
import { EXIT, UsageError, defaultText, environmentFile, newCommand, runCli } from "./lib/cli";

interface Options {
  env: string;
  configFile?: string;
  json: boolean;
  outputDir?: string;
  githubRepository?: string;
  githubEnvironment: string[];
  trustedPrincipal: string[];
  stateBucket?: string;
}

const repeatable = (value: string, previous: string[]) => [...previous, value];
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PRINCIPAL = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:[\w+=,.@/:*-]+$/;

const command = newCommand(
  "deploy-policy",
  "Prints the IAM policies and the trust policy of each account's deploy role, derived from what the account's stack creates (docs/first-deploy.md).",
)
  .requiredOption("--env <name>", "environment (required)")
  .option("--config-file <path>", `environment file${defaultText("Pulumi.<env>.yaml")}`)
  .addOption(new Option("--json", "print one JSON document").default(false))
  .option(
    "--output-dir <dir>",
    `also write <stack>-deploy-<n>.json and <stack>-trust.json there, for aws iam create-policy / create-role${defaultText("none")}`,
  )
  .option(
    "--github-repository <owner/name>",
    `repository whose GitHub Actions deploy: adds the OIDC statement to each trust policy${defaultText("no OIDC statement")}`,
  )
  .addOption(
    new Option(
      "--github-environment <name>",
      "GitHub environment of the deploy jobs, trusted in the OIDC subject (repeatable)",
    )
      .argParser(repeatable)
      .default([], "the secrets-hub environment's name, as the generated workflow uses"),
  )
  .option(
    "--state-bucket <name>",
    `S3 bucket of the Pulumi state (pulumi login s3://<name>): every account's role may read and write it${defaultText("none: Pulumi Cloud or a local backend")}`,
  )
  .addOption(
    new Option(
      "--trusted-principal <arn>",
      "IAM principal people deploy as, trusted instead of the account's IAM Identity Center roles (repeatable)",
    )
      .argParser(repeatable)
      .default([], "the account's IAM Identity Center (SSO) permission-set roles"),
  )
  .addHelpText(
    "after",
    "\nEach account's policies are packed into documents of at most 6,144 characters (the managed-policy limit, white space not counted): attach them all.\nExit status: 0 printed, 2 invalid arguments, files or configuration.",
  );

async function main(options: Options): Promise<number> {
  if (options.githubRepository !== undefined && !REPOSITORY.test(options.githubRepository))
    throw new UsageError(
      `--github-repository must be owner/name, got '${options.githubRepository}'`,
      "--github-repository",
    );
  if (options.githubEnvironment.length > 0 && options.githubRepository === undefined)
    throw new UsageError("--github-environment needs --github-repository", "--github-environment");
  for (const p of options.trustedPrincipal)
    if (!PRINCIPAL.test(p))
      throw new UsageError(
        `--trusted-principal must be an IAM role or user ARN (arn:aws:iam::<12 digits>:role/<name>), got '${p}'`,
        "--trusted-principal",
      );
  if (options.stateBucket !== undefined && !BUCKET.test(options.stateBucket))
    throw new UsageError(
      `--state-bucket must be an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens), got '${options.stateBucket}'`,
      "--state-bucket",
    );
  const file = environmentFile(options.env, options.configFile);
  // Loaded once the arguments are good: the program and the mock engine take ~2 s.
  const { environmentNamed } = await import("../src/config");
  const { env } = environmentNamed(options.env, file);
  const { runEnvironment } = await import("../src/offline/environmentRun");
  const { deployPolicies } = await import("../src/deployPolicy");
  const run = await runEnvironment(env, false, undefined, false);
  const accounts = deployPolicies(
    env,
    run.runs,
    {
      principals: options.trustedPrincipal,
      githubRepository: options.githubRepository,
      githubEnvironments:
        options.githubEnvironment.length > 0 ? options.githubEnvironment : [env.environment],
    },
    options.stateBucket,
  );
  if (options.outputDir) {
    const dir = path.resolve(options.outputDir);
    fs.mkdirSync(dir, { recursive: true });
    for (const a of accounts) {
      a.policies.forEach((p, i) =>
        fs.writeFileSync(
          path.join(dir, `${a.stack}-deploy-${i + 1}.json`),
          `${JSON.stringify(p, null, 2)}\n`,
        ),
      );
      fs.writeFileSync(
        path.join(dir, `${a.stack}-trust.json`),
        `${JSON.stringify(a.trustPolicy, null, 2)}\n`,
      );
    }
  }
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ environment: env.environment, accounts }, null, 2)}\n`,
    );
    return EXIT.ok;
  }
  const lines: string[] = [];
  for (const a of accounts) {
    lines.push(
      `${a.stack} (account ${a.accountId}, ${a.partition}): ${a.roleArn ? `deploy role ${a.roleArn}` : "no deployRoleArn: attach these policies to the principal that deploys"}`,
      `  ${a.policies.length} ${a.policies.length === 1 ? "policy" : "policies"} (${a.sizes.map((s) => s.toLocaleString("en-US")).join(", ")} of 6,144 characters) for ${a.resourceTypes.length} resource types`,
    );
    a.policies.forEach((p, i) =>
      lines.push(`--- ${a.stack} deploy policy ${i + 1}`, JSON.stringify(p, null, 2)),
    );
    lines.push(`--- ${a.stack} trust policy`, JSON.stringify(a.trustPolicy, null, 2), "");
  }
  if (options.outputDir) lines.push(`wrote the documents to ${path.resolve(options.outputDir)}`);
  process.stdout.write(`${lines.join("\n")}\n`);
  return EXIT.ok;
}

runCli(command, main);
