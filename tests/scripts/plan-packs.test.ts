// npm run plan -- --policy-pack DIR [--policy-pack-config FILE]: further CrossGuard packs,
// each through its own server, their violations named by pack, their config checked first.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { generateEnvironmentFile } from "../../src/bench/generate";
import type { Plan } from "../../src/offline/plan";
import { runScript, tempDir } from "../harness";

const EXTRA_PACK = path.join(__dirname, "..", "fixtures", "extra-pack");
const POLICY = "kms-key-description-prefix";

describe("@slow npm run plan -- --policy-pack", function () {
  this.timeout(120000);
  const dir = tempDir();
  const config = (name: string, value: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify({ [POLICY]: value }));
    return file;
  };

  it("evaluates a further pack beside secrets-hub-guard: its mandatory violations name it and fail the plan", async () => {
    const [clean, failing] = await Promise.all([
      runScript("plan", ["--env", "dev", "--json", "--policy-pack", EXTRA_PACK]),
      runScript("plan", [
        ...["--env", "dev", "--json", "--policy-pack", EXTRA_PACK],
        ...["--policy-pack-config", config("acme.json", { prefix: "acme:" })],
      ]),
    ]);
    // Its default prefix is the program's own: no violation of the extra pack, exit 0.
    assert.equal(clean.status, 0, clean.stderr);
    const cleanPlan = JSON.parse(clean.stdout) as Plan;
    assert.deepEqual(
      cleanPlan.violations.filter((v) => v.pack !== "secrets-hub-guard"),
      [],
    );
    assert.ok(cleanPlan.violations.every((v) => v.pack === "secrets-hub-guard"));

    // Its config (the first --policy-pack-config, for the first --policy-pack) asks for another.
    assert.equal(failing.status, 1, failing.stderr);
    const violations = (JSON.parse(failing.stdout) as Plan).violations.filter(
      (v) => v.pack === "extra-pack",
    );
    assert.deepEqual(
      violations.map((v) => [v.policy, v.level, v.stack, v.urn.split("::").pop()]).sort(),
      [
        [POLICY, "mandatory", "dev-central", "rotation-alerts-key"],
        [POLICY, "mandatory", "dev-central", "secrets-key"],
      ],
    );
    assert.match(violations[0].message, /does not start with 'acme:'/);
    // The text plan shows the pack too (tests/offline/plan.test.ts: "(extra-pack; dev-central)").
  });

  it("refuses a bad pack config with exit 2 before any stack runs", async () => {
    // An environment whose plan takes minutes: the refusal comes in seconds, so it came first.
    const env = path.join(dir, "Pulumi.big.yaml");
    fs.writeFileSync(env, generateEnvironmentFile("big", 100));
    const started = Date.now();
    const run = await runScript("plan", [
      ...["--env", "big", "--config-file", env, "--json", "--policy-pack", EXTRA_PACK],
      ...["--policy-pack-config", config("bad.json", { prefix: 5 })],
    ]);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /bad\.json: invalid policy configuration/);
    assert.match(run.stderr, /kms-key-description-prefix\.prefix: must be string \(got 5\)/);
    assert.deepEqual(JSON.parse(run.stdout).errors[0].key, `${POLICY}.prefix`);
    assert.ok(seconds < 30, `refused after ${seconds} s: the stacks ran first`);
  });

  it("refuses a folder that is no pack and configs that do not pair with the packs", async () => {
    const [notPack, unpaired] = await Promise.all([
      runScript("plan", ["--env", "dev", "--policy-pack", dir]),
      runScript("plan", [
        ...["--env", "dev", "--policy-pack", EXTRA_PACK],
        ...["--policy-pack-config", config("a.json", "advisory")],
        ...["--policy-pack-config", config("b.json", "advisory")],
      ]),
    ]);
    assert.equal(notPack.status, 2);
    assert.match(notPack.stderr, /--policy-pack .*: not a policy pack \(no PulumiPolicy\.yaml\)/);
    assert.equal(unpaired.status, 2);
    assert.match(
      unpaired.stderr,
      /the number of --policy-pack-config files \(2\) must match the number of --policy-pack folders \(1\)/,
    );
  });
});
