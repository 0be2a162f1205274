// The command lines (scripts/*.ts): help, argument and file mistakes, policy config checks.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { allPolicies } from "../../policy-pack/policies";
import { guardPolicies } from "../../scripts/lib/policyConfigFile";
import { PolicyConfigError, reconcilePolicyConfig } from "../../src/policyConfig";
import { DEV_FILE, ScriptRun, editedDevFile, runScript, tempDir } from "../harness";

const OPTIONS: Record<string, string[]> = {
  plan: [
    "--env",
    "--config-file",
    "--format",
    "--json",
    "--output",
    "--preview",
    "--policy-config",
    "--policy-pack",
    "--policy-pack-config",
    "--against",
  ],
  deploy: [
    "--env",
    "--config-file",
    "--preview",
    "--destroy",
    "--yes",
    "--stack",
    "--secrets-provider",
    "--parallel",
    "--policy-config",
    "--refresh",
    "--expect-no-changes",
    "--install-cli",
  ],
  bench: ["--runs", "--sizes", "--connectivity", "--write-docs"],
  pipeline: ["--env", "--config-file", "--max-parallel", "--output", "--pull-request"],
  schema: ["--check"],
};

/** Exit 2, one message, no stack trace. */
function assertRefused(run: ScriptRun, message: RegExp): void {
  assert.equal(run.status, 2, `${run.stderr}${run.stdout}`);
  assert.match(run.stderr, message);
  assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
}

