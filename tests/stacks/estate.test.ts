// Pulumi.estate.yaml planned: one secret per database and per other secret (plus the
// masters), one rotation per rotating secret, a cluster per Aurora database, ingress from
// each allowFrom entry, each database's outputs.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { deployed, ofType } from "../harness";
import { environmentFromFile } from "../../src/config";
import { ENGINE_SPECS } from "../../kernel/engines";
import type { StackRun } from "../../src/offline/runStack";

const ESTATE = path.join(__dirname, "..", "..", "Pulumi.estate.yaml");
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

describe("@slow an organization's estate (Pulumi.estate.yaml)", () => {
  const env = environmentFromFile(ESTATE);
  let runs: Map<string, StackRun>;
  let central: StackRun;
  before(async () => {
    const run = await deployed(env);
    assert.equal(run.converged, true, run.drift.join("; "));
    runs = run.runs;
    central = runs.get("estate-central")!;
  });

  it("one secret per database and per non-database secret, plus a master per multi-user database", () => {
    const databases = env.workloads.flatMap((w) => w.databases);
    const masters = databases.filter((d) => d.rotationStrategy === "multi-user");
    const others = env.workloads.flatMap((w) => w.secrets);
    const names = ofType(central, "aws:secretsmanager/secret:Secret").map((s) => s.inputs.name);
    assert.deepEqual(
      [...names].sort(),
      [
        ...databases.map((d) => d.secretName),
        ...masters.map((d) => `${d.secretName}/master`),
        ...others.map((s) => s.secretName),
      ].sort(),
    );
    assert.ok(databases.length >= 4 && masters.length >= 2 && others.length >= 2);
  });

  it("one rotation per rotating secret; none for a secret with rotation none", () => {
    const rotations = ofType(central, "aws:secretsmanager/secretRotation:SecretRotation");
    const secrets = ofType(central, "aws:secretsmanager/secret:Secret");
    const rotated = secrets.filter((s) =>
      rotations.some((r) => (r.propertyDependencies.secretId ?? []).includes(s.urn)),
    );
    const expected = secrets.filter((s) => {
      const tags = (s.inputs.tags ?? {}) as Record<string, string>;
      return tags["secrets-hub:rotation"] !== "none" && !tags["secrets-hub:rotation-awaits"];
    });
    assert.deepEqual(
      rotated.map((s) => s.inputs.name).sort(),
      expected.map((s) => s.inputs.name).sort(),
    );
    for (const s of env.workloads.flatMap((w) => w.secrets)) {
      const secret = secrets.find((x) => x.inputs.name === s.secretName)!;
      assert.ok(!rotated.includes(secret), `${s.secretName} has rotation none`);
      // Created empty: the operator puts the value, outside Pulumi state.
      assert.ok(
        !ofType(central, "aws:secretsmanager/secretVersion:SecretVersion").some((v) =>
          (v.propertyDependencies.secretId ?? []).includes(secret.urn),
        ),
      );
    }
  });

  it("an aws:rds/cluster:Cluster with its instances per Aurora database, encrypted and protected; an instance per RDS one", () => {
    for (const w of env.workloads) {
      const run = runs.get(`estate-${w.name}`)!;
      const clusters = w.databases.filter((d) => ENGINE_SPECS[d.engine].deployment === "cluster");
      assert.equal(ofType(run, "aws:rds/cluster:Cluster").length, clusters.length);
      assert.equal(
        ofType(run, "aws:rds/clusterInstance:ClusterInstance").length,
        clusters.reduce((n, d) => n + (d.instances ?? 2), 0),
      );
      for (const c of ofType(run, "aws:rds/cluster:Cluster")) {
        assert.equal(c.inputs.storageEncrypted, true);
        assert.equal(c.inputs.deletionProtection, true);
        assert.equal(c.protect, true);
      }
      assert.equal(
        ofType(run, "aws:rds/instance:Instance").length,
        w.databases.length - clusters.length,
      );
    }
    assert.equal(ofType(runs.get("estate-payments")!, "aws:rds/cluster:Cluster").length, 1);
  });

  it("ingress on each database's port from each allowFrom entry, on its own security group", () => {
    for (const w of env.workloads) {
      const run = runs.get(`estate-${w.name}`)!;
      const outputs = run.outputs.databases as Record<
        string,
        { endpoint: { port: number }; securityGroupId: string }
      >;
      for (const d of w.databases) {
        const { endpoint, securityGroupId } = outputs[d.name];
        const rules = ofType(run, INGRESS).filter(
          (r) =>
            r.inputs.securityGroupId === securityGroupId && r.inputs.fromPort === endpoint.port,
        );
        for (const group of d.allowFrom.securityGroupIds)
          assert.ok(
            rules.some((r) => r.inputs.referencedSecurityGroupId === group),
            `${d.name} ${group}`,
          );
        for (const cidr of d.allowFrom.cidrs)
          assert.ok(
            rules.some((r) => r.inputs.cidrIpv4 === cidr),
            `${d.name} ${cidr}`,
          );
        // Besides them, only the central rotation subnets.
        assert.equal(
          rules.length,
          d.allowFrom.securityGroupIds.length +
            d.allowFrom.cidrs.length +
            env.central.availabilityZones.length,
        );
      }
    }
  });

  it("exports each database's endpoint, security group and secret ARN pattern, and each reader's role", () => {
    for (const w of env.workloads) {
      const out = runs.get(`estate-${w.name}`)!.outputs;
      assert.deepEqual(
        Object.keys(out.databases as object).sort(),
        w.databases.map((d) => d.name).sort(),
      );
      assert.deepEqual(
        Object.keys(out.secretArnPatterns as object).sort(),
        [...w.databases, ...w.secrets].map((d) => d.name).sort(),
      );
      assert.deepEqual(
        Object.keys(out.readerRoleArns as object).sort(),
        w.readers.map((r) => r.name).sort(),
      );
      const ledger = (out.databases as Record<string, { endpoint: Record<string, unknown> }>)
        .ledger;
      if (ledger) {
        assert.equal(ledger.endpoint.dbClusterIdentifier, "estate-payments-ledger");
        assert.equal(ledger.endpoint.dbInstanceIdentifier, undefined);
      }
    }
    const all = central.outputs.workloadSecretArns as Record<string, Record<string, string>>;
    assert.deepEqual(Object.keys(all.payments).sort(), ["ledger", "orders", "stripe"]);
  });
});
