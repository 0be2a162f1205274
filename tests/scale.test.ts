// Scale: plans of generated environments far beyond three workloads, through the real CLI script.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateEnvironmentFile } from "../src/bench/generate";
import { environmentFromFile } from "../src/config";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-hub-scale-"));

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
    ["--import", "tsx", path.join(__dirname, "..", "scripts", "plan.ts"), ...args],
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
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

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
    const key = central.resources.find((r: { type: string }) => r.type === "aws:kms/key:Key");
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

describe("scale, transit gateway", function () {
  this.timeout(600000);
  const tgwDir = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-hub-scale-tgw-"));
  after(() => fs.rmSync(tgwDir, { recursive: true, force: true }));

  it("300 workloads with summary prefixes on default quotas: exit 0, converges, one gateway and share, an attachment each, constant central routes", () => {
    const name = "tgw300";
    const envFile = path.join(tgwDir, `Pulumi.${name}.yaml`);
    fs.writeFileSync(
      envFile,
      generateEnvironmentFile(name, 300, {
        connectivity: "transit-gateway",
        summaryPrefixes: true,
      }),
    );
    const result = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(__dirname, "..", "scripts", "plan.ts"),
        "--env",
        name,
        "--config-file",
        envFile,
        "--json",
      ],
      { encoding: "utf8", maxBuffer: 1 << 30 },
    );
    assert.equal(result.status, 0, result.stderr);
    const plan = JSON.parse(result.stdout);
    assert.equal(plan.converged, true);
    assert.deepEqual(
      plan.violations.filter((v: { level: string }) => v.level === "mandatory"),
      [],
    );
    type Resource = { type: string; urn: string; inputs: Record<string, unknown> };
    const stacks = plan.stacks as { name: string; resources: Resource[] }[];
    const all = stacks.flatMap((s) => s.resources);
    const count = (resources: Resource[], type: string) =>
      resources.filter((r) => r.type === type).length;
    assert.equal(count(all, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"), 0);
    const central = stacks.find((s) => s.name === `${name}-central`)!.resources;
    assert.equal(count(central, "aws:ec2transitgateway/transitGateway:TransitGateway"), 1);
    assert.equal(count(central, "aws:ram/resourceShare:ResourceShare"), 1);
    for (const s of stacks.filter((s) => s.name !== `${name}-central`)) {
      assert.equal(count(s.resources, "aws:ec2transitgateway/vpcAttachment:VpcAttachment"), 1);
    }
    // One summary prefix × two route tables, whatever the number of workloads.
    assert.equal(count(central, "aws:ec2/route:Route"), 2);
    assert.equal(count(central, "aws:secretsmanager/secretRotation:SecretRotation"), 300);
    // Every rotation is added in the last phase, after every attachment.
    const steps = plan.steps as { phase: number; stack: string; adds: string[] }[];
    const attached = Math.max(
      ...steps
        .filter((s) => s.adds.some((u) => u.includes("vpcAttachment:VpcAttachment")))
        .map((s) => s.phase),
    );
    const rotated = Math.min(
      ...steps
        .filter((s) => s.adds.some((u) => u.includes("secretRotation:SecretRotation")))
        .map((s) => s.phase),
    );
    assert.ok(attached < rotated, `attachments in phase ${attached}, rotation in ${rotated}`);
  });
});
