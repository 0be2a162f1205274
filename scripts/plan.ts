/**
 * npm run plan -- --env <name> [--config-file PATH] [--json] [--preview] [--policy-config PATH]
 * Exit status: 0 no mandatory violation, 1 mandatory violations (or no fixed point), 2 invalid configuration.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, environmentFromFile } from "../src/config";
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
    },
    strict: true,
  });
  if (!values.env) {
    console.error(
      "usage: npm run plan -- --env <name> [--config-file PATH] [--json] [--preview] [--policy-config PATH]",
    );
    return 2;
  }
  const file = values["config-file"] ?? path.join(__dirname, "..", `Pulumi.${values.env}.yaml`);
  let env;
  try {
    env = environmentFromFile(file);
    if (env.environment !== values.env) {
      throw new ConfigError([
        `secrets-hub:environment: is '${env.environment}' in ${file}, but --env is '${values.env}'`,
      ]);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${file}: ${error.message}`);
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

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(3);
  },
);
