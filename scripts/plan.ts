/**
 * npm run plan -- --env <name> [--config-file PATH] [--json] [--preview] [--policy-config PATH] [--debug]
 * Exit status: 0 no mandatory violation, 1 mandatory violations (or no fixed point), 2 invalid configuration.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, environmentNamed } from "../src/config";
import { formatPlan, planEnvironment } from "../src/offline/plan";
import type { PackConfig } from "../src/offline/policyServer";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      env: { type: "string" },
      "config-file": { type: "string" },
      json: { type: "boolean", default: false },
      preview: { type: "boolean", default: false },
      "policy-config": { type: "string" },
      debug: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (!values.env) {
    console.error(
      "usage: npm run plan -- --env <name> [--config-file PATH] [--json] [--preview] [--policy-config PATH]",
    );
    return 2;
  }
  if (!values.debug) {
    // The SDK captures a stack trace for every promise it tracks (and tsx maps each one
    // through source maps): most of the plan's time at scale, and of no use to its output.
    // --debug keeps them for diagnosing a failing program.
    process.setSourceMapsEnabled(false);
    Error.stackTraceLimit = 0;
  }
  let env;
  try {
    env = environmentNamed(values.env, values["config-file"]).env;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const policyConfig = values["policy-config"]
    ? (JSON.parse(fs.readFileSync(values["policy-config"], "utf8")) as PackConfig)
    : undefined;
  const plan = await planEnvironment(env, { preview: values.preview, policyConfig });
  console.log(values.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
  const mandatory = plan.violations.some((v) => v.level === "mandatory");
  return mandatory || !plan.converged ? 1 : 0;
}

// exitCode, not exit(): a large --json document written to a pipe must be flushed first.
main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 3;
  },
);
