/**
 * Shared test helpers over the mock engine (src/offline): load an environment, run one of
 * its stacks with given peer outputs, find what it registered, unwrap outputs.
 */
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { ConfigError, Environment, PROJECT, environmentFromFile } from "../src/config";
import { EnvironmentRun, runEnvironment, runEnvironmentStack } from "../src/offline/environmentRun";
import {
  RecordedResource,
  StackOutputs,
  StackRun,
  StackRunError,
  runStack,
} from "../src/offline/runStack";

export const DEV_FILE = path.join(__dirname, "..", "Pulumi.dev.yaml");

export function devEnvironment(): Environment {
  return environmentFromFile(DEV_FILE);
}

let tempRoot: string | undefined;

/**
 * A fresh directory for a test, under one root directory per test run, which the root
 * `after` hook (tests/setup.ts) removes: a run leaves nothing in os.tmpdir().
 */
export function tempDir(): string {
  tempRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), "secrets-hub-tests-"));
  return fs.mkdtempSync(path.join(tempRoot, "t-"));
}

/** Removes every directory {@link tempDir} made. */
export function removeTempDirs(): void {
  if (tempRoot) fs.rmSync(tempRoot, { recursive: true, force: true });
  tempRoot = undefined;
}

/** Writes a copy of Pulumi.dev.yaml changed by `edit` (on the parsed document) and returns its path. */
export function editedDevFile(
  edit: (config: Record<string, any>) => void,
  source = DEV_FILE,
): string {
  const document = YAML.parse(fs.readFileSync(source, "utf8")) as { config: Record<string, any> };
  edit(document.config);
  const file = path.join(tempDir(), "Pulumi.test.yaml");
  fs.writeFileSync(file, YAML.stringify(document));
  return file;
}

/**
 * The problems the config gate reports for `source` (Pulumi.dev.yaml by default) changed by
 * `edit`, one line each; none ([]) when it is accepted. Any other error fails the test.
 */
export function configProblemsOf(
  edit: (config: Record<string, any>) => void,
  source = DEV_FILE,
): string[] {
  try {
    environmentFromFile(editedDevFile(edit, source));
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return [...error.problems];
  }
  return [];
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

/**
 * Runs `build` as the whole program of a stack without peers (one component on its own);
 * what it returns becomes the stack outputs.
 */
export function runComponent(build: () => Record<string, unknown>): Promise<StackRun> {
  return runStack({
    project: PROJECT,
    stack: "components",
    peers: new Map(),
    program: async () => build(),
  });
}

/**
 * Asserts that `build` fails before any child resource with a message that holds every one
 * of `mentions` (the component, its instance name, the argument).
 */
export async function assertRefused(build: () => unknown, ...mentions: string[]): Promise<void> {
  const failure = await runComponent(() => {
    build();
    return {};
  }).then(
    () => assert.fail(`expected a refusal naming ${mentions.join(", ")}`),
    (error: unknown) => error,
  );
  assert.ok(failure instanceof StackRunError, String(failure));
  for (const mention of mentions) {
    assert.ok(failure.message.includes(mention), `'${failure.message}' does not name ${mention}`);
  }
  const children = failure.resources.filter((r) => r.custom);
  assert.deepEqual(
    children.map((r) => r.urn),
    [],
    "a refused component creates no resource",
  );
}

/**
 * Every phase of `env` in deploy order, as the offline plan runs them: the final run of
 * each stack, the steps, and the fixed-point verdict (the pass re-runs only the stacks whose
 * readings changed, so it costs little). Memoised by the environment's content, so the test
 * files that deploy the same environment share one run.
 */
const deployments = new Map<string, Promise<EnvironmentRun>>();
export function deployed(env: Environment): Promise<EnvironmentRun> {
  const key = JSON.stringify(env);
  let run = deployments.get(key);
  if (!run) {
    run = runEnvironment(env);
    deployments.set(key, run);
  }
  return run;
}

/** The final run of one stack after every phase. */
export async function deployedStack(env: Environment, stack: string): Promise<StackRun> {
  const run = (await deployed(env)).runs.get(stack);
  if (!run) throw new Error(`no stack ${stack} in the environment`);
  return run;
}

/** Hands the program a file's config as the CLI does (strings, structured values as JSON). */
export function setConfigOf(file: string): void {
  const document = YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries(document.config).map(([k, v]) => [
        k,
        typeof v === "string" ? v : JSON.stringify(v),
      ]),
    ),
  );
}

/** Sets a file's config as the CLI does and returns index.ts's entry (the program). */
export async function entryWithConfigOf(
  file: string,
): Promise<() => Promise<Record<string, unknown>>> {
  setConfigOf(file);
  return (await import("../index")).default as unknown as () => Promise<Record<string, unknown>>;
}

export interface ScriptRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `scripts/<name>.ts` in its own process, as `npm run <name> -- ...args` does. */
export function runScript(
  name: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<ScriptRun> {
  const script = path.join(__dirname, "..", "scripts", `${name}.ts`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", script, ...args],
      { env: options.env ?? process.env, cwd: options.cwd, maxBuffer: 1 << 30 },
      (error, stdout, stderr) =>
        resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

/** Every account and the replica Region moved to `region` (zones a and b), ARNs to its partition. */
export function movedTo(
  region: string,
  replicaRegion: string,
  partition: string,
): (config: Record<string, any>) => void {
  return (c) => {
    c["secrets-hub:replicaRegion"] = replicaRegion;
    for (const account of [c["secrets-hub:central"], ...c["secrets-hub:workloads"]]) {
      account.region = region;
      account.availabilityZones = [`${region}a`, `${region}b`];
      account.deployRoleArn = String(account.deployRoleArn).replace(
        /^arn:aws:/,
        `arn:${partition}:`,
      );
    }
  };
}
