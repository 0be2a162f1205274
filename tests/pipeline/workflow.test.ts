import * as assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { generateEnvironmentFile } from "../../src/bench/generate";
import { Environment, environmentFromFile } from "../../src/config";
import {
  Job,
  MATRIX_LIMIT,
  Workflow,
  deployWorkflow,
  passphraseCheck,
  pullRequestWorkflow,
  stackJobChain,
  workflowYaml,
} from "../../src/pipeline/workflow";
import { Operation, centralStack, operationPhases, stackAccount } from "../../src/topology";
import { devEnvironment, editedDevFile, tempDir } from "../harness";

// ESM only, with a JSON import that plain Node 20 refuses: loaded through tsx at run time.
type Parser = typeof import("@actions/workflow-parser");
let parser: Parser;

/** GitHub's own parser and converter: every error they report, and the jobs as GitHub sees them. */
async function parse(yaml: string) {
  const result = parser.parseWorkflow(
    { name: "workflow.yml", content: yaml },
    new parser.NoOperationTraceWriter(),
  );
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (!result.value) return { errors, jobs: [] };
  const template = await parser.convertWorkflowTemplate(result.context, result.value);
  errors.push(...(template.errors ?? []).map((e) => e.Message));
  const jobs = template.jobs.map((j) => ({
    id: j.id.value,
    needs: (j.needs ?? []).map((n) => n.value),
  }));
  return { errors, jobs };
}

/** Generates, serializes and reads back the deploy workflow: tests assert on what is printed. */
function printedDeploy(env: Environment, maxParallel = 4) {
  const yaml = workflowYaml(
    deployWorkflow(env, { configFile: `Pulumi.${env.environment}.yaml`, maxParallel }),
    "test",
  );
  return { yaml, workflow: YAML.parse(yaml) as Workflow };
}

function matrixStacks(job: Job): string[] {
  return job.strategy!.matrix.include.map((e) => e.stack);
}

function runSteps(job: Job): string[] {
  return job.steps.map((s) => s.run).filter((r): r is string => typeof r === "string");
}

