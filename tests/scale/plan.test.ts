// Scale: plans of generated environments far beyond three workloads, through the real CLI
// script, against the AWS quotas. Minutes on two cores: run by `npm run test:slow`
// (.mocharc.slow.json), not `npm test`.
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { generateEnvironmentFile, raisedQuotaConfig } from "../../src/bench/generate";
import { environmentFromFile } from "../../src/config";
import type { Plan } from "../../src/offline/plan";
import { tempDir } from "../harness";

const PEERING_REQUEST = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection";

interface PlanRun {
  status: number | null;
  stderr: string;
  plan: Plan;
}

describe("@slow scale", function () {
  this.timeout(600000);
  const dir = tempDir();
  const runs = new Map<string, Promise<PlanRun>>();

  /** Plans a generated environment in a fresh process; the policy config raises quotas when given. */
  function planOf(workloads: number, policyConfig?: object): Promise<PlanRun> {
    const name = `scale${workloads}`;
    const envFile = path.join(dir, `Pulumi.${name}.yaml`);
    if (!fs.existsSync(envFile))
      fs.writeFileSync(envFile, generateEnvironmentFile(name, workloads));
    const args = ["--env", name, "--config-file", envFile, "--json"];
    if (policyConfig) {
      const policyFile = path.join(dir, `policy-${workloads}.json`);
      fs.writeFileSync(policyFile, JSON.stringify(policyConfig));
      args.push("--policy-config", policyFile);
    }
    const child = spawn(process.execPath, [
      "--import",
      "tsx",
      path.join(__dirname, "..", "..", "scripts", "plan.ts"),
      ...args,
    ]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (status) => {
        try {
          resolve({ status, stderr, plan: JSON.parse(stdout) as Plan });
        } catch {
          reject(new Error(`plan of ${name} exited ${status} without a plan:\n${stderr}`));
        }
      });
    });
  }

  // Every plan starts at once (each is mostly one core's work): the block takes about as
  // long as its longest plan, not their sum.
  before(() => {
    runs.set("30", planOf(30));
    runs.set("60", planOf(60));
    runs.set("60 raised", planOf(60, raisedQuotaConfig(60)));
    runs.set("125 raised", planOf(125, raisedQuotaConfig(125)));
    for (const run of runs.values()) run.catch(() => undefined);
  });
  after(async () => {
    await Promise.allSettled(runs.values());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const mandatory = (plan: Plan) => plan.violations.filter((v) => v.level === "mandatory");
  const peeringRequestsAdded = (step: Plan["steps"][number]) =>
    step.adds.filter((urn) => urn.split("::")[2]?.split("$").pop() === PEERING_REQUEST).length;

  it("generated environments are valid, with disjoint CIDRs and unique ids", () => {
    const file = path.join(dir, "Pulumi.gen.yaml");
    fs.writeFileSync(file, generateEnvironmentFile("gen", 125));
    const env = environmentFromFile(file);
    assert.equal(env.workloads.length, 125);
    assert.equal(new Set(env.workloads.map((w) => w.vpcCidr)).size, 125);
  });

  it("30 workloads on default quotas: exit 0, peering requests in two central rounds of at most 25", async () => {
    const { status, stderr, plan } = await runs.get("30")!;
    assert.equal(status, 0, stderr + JSON.stringify(mandatory(plan)));
    assert.equal(plan.converged, true);
    const rounds = plan.steps.filter(
      (s) => s.stack === "scale30-central" && peeringRequestsAdded(s) > 0,
    );
    assert.deepEqual(
      rounds.map(peeringRequestsAdded),
      [25, 5],
      "central requests 25 peerings, then the other 5 once the first round accepted",
    );
    assert.ok(plan.steps.every((s) => peeringRequestsAdded(s) <= 25));
  });

  it("60 workloads on default quotas: exit 1, naming the route-table and peering quotas and how to raise them", async () => {
    const { status, plan } = await runs.get("60")!;
    assert.equal(status, 1);
    const violations = mandatory(plan);
    const routes = violations.filter((v) => v.policy === "route-table-quota");
    // One per central private route table (one per Availability Zone).
    assert.equal(routes.length, 2, JSON.stringify(violations));
    for (const v of routes) {
      assert.match(v.message, /60 IPv4 routes in route table central-private-us-east-1[ab]/);
      assert.match(
        v.message,
        /60 exceed the quota "Routes per route table" of 50 \(vpc L-93826ACB\)/,
      );
      assert.match(
        v.message,
        /request-service-quota-increase --service-code vpc --quota-code L-93826ACB .*set the raised value in the policy config/,
      );
    }
    const peerings = violations.filter((v) => v.policy === "peering-quota");
    assert.equal(peerings.length, 1, JSON.stringify(violations));
    assert.match(
      peerings[0].message,
      /60 peering connections from VPC central-vpc: 60 exceed the quota "Active VPC peering connections per VPC" of 50 \(vpc L-7E9ECCDB\); raise .*\(up to 125\)/,
    );
    // Nothing else: the rotation rules are spread over security groups, requests paced in rounds.
    assert.deepEqual([...new Set(violations.map((v) => v.policy))].sort(), [
      "peering-quota",
      "route-table-quota",
    ]);
  });

  it("the same 60 workloads with those quotas raised in the policy config: exit 0", async () => {
    const { status, stderr, plan } = await runs.get("60 raised")!;
    assert.equal(status, 0, stderr + JSON.stringify(mandatory(plan)));
    const central = plan.stacks.find((s) => s.name === "scale60-central")!;
    // 62 outbound rules: the rotation functions get a second security group.
    const groups = central.resources.filter(
      (r) => r.type === "aws:ec2/securityGroup:SecurityGroup" && r.name.startsWith("rotation-sg"),
    );
    assert.deepEqual(groups.map((g) => g.name).sort(), ["rotation-sg", "rotation-sg-2"]);
  });

  it("125 workloads with the quotas the README names raised: converges, no mandatory violation, key policy under 32,768 bytes", async () => {
    const { status, stderr, plan } = await runs.get("125 raised")!;
    assert.equal(status, 0, stderr + JSON.stringify(mandatory(plan)));
    assert.equal(plan.converged, true);
    const central = plan.stacks.find((s) => s.name === "scale125-central")!;
    const secrets = central.resources.filter((r) => r.type === "aws:secretsmanager/secret:Secret");
    assert.equal(secrets.length, 125);
    // The secrets key (the alerts topic has a key of its own).
    const policy = central.resources
      .filter((r) => r.type === "aws:kms/key:Key")
      .map((r) => String(r.inputs.policy))
      .find((p) => p.includes("WorkloadAccountsDecryptViaSecretsManager"))!;
    assert.ok(Buffer.byteLength(policy) < 32768, `${Buffer.byteLength(policy)} bytes`);
    // One statement lists every workload account: the policy grows by one account id
    // (15 bytes) per workload.
    const grants = (
      JSON.parse(policy) as {
        Statement: { Sid: string; Condition: { StringEquals: Record<string, string[]> } }[];
      }
    ).Statement.find((s) => s.Sid === "WorkloadAccountsDecryptViaSecretsManager")!;
    assert.equal(grants.Condition.StringEquals["kms:CallerAccount"].length, 125);
    // 127 outbound rules (2 to the endpoint subnets, 125 database ports): three groups.
    const app = central.resources.find(
      (r) => r.type === "aws:serverlessrepository/cloudFormationStack:CloudFormationStack",
    )!;
    const parameters = app.inputs.parameters as Record<string, string>;
    assert.equal(parameters.vpcSecurityGroupIds.split(",").length, 3);
  });
});

describe("@slow scale, transit gateway", function () {
  this.timeout(600000);
  const tgwDir = tempDir();
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
        path.join(__dirname, "..", "..", "scripts", "plan.ts"),
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
