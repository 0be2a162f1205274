/**
 * npm run deploy -- --env <name> [--config-file PATH] [--preview] [--destroy] [--parallel N] [--policy-config PATH]
 * The real deployment through the Pulumi Automation API (needs the Pulumi CLI and AWS credentials).
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { ConfigError, environmentNamed } from "../src/config";
import { deployEnvironment, formatReport } from "../src/deploy/orchestrator";

const ROOT = path.join(__dirname, "..");

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      env: { type: "string" },
      "config-file": { type: "string" },
      preview: { type: "boolean", default: false },
      destroy: { type: "boolean", default: false },
      parallel: { type: "string", default: "4" },
      "policy-config": { type: "string" },
    },
    strict: true,
  });
  if (!values.env || (values.preview && values.destroy)) {
    console.error(
      "usage: npm run deploy -- --env <name> [--config-file PATH] [--preview | --destroy] [--parallel N] [--policy-config PATH]",
    );
    return 2;
  }
  let loaded;
  try {
    loaded = environmentNamed(values.env, values["config-file"]);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const { env, file: configFile } = loaded;
  const report = await deployEnvironment(
    env,
    (stackName) => LocalWorkspace.createOrSelectStack({ stackName, workDir: ROOT }),
    {
      mode: values.destroy ? "destroy" : values.preview ? "preview" : "up",
      configFile,
      policyPack: path.join(ROOT, "policy-pack"),
      policyPackConfig: values["policy-config"] ? path.resolve(values["policy-config"]) : undefined,
      parallel: Number(values.parallel),
      log: (line) => console.log(line),
    },
  );
  console.log(formatReport(report));
  return report.ok ? 0 : 1;
}

// exitCode, not exit(): a large --json document written to a pipe must be flushed first.
main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 3;
  },
);
