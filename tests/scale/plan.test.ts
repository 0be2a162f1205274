// Scale: plans of generated environments far beyond three workloads, through the real CLI
// script. Minutes on two cores: run by `npm run test:scale` (.mocharc.scale.json), not `npm test`.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { generateEnvironmentFile } from "../../src/bench/generate";
import { environmentFromFile } from "../../src/config";
import { tempDir } from "../harness";

let dir: string;

function planOf(workloads: number, quota?: number) {
  const name = `scale${workloads}`;
  const envFile = path.join(dir, `Pulumi.${name}.yaml`);
  fs.writeFileSync(envFile, generateEnvironmentFile(name, workloads));
  const args = ["--env", name, "--config-file", envFile, "--json"];
  if (quota) {
    const policyFile = path.join(dir, `policy-${quota}.json`);
    fs.writeFileSync(policyFile, JSON.stringify({ "peering-quota": { maxPeeringsPerVpc: quota } }));
    args.push("--policy-config", policyFile);
  }
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "..", "..", "scripts", "plan.ts"), ...args],
    {
      encoding: "utf8",
      maxBuffer: 1 << 30,
    },
  );
  return {
    status: result.status,
    stderr: result.stderr,
    plan: result.stdout ? JSON.parse(result.stdout) : undefined,
    envFile,
  };
}

describe("scale", function () {
  this.timeout(600000);
  before(() => {
    dir = tempDir();
  });

  it("generated environments are valid, with disjoint CIDRs and unique ids", () => {
    const file = path.join(dir, "Pulumi.gen.yaml");
    fs.writeFileSync(file, generateEnvironmentFile("gen", 125));
    const env = environmentFromFile(file);
    assert.equal(env.workloads.length, 125);
    assert.equal(new Set(env.workloads.map((w) => w.vpcCidr)).size, 125);
  });

  it("125 workloads with the quota raised to 125: converges, no mandatory violation, key policy under 32,768 bytes", () => {
    const { status, stderr, plan } = planOf(125, 125);
    assert.equal(status, 0, stderr);
    assert.equal(plan.converged, true);
    assert.deepEqual(
      plan.violations.filter((v: { level: string }) => v.level === "mandatory"),
      [],
    );
    const central = plan.stacks.find((s: { name: string }) => s.name === "scale125-central");
    const secrets = central.resources.filter(
      (r: { type: string }) => r.type === "aws:secretsmanager/secret:Secret",
    );
    assert.equal(secrets.length, 125);
    const key = central.resources.find(
      (r: { type: string; name: string }) =>
        r.type === "aws:kms/key:Key" && r.name === "secrets-key",
    );
    const policy = String(key.inputs.policy);
    assert.ok(Buffer.byteLength(policy) < 32768, `${Buffer.byteLength(policy)} bytes`);
    // One statement lists every workload role: the policy grows by one ARN per workload.
    const grants = JSON.parse(policy).Statement.find(
      (s: { Sid: string }) => s.Sid === "WorkloadApplicationRolesDecryptViaSecretsManager",
    );
    assert.equal(grants.Principal.AWS.length, 125);
  });

  it("60 workloads at the default quota: exit 1 naming the peering quota policy", () => {
    const { status, plan } = planOf(60);
    assert.equal(status, 1);
    const quota = plan.violations.filter(
      (v: { policy: string; level: string }) =>
        v.policy === "peering-quota" && v.level === "mandatory",
    );
    assert.ok(quota.length >= 1);
    assert.match(quota[0].message, /60 peering connections .* quota of 50/);
  });
});
