/**
 * npm run verify -- --env <name> [options]   (npm run verify -- --help lists its checks)
 * After a deploy: reads each account through the AWS SDK, with the stacks' role
 * assumption, and reports per workload and per secret what works (docs/verify.md).
 * Exit status: 0 all healthy, 1 something unhealthy or unknown, 2 invalid arguments,
 * files, configuration, credentials or read rights.
 */
import { Option } from "commander";
import { CHECKS, Finding, exitStatus } from "../src/verify/checks";
import { EXIT, UsageError, defaultText, environmentFile, newCommand, runCli } from "./lib/cli";

interface Options {
  env: string;
  configFile?: string;
  json: boolean;
  debug: boolean;
}

const checkList = Object.entries(CHECKS)
  .map(([id, text]) => `  ${id.padEnd(17)} ${text}`)
  .join("\n");

const command = newCommand(
  "verify",
  "Reads a deployed environment through the AWS SDK and reports per workload and per secret whether rotation, replication, the network path and the alerts work (docs/verify.md).",
)
  .requiredOption("--env <name>", "environment to verify (required)")
  .option("--config-file <path>", `environment file${defaultText("Pulumi.<env>.yaml")}`)
  .addOption(new Option("--json", "print one JSON document").default(false))
  .addHelpText(
    "after",
    `\nChecks:\n${checkList}\n\nCredentials: the ambient AWS credentials, which must be able to assume each account's deployRoleArn (as the stacks do).\nExit status: 0 all healthy, 1 something unhealthy or unknown (each named with what to do), 2 invalid arguments, files, configuration, credentials, or a read the role may not make.`,
  );

const MARK: Record<Finding["status"], string> = {
  ok: "ok",
  waiting: "waiting",
  unhealthy: "UNHEALTHY",
  unknown: "UNKNOWN",
  denied: "DENIED",
};

function text(environment: string, findings: readonly Finding[]): string {
  const count = (s: Finding["status"]) => findings.filter((f) => f.status === s).length;
  const counts = (["unhealthy", "unknown", "denied", "waiting", "ok"] as const)
    .filter((s) => count(s) > 0)
    .map((s) => `${count(s)} ${s}`)
    .join(", ");
  const verdict = exitStatus(findings) === 0 ? "HEALTHY" : "NOT HEALTHY";
  const lines = [`${environment}: ${verdict} (${counts})`];
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = f.workload ?? f.account;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  for (const [group, items] of groups) {
    lines.push("", group);
    for (const f of items) {
      lines.push(`  ${MARK[f.status].padEnd(9)} ${f.check.padEnd(17)} ${f.subject}: ${f.detail}`);
      if (f.action && f.status !== "ok")
        lines.push(`  ${"".padEnd(9)} ${"".padEnd(17)} -> ${f.action}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

async function main(options: Options): Promise<number> {
  // The SDK warns on every run under Node.js 20 about its releases after January 2027; the
  // project's `engines` states the supported Node.js line, and the warning would bury the
  // one line a missing credential gets.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const file = environmentFile(options.env, options.configFile);
  const { environmentNamed } = await import("../src/config");
  const { env } = environmentNamed(options.env, file);
  const { CredentialsError, accountSessions } = await import("../src/verify/credentials");
  let sessions;
  try {
    sessions = await accountSessions(env);
  } catch (error) {
    if (error instanceof CredentialsError)
      throw new UsageError(error.message, "credentials", false);
    throw error;
  }
  const { verifyEnvironment } = await import("../src/verify");
  const findings = await verifyEnvironment(env, { sessions, now: new Date() });
  const status = exitStatus(findings);
  if (options.json)
    process.stdout.write(
      `${JSON.stringify({ environment: env.environment, healthy: status === 0, exitStatus: status, findings }, null, 2)}\n`,
    );
  else process.stdout.write(text(env.environment, findings));
  return status === 0 ? EXIT.ok : status === 1 ? EXIT.failed : EXIT.invalid;
}

runCli(command, main);