describe("@slow command lines", function () {
  this.timeout(60000);

  for (const [script, options] of Object.entries(OPTIONS)) {
    it(`${script} --help lists every option with its default, exit 0`, async () => {
      const run = await runScript(script, ["--help"]);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^Usage: npm run ${script} -- `));
      for (const option of [...options, "--debug"]) {
        // The option's help entry, up to the next option: it states a default.
        const entry = new RegExp(`^\\s+(-\\w, )?${option}\\b[\\s\\S]*?default:`, "m");
        assert.match(run.stdout, entry, `${script} ${option}`);
      }
    });
  }

  it("refuses an unknown flag, a missing --env and a missing --config-file: exit 2, one line", async () => {
    const [unknown, noEnv, noFile, badParallel, bothModes] = await Promise.all([
      runScript("plan", ["--env", "dev", "--jsn"]),
      runScript("deploy", []),
      runScript("plan", ["--env", "dev", "--config-file", "/no/such/Pulumi.dev.yaml"]),
      runScript("deploy", ["--env", "dev", "--parallel", "0"]),
      runScript("deploy", ["--env", "dev", "--preview", "--destroy"]),
    ]);
    assertRefused(unknown, /unknown option '--jsn'.*\(Did you mean --json\?\)/);
    assertRefused(noEnv, /required option '--env <name>' not specified/);
    assertRefused(noFile, /^--config-file \/no\/such\/Pulumi\.dev\.yaml: no such file/);
    assertRefused(badParallel, /--parallel must be a whole number from 1 to 64, got '0'/);
    assertRefused(bothModes, /'--preview' cannot be used with option '--destroy'/);
    for (const run of [unknown, noEnv, noFile])
      assert.equal(run.stderr.trim().split("\n").length, 1);
  });

  it("--json: an argument or configuration mistake prints a JSON error document on stdout", async () => {
    const file = editedDevFile((c) => (c["secrets-hub:key"].deletionWindowInDays = 3));
    const [bad, config] = await Promise.all([
      runScript("plan", ["--env", "dev", "--json", "--config-file", "/nope"]),
      runScript("plan", ["--env", "dev", "--format", "json", "--config-file", file]),
    ]);
    assert.equal(bad.status, 2);
    assert.deepEqual(JSON.parse(bad.stdout), {
      errors: [{ key: "--config-file", message: "--config-file /nope: no such file" }],
    });
    assert.equal(config.status, 2);
    const { errors } = JSON.parse(config.stdout);
    const entry = errors.find(
      (e: { key: string }) => e.key === "secrets-hub:key.deletionWindowInDays",
    );
    assert.ok(entry, config.stdout);
    assert.match(entry.message, /must be from 7 to 30/);
    assert.equal(entry.file, file);
  });

  it("plan and deploy refuse a bad policy config with every problem, before any stack runs", async () => {
    const file = path.join(tempDir(), "policy.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        "peering-quota": 5,
        "no-such-policy": {},
        "kms-key-rotation": { enforcementLevel: "hard" },
        "rotation-interval-max": { maxRotationDays: "thirty" },
      }),
    );
    for (const script of ["plan", "deploy"]) {
      const started = Date.now();
      const run = await runScript(script, ["--env", "dev", "--policy-config", file]);
      assertRefused(run, /invalid policy configuration/);
      for (const key of [
        "peering-quota: must be an enforcement level",
        "no-such-policy: no such policy",
        "kms-key-rotation.enforcementLevel: is not an enforcement level",
        "rotation-interval-max.maxRotationDays: must be number",
      ])
        assert.ok(run.stderr.includes(key), `${script}: ${key}\n${run.stderr}`);
      // No stack ran: the plan of dev takes longer than its config check.
      assert.doesNotMatch(run.stdout, /phase|Stack /);
      assert.ok(Date.now() - started < 20000);
    }
  });

  it("deploy: --destroy without --yes off a terminal, and no Pulumi CLI, exit 2 touching nothing", async () => {
    // A PATH with node alone: no pulumi binary can be found.
    const env = { ...process.env, PATH: path.dirname(process.execPath) };
    const [destroy, noCli] = await Promise.all([
      runScript("deploy", ["--env", "dev", "--destroy"], { env }),
      runScript("deploy", ["--env", "dev", "--preview"], { env }),
    ]);
    assertRefused(destroy, /--destroy of 'dev' asks before it changes anything .* pass --yes/);
    assertRefused(
      noCli,
      /the Pulumi CLI is not on PATH: install it .* or run again with --install-cli/,
    );
  });
});

describe("policy config, as the Pulumi CLI reads it", () => {
  let policies: Awaited<ReturnType<typeof guardPolicies>>;
  before(async () => {
    policies = await guardPolicies();
  });

  it("describes the pack's policies from its modules, with levels and schema defaults", () => {
    // Exactly the policies the pack registers (read here without starting its server).
    assert.deepEqual(policies.map((p) => p.name).sort(), allPolicies.map((p) => p.name).sort());
    const alerting = policies.find((p) => p.name === "rotation-failure-alerting")!;
    assert.equal(alerting.enforcementLevel, "advisory");
    const effective = reconcilePolicyConfig(policies, {});
    assert.deepEqual(effective["rotation-interval-max"], {
      enforcementLevel: "mandatory",
      properties: { maxRotationDays: 90 },
    });
  });

  it("accepts `all`, the string shorthand and an empty config", () => {
    const effective = reconcilePolicyConfig(policies, {
      all: "advisory",
      "peering-quota": "mandatory",
      "rotation-interval-max": { maxRotationDays: 30 },
    });
    assert.equal(effective["kms-key-rotation"].enforcementLevel, "advisory");
    assert.equal(effective["peering-quota"].enforcementLevel, "mandatory");
    assert.deepEqual(effective["rotation-interval-max"], {
      enforcementLevel: "advisory",
      properties: { maxRotationDays: 30 },
    });
    assert.doesNotThrow(() =>
      reconcilePolicyConfig(policies, { all: { enforcementLevel: "disabled" } }),
    );
  });

  it("refuses a number as a policy's config, an unknown policy and a bad level, all at once", () => {
    assert.throws(
      () =>
        reconcilePolicyConfig(policies, {
          "peering-quota": 5 as never,
          "peering-qouta": {},
          "kms-key-rotation": "hard",
        }),
      (error: PolicyConfigError) => {
        assert.deepEqual(
          error.problems.map((p) => p.key),
          ["peering-quota", "peering-qouta", "kms-key-rotation"],
        );
        assert.match(error.problems[1].message, /did you mean peering-quota\?/);
        return true;
      },
    );
  });

  it("plan accepts an empty file and {} as no config", async () => {
    const dir = tempDir();
    const empty = path.join(dir, "empty.json");
    fs.writeFileSync(empty, "");
    const { readPolicyConfig } = await import("../../scripts/lib/policyConfigFile");
    assert.deepEqual(readPolicyConfig(empty), {});
    fs.writeFileSync(empty, "{}\n");
    assert.deepEqual(readPolicyConfig(empty), {});
    assert.ok(fs.existsSync(DEV_FILE));
  });
});
