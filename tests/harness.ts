/**
 * Shared test helpers over the mock engine (src/offline): load an environment, run one of
 * its stacks with given peer outputs, find what it registered, unwrap outputs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { Environment, environmentFromFile } from "../src/config";
import { runEnvironmentStack } from "../src/offline/environmentRun";
import type { RecordedResource, StackOutputs, StackRun } from "../src/offline/runStack";

export const DEV_FILE = path.join(__dirname, "..", "Pulumi.dev.yaml");

export function devEnvironment(): Environment {
  return environmentFromFile(DEV_FILE);
}

/** Writes a copy of Pulumi.dev.yaml changed by `edit` (on the parsed document) and returns its path. */
export function editedDevFile(edit: (config: Record<string, any>) => void): string {
  const document = YAML.parse(fs.readFileSync(DEV_FILE, "utf8")) as { config: Record<string, any> };
  edit(document.config);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-hub-"));
  const file = path.join(dir, "Pulumi.test.yaml");
  fs.writeFileSync(file, YAML.stringify(document));
  return file;
}

export function runStackOf(
  env: Environment,
  stack: string,
  peers: Record<string, StackRun | StackOutputs> = {},
  preview = false,
): Promise<StackRun> {
  const map = new Map<string, StackOutputs>(
    Object.entries(peers).map(([name, run]) => [
      name,
      { outputs: run.outputs, secretOutputNames: run.secretOutputNames },
    ]),
  );
  return runEnvironmentStack(env, stack, map, preview);
}

export function ofType(run: StackRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

export function one(run: StackRun, type: string, nameIncludes = ""): RecordedResource {
  const found = ofType(run, type).filter((r) => r.name.includes(nameIncludes));
  if (found.length !== 1)
    throw new Error(`expected one ${type} named *${nameIncludes}*, found ${found.length}`);
  return found[0];
}

/** Parses a JSON policy input. */
export function policyOf(resource: RecordedResource, key = "policy"): any {
  return JSON.parse(String(resource.inputs[key]));
}