/** The relationships every deploy workflow must keep, whatever the phases are. */
function assertChains(env: Environment, workflow: Workflow, maxParallel: number) {
  const operations: Operation[] = ["preview", "up", "destroy"];
  for (const operation of operations) {
    const chain = stackJobChain(env, operation);
    const phases = operationPhases(env, operation);
    // One job per phase, more only where a phase exceeds the matrix limit.
    const expectedJobs = phases.reduce((n, p) => n + Math.ceil(p.stacks.length / MATRIX_LIMIT), 0);
    assert.equal(chain.length, expectedJobs, operation);
    chain.forEach((job, i) => {
      const printed = workflow.jobs[job.id];
      assert.ok(printed, `${job.id} is in the workflow`);
      const first = operation === "destroy" ? [] : ["init"];
      assert.deepEqual(printed.needs ?? [], i === 0 ? first : [chain[i - 1].id], job.id);
      assert.ok(printed.if!.includes(`inputs.operation == '${operation}'`), job.id);
      assert.equal(printed.strategy!["max-parallel"], maxParallel);
      assert.equal(printed.strategy!["fail-fast"], true);
      assert.ok(matrixStacks(printed).length <= MATRIX_LIMIT);
      for (const entry of printed.strategy!.matrix.include) {
        const account = stackAccount(env, entry.stack);
        assert.equal(entry.account, account.accountId, entry.stack);
        assert.equal(entry.region, account.region, entry.stack);
      }
    });
    // The matrices, in job order, are the phases' stacks in phase order.
    assert.deepEqual(
      chain.map((j) => matrixStacks(workflow.jobs[j.id])).flat(),
      phases.flatMap((p) => p.stacks),
      operation,
    );
  }
}

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI script in its own process (started early: it overlaps the in-process tests). */
function cli(...args: string[]): Promise<CliRun> {
  const script = path.join(__dirname, "..", "..", "scripts", "pipeline.ts");
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", script, ...args], (error, stdout, stderr) =>
      resolve({ status: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

const W = ["dev-workload-a", "dev-workload-b", "dev-workload-c"];

describe("pipeline workflow", function () {
  const env = devEnvironment();
  let generatedDir: string;
  let big: Environment;

  before(async () => {
    parser = await import("@actions/workflow-parser");
    generatedDir = tempDir();
    const file = path.join(generatedDir, "Pulumi.scale125.yaml");
    fs.writeFileSync(file, generateEnvironmentFile("scale125", 125));
    big = environmentFromFile(file);
  });

  it("GitHub's parser finds an error in a broken workflow (the check is not vacuous)", async () => {
    const { workflow } = printedDeploy(env);
    workflow.jobs["up-2"].needs = ["no-such-job"];
    const { errors } = await parse(YAML.stringify(workflow));
    assert.ok(
      errors.some((e) => e.includes("no-such-job")),
      errors.join("\n"),
    );
  });

  it("dev: the deploy workflow parses with no error and its jobs follow the phases", async () => {
    const { yaml, workflow } = printedDeploy(env);
    const { errors, jobs } = await parse(yaml);
    assert.deepEqual(errors, []);
    const parsedNeeds = Object.fromEntries(jobs.map((j) => [j.id, j.needs]));
    for (const [id, job] of Object.entries(workflow.jobs))
      assert.deepEqual(parsedNeeds[id], job.needs ?? [], id);
    assertChains(env, workflow, 4);
    // dev, against the topology's own answer.
    for (const operation of ["preview", "up", "destroy"] as const) {
      const phases = operationPhases(env, operation);
      assert.deepEqual(
        phases.map((p) => matrixStacks(workflow.jobs[`${operation}-${p.number}`])),
        phases.map((p) => p.stacks),
      );
    }
  });

  it("every stack job assumes its own account's deploy role through OIDC, in its region", () => {
    const { workflow } = printedDeploy(env);
    const accounts = new Map(
      [env.central, ...env.workloads].map((a) => [a.accountId, a.deployRoleArn]),
    );
    for (const job of Object.values(workflow.jobs).filter((j) => j.strategy)) {
      for (const entry of job.strategy!.matrix.include)
        assert.equal(entry.role, accounts.get(entry.account), entry.stack);
      const credentials = job.steps.find((s) => String(s.uses).startsWith("aws-actions/"));
      assert.equal(
        credentials?.uses,
        "aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c",
      );
      const inputs = credentials!.with as Record<string, string>;
      assert.match(inputs["role-to-assume"], /matrix\.role/);
      assert.equal(inputs["aws-region"], "${{ matrix.region }}");
      assert.ok(inputs["role-session-name"].length > 0);
    }
    assert.deepEqual(workflow.permissions, { "id-token": "write", contents: "read" });
  });

  it("an account without deployRoleArn takes vars.DEPLOY_ROLE_<account id>, and a missing one fails the job", async () => {
    const file = editedDevFile((config) => {
      delete config["secrets-hub:workloads"][1].deployRoleArn;
    });
    const noRole = environmentFromFile(file);
    const { yaml, workflow } = printedDeploy(noRole);
    assert.deepEqual((await parse(yaml)).errors, []);
    const entry = workflow.jobs["up-1"].strategy!.matrix.include.find(
      (e) => e.stack === "dev-workload-b",
    );
    assert.deepEqual(entry, {
      stack: "dev-workload-b",
      account: "333333333333",
      region: "us-east-1",
      role: "",
    });
    const steps = workflow.jobs["up-1"].steps;
    const role = (
      steps.find((s) => s.with && "role-to-assume" in (s.with as object))!.with as {
        "role-to-assume": string;
      }
    )["role-to-assume"];
    assert.equal(role, "${{ matrix.role || vars[format('DEPLOY_ROLE_{0}', matrix.account)] }}");
    const guard = steps.find((s) => String(s.if).includes("DEPLOY_ROLE_"));
    assert.match(String(guard?.run), /exit 1/);
  });

  it("every pulumi up and preview carries the config file and the policy pack; destroy the config file", () => {
    const { workflow } = printedDeploy(env);
    const commands = Object.values(workflow.jobs).flatMap(runSteps);
    const ups = commands.filter((c) => c.startsWith("pulumi up"));
    assert.equal(ups.length, stackJobChain(env, "up").length);
    for (const command of [...ups, ...commands.filter((c) => c.startsWith("pulumi preview"))]) {
      assert.match(command, /--config-file Pulumi\.dev\.yaml(\s|$)/);
      assert.match(command, /--policy-pack policy-pack(\s|$)/);
      assert.match(command, /--stack "\$PULUMI_ORGANIZATION\/\$\{\{ matrix\.stack \}\}"/);
    }
    ups.forEach((c) => assert.match(c, /--yes/));
    const destroys = commands.filter((c) => c.startsWith("pulumi destroy"));
    assert.equal(destroys.length, stackJobChain(env, "destroy").length);
    destroys.forEach((c) => assert.match(c, /--yes .*--config-file Pulumi\.dev\.yaml/));
  });

  it("destroy runs central first, only with confirm-destroy set to the environment; init never runs for it", () => {
    const { workflow } = printedDeploy(env);
    const chain = stackJobChain(env, "destroy");
    assert.deepEqual(matrixStacks(workflow.jobs[chain[0].id]), [centralStack(env)]);
    assert.ok(
      chain.every((j) => workflow.jobs[j.id].if!.includes("inputs.confirm-destroy == 'dev'")),
    );
    assert.equal(
      workflow.jobs["confirm-destroy"].if,
      "inputs.operation == 'destroy' && inputs.confirm-destroy != 'dev'",
    );
    assert.equal(workflow.jobs.init.if, "inputs.operation != 'destroy'");
    const inputs = (
      workflow.on.workflow_dispatch as { inputs: Record<string, { options?: string[] }> }
    ).inputs;
    assert.deepEqual(inputs.operation.options, ["preview", "up", "destroy"]);
    assert.ok("confirm-destroy" in inputs);
  });

  it("init creates every stack one at a time; one concurrency group per environment", () => {
    const { workflow } = printedDeploy(env);
    assert.equal(workflow.jobs.init.strategy, undefined);
    const lines = runSteps(workflow.jobs.init).join("\n").split("\n");
    const created = lines
      .filter((l) => l.startsWith("pulumi stack select --create"))
      .map((l) => /"\$PULUMI_ORGANIZATION\/([^"]+)"/.exec(l)![1]);
    assert.deepEqual(
      created.sort(),
      [...new Set(operationPhases(env, "up").flatMap((p) => p.stacks))].sort(),
    );
    assert.deepEqual(workflow.concurrency, {
      group: "secrets-hub-dev",
      "cancel-in-progress": false,
    });
  });

  it("holds no secret: the backend, token and passphrase are secrets or variables", () => {
    const { yaml, workflow } = printedDeploy(env);
    for (const [key, value] of Object.entries(workflow.env!))
      assert.match(value, /^\$\{\{ (secrets|vars)\.[A-Z_]+( \|\| '[a-z]+')? \}\}$/, key);
    assert.equal(workflow.env!.PULUMI_CONFIG_PASSPHRASE, "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
    assert.equal(workflow.env!.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
    assert.doesNotMatch(yaml, /AKIA|aws_secret_access_key|aws-secret-access-key/i);
  });

  it("max-parallel follows the option; out-of-range values are refused", () => {
    const { workflow } = printedDeploy(env, 7);
    assertChains(env, workflow, 7);
    assert.throws(() => deployWorkflow(env, { configFile: "x", maxParallel: 0 }), /max-parallel/);
    assert.throws(
      () => deployWorkflow(env, { configFile: "x", maxParallel: MATRIX_LIMIT + 1 }),
      /max-parallel/,
    );
  });

  it("125 generated workloads: a valid workflow whose matrices stay within GitHub's limit", async () => {
    const { yaml, workflow } = printedDeploy(big, 20);
    assert.deepEqual((await parse(yaml)).errors, []);
    assertChains(big, workflow, 20);
    const stackJobs = Object.values(workflow.jobs).filter((j) => j.strategy);
    assert.ok(stackJobs.every((j) => matrixStacks(j).length <= MATRIX_LIMIT));
    assert.ok(stackJobs.some((j) => matrixStacks(j).length === 125));
  });

  it("a phase of more than 256 stacks becomes consecutive jobs of at most 256", async () => {
    // Beyond what the generator makes (125, the peering hard limit): only names and accounts matter here.
    const extra = Array.from({ length: 135 }, (_, i) => ({
      ...big.workloads[i % big.workloads.length],
      name: `extra-${i + 1}`,
      accountId: String(300000000000 + i),
    }));
    const wide = { ...big, workloads: [...big.workloads, ...extra] } as Environment;
    const { yaml, workflow } = printedDeploy(wide);
    assert.deepEqual((await parse(yaml)).errors, []);
    assertChains(wide, workflow, 4);
    const up1 = stackJobChain(wide, "up").filter((j) => j.phase.number === 1);
    assert.deepEqual(
      up1.map((j) => [j.id, j.stacks.length]),
      [
        ["up-1-part1", 256],
        ["up-1-part2", 4],
      ],
    );
  });

  it("the pull-request workflow runs the offline plan, its diagram in a mermaid block, and fails on its exit code", async () => {
    const workflow = pullRequestWorkflow(env, { configFile: "Pulumi.dev.yaml" });
    const yaml = workflowYaml(workflow, "test");
    assert.deepEqual((await parse(yaml)).errors, []);
    const printed = YAML.parse(yaml) as Workflow;
    assert.ok("pull_request" in printed.on);
    assert.deepEqual(printed.permissions, { contents: "read" });
    const steps = printed.jobs.plan.steps;
    const runs = runSteps(printed.jobs.plan);
    assert.ok(runs.includes("npm ci"));
    const diagram = runs.find((r) => r.includes("--format mermaid"))!;
    assert.match(
      diagram,
      /echo '```mermaid'; npm run -s plan -- --env dev --format mermaid; echo '```'/,
    );
    assert.match(diagram, /GITHUB_STEP_SUMMARY/);
    const gate = steps.find((s) => String(s.run).startsWith("npm run plan -- --env dev"))!;
    assert.doesNotMatch(String(gate.run), /\|\| true/);
    // With `shell: bash` GitHub runs `bash -eo pipefail`: tee keeps the plan's exit code.
    assert.equal(gate.shell, "bash");
    assert.ok(
      steps.some((s) => s.if === "always()" && String(s.run).includes("GITHUB_STEP_SUMMARY")),
    );
    assert.ok(!runs.some((r) => /pulumi |aws /.test(r)), "the plan job touches no cloud");
  });

  it("the pull-request workflow previews every stack for real, with the policy pack, and posts the output", () => {
    const printed = YAML.parse(
      workflowYaml(pullRequestWorkflow(env, { configFile: "Pulumi.dev.yaml" }), "test"),
    ) as Workflow;
    const preview = printed.jobs.preview;
    assert.deepEqual(matrixStacks(preview).sort(), ["dev-central", ...W].sort());
    assert.equal(preview.if, "github.event.pull_request.head.repo.full_name == github.repository");
    assert.equal(preview.environment, undefined, "a preview waits for no reviewer");
    assert.equal(preview.permissions!["pull-requests"], "write");
    const runs = runSteps(preview).join("\n");
    assert.match(
      runs,
      /pulumi preview --diff --non-interactive --stack "\$PULUMI_ORGANIZATION\/\$\{\{ matrix\.stack \}\}" --config-file Pulumi\.dev\.yaml --policy-pack policy-pack/,
    );
    assert.match(runs, /gh pr comment/);
    assert.match(runs, /GITHUB_STEP_SUMMARY/);
    assert.match(runs, /PULUMI_CONFIG_PASSPHRASE is empty/);
  });

  it("every apply job waits on the environment's approval; previews do not", () => {
    const { workflow } = printedDeploy(env);
    for (const operation of ["up", "destroy"] as const)
      for (const job of stackJobChain(env, operation))
        assert.equal(workflow.jobs[job.id].environment, "dev", job.id);
    for (const job of stackJobChain(env, "preview"))
      assert.equal(workflow.jobs[job.id].environment, undefined, job.id);
    assert.equal(workflow.jobs.init.environment, "dev");
  });

  it("every action is pinned to a full commit SHA with its tag beside it; the CLI to the SDK's version; Node 22", () => {
    const deploy = printedDeploy(env).yaml;
    const pr = workflowYaml(pullRequestWorkflow(env, { configFile: "Pulumi.dev.yaml" }), "test");
    for (const yaml of [deploy, pr]) {
      const uses = yaml.split("\n").filter((l) => /^\s*(- )?uses: /.test(l));
      assert.ok(uses.length > 5);
      for (const line of uses)
        assert.match(line, /uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      const parsed = YAML.parse(yaml) as Workflow;
      for (const job of Object.values(parsed.jobs))
        for (const step of job.steps) {
          if (String(step.uses).startsWith("pulumi/actions@"))
            assert.deepEqual(step.with, { "pulumi-version": "3.248.0" });
          if (String(step.uses).startsWith("actions/setup-node@"))
            assert.equal((step.with as Record<string, string>)["node-version"], "22");
        }
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    assert.equal(require("@pulumi/pulumi/package.json").version, "3.248.0");
  });

  it("refuses an empty passphrase, and a self-managed backend without provider settings, before any pulumi command @slow", () => {
    const check = passphraseCheck("Pulumi.dev.yaml");
    const run = (backend: string, passphrase: string, fileText: string) => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), fileText);
      return spawnSync("bash", ["-c", String(check.run)], {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          PULUMI_BACKEND_URL: backend,
          PULUMI_CONFIG_PASSPHRASE: passphrase,
        },
        encoding: "utf8",
      });
    };
    const salted = "config: {}\nencryptionsalt: v1:abc\n";
    assert.equal(run("s3://state", "", salted).status, 2);
    assert.match(run("s3://state", "", salted).stdout, /PULUMI_CONFIG_PASSPHRASE is empty/);
    assert.equal(run("s3://state", "pw", salted).status, 0);
    assert.equal(run("file://state", "pw", "config: {}\n").status, 2, "no provider settings");
    assert.equal(run("", "", "config: {}\n").status, 0, "Pulumi Cloud keeps its own keys");
    assert.equal(
      run("s3://state", "", 'secretsprovider: "awskms://alias/k?region=us-east-1"\n').status,
      0,
    );
  });

  it("@slow CLI: --help lists every option with its default (exit 0); an unknown --env exits 2", async () => {
    // Its own processes, started only here (npm run test:slow).
    const [shown, refused] = await Promise.all([cli("--help"), cli("--env", "nosuchenv")]);
    assert.equal(shown.status, 0, shown.stderr);
    for (const option of ["--env", "--config-file", "--max-parallel", "--output", "--pull-request"])
      assert.ok(shown.stdout.includes(option), option);
    assert.match(shown.stdout, /default: 4/);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /Pulumi\.nosuchenv\.yaml/);
  });
});
