// secrets-hub:accessAnalyzer: one value, or a map from each Region of central's secrets.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { environmentFromFile } from "../../src/config";
import { accountScope } from "../../src/deployPolicy";
import { VERIFY_RIGHTS } from "../../src/deployPolicy/rights";
import { accessAnalyzers } from "../../src/topology";
import { configProblemsOf, devEnvironment, editedDevFile, runScript, tempDir } from "../harness";

type Edit = (config: Record<string, any>) => void;

const problemsOf = (edit: Edit): string[] => configProblemsOf(edit);

const analyzer =
  (value: unknown): Edit =>
  (c) =>
    (c["secrets-hub:accessAnalyzer"] = value);
const ARN_EAST = "arn:aws:access-analyzer:us-east-1:111111111111:analyzer/org-baseline";

describe("config: secrets-hub:accessAnalyzer per Region", () => {
  it("takes a map from central's Regions; a Region left out is create", () => {
    const env = environmentFromFile(editedDevFile(analyzer({ "us-east-1": ARN_EAST })));
    assert.deepEqual(accessAnalyzers(env), { create: ["us-west-2"], existing: [ARN_EAST] });
    const none = environmentFromFile(
      editedDevFile(analyzer({ "us-east-1": "none", "us-west-2": "none" })),
    );
    assert.deepEqual(accessAnalyzers(none), { create: [], existing: [] });
  });

  it("keeps the one-value forms as they were", () => {
    assert.deepEqual(accessAnalyzers(devEnvironment()), {
      create: ["us-east-1", "us-west-2"],
      existing: [],
    });
    const arn = environmentFromFile(editedDevFile(analyzer(ARN_EAST)));
    assert.deepEqual(accessAnalyzers(arn), { create: [], existing: [ARN_EAST] });
  });

  it("refuses a Region the environment does not use, naming the key and the allowed Regions", () => {
    assert.deepEqual(problemsOf(analyzer({ "us-east-1": "create", "eu-west-1": "none" })), [
      'secrets-hub:accessAnalyzer.eu-west-1: names eu-west-1, where central holds no secrets: the Regions of this environment are us-east-1 (central.region), us-west-2 (replicaRegion) (got "none")',
    ]);
  });

  it("counts a workload's own Region among the allowed ones", () => {
    const problems = problemsOf((c) => {
      const w = c["secrets-hub:workloads"][2];
      w.region = "eu-west-1";
      w.availabilityZones = ["eu-west-1a", "eu-west-1b"];
      c["secrets-hub:accessAnalyzer"] = { "eu-west-1": "none", "ap-south-1": "create" };
    });
    assert.deepEqual(
      problems.filter((p) => p.startsWith("secrets-hub:accessAnalyzer")),
      [
        'secrets-hub:accessAnalyzer.ap-south-1: names ap-south-1, where central holds no secrets: the Regions of this environment are us-east-1 (central.region), us-west-2 (replicaRegion), eu-west-1 (workload workload-c\'s Region) (got "create")',
      ],
    );
  });

  it("refuses an analyzer ARN of another Region than its key, and a bad value under a Region", () => {
    assert.deepEqual(problemsOf(analyzer({ "us-west-2": ARN_EAST })), [
      `secrets-hub:accessAnalyzer.us-west-2: must be an analyzer of us-west-2 (this ARN's is us-east-1): an analyzer reports on its own Region only (got "${ARN_EAST}")`,
    ]);
    const [bad] = problemsOf(analyzer({ "us-west-2": "org" }));
    assert.match(
      bad,
      /^secrets-hub:accessAnalyzer\.us-west-2: must be create .*, none, or the ARN/,
    );
    const [list] = problemsOf(analyzer(["create"]));
    assert.match(
      list,
      /^secrets-hub:accessAnalyzer: must be create, none, .* or a map from each Region/,
    );
  });

  it("npm run verify's rights name exactly the analyzers the map gives", () => {
    const env = environmentFromFile(editedDevFile(analyzer({ "us-east-1": ARN_EAST })));
    const findings = VERIFY_RIGHTS(accountScope(env, "dev-central", []), []).find(
      (g) => g.sid === "VerifyAccessAnalyzerFindings",
    );
    assert.deepEqual(findings?.resources, [
      "arn:aws:access-analyzer:us-west-2:111111111111:analyzer/secrets-hub-dev-account",
      ARN_EAST,
    ]);
  });

  it("@slow a Region key the environment does not use: the plan exits 2 before any stack runs", async () => {
    const dir = tempDir();
    const file = path.join(dir, "Pulumi.dev.yaml");
    fs.copyFileSync(editedDevFile(analyzer({ "eu-central-1": "none" })), file);
    const run = await runScript("plan", ["--env", "dev", "--config-file", file]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(
      run.stderr,
      /secrets-hub:accessAnalyzer\.eu-central-1: names eu-central-1, where central holds no secrets: the Regions of this environment are us-east-1 \(central\.region\), us-west-2 \(replicaRegion\)/,
    );
    assert.doesNotMatch(run.stdout, /phase 1/);
  });
});
