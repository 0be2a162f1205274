// GovCloud and China environments, planned offline: every ARN the program writes is in the
// environment's partition, the rotation applications come from that partition's publisher at
// its pinned version, and the endpoints carry its DNS suffix (kernel/partitions.ts).
import * as assert from "node:assert/strict";
import { ENGINE_SPECS } from "../../kernel/engines";
import { PARTITION_SPECS, Partition, rotationApplicationArn } from "../../kernel/partitions";
import { environmentFromFile } from "../../src/config";
import { runEnvironment, type EnvironmentRun } from "../../src/offline/environmentRun";
import { PolicyServer } from "../../src/offline/policyServer";
import type { RecordedResource } from "../../src/offline/runStack";
import { editedDevFile, movedTo } from "../harness";

const SAR = "aws:serverlessrepository/cloudFormationStack:CloudFormationStack";

const CASES: { partition: Partition; region: string; replica: string }[] = [
  { partition: "aws-us-gov", region: "us-gov-west-1", replica: "us-gov-east-1" },
  { partition: "aws-cn", region: "cn-north-1", replica: "cn-northwest-1" },
];

function environmentIn(c: (typeof CASES)[number]) {
  return environmentFromFile(editedDevFile(movedTo(c.region, c.replica, c.partition)));
}

const resourcesOf = (run: EnvironmentRun): RecordedResource[] =>
  [...run.runs.values()].flatMap((r) => r.resources);

for (const c of CASES) {
  describe(`@slow offline plan of a ${c.partition}-only environment`, function () {
    this.timeout(300000);
    let run: EnvironmentRun;
    before(async () => {
      run = await runEnvironment(environmentIn(c));
    });

    it("writes no arn:aws: anywhere, and converges", () => {
      const text = JSON.stringify(resourcesOf(run));
      assert.deepEqual(text.match(/arn:aws:[^"]{0,60}/g) ?? [], []);
      assert.ok(text.includes(`arn:${c.partition}:`), `no arn:${c.partition}: in the plan`);
      const outputs = JSON.stringify([...run.outputs.values()].map((o) => o.outputs));
      assert.deepEqual(outputs.match(/arn:aws:[^"]{0,60}/g) ?? [], []);
      assert.equal(run.converged, true, run.drift.join("\n"));
    });

    it("deploys the partition's rotation applications at the partition's version", () => {
      const stacks = resourcesOf(run).filter((r) => r.type === SAR);
      assert.ok(stacks.length >= 2);
      for (const stack of stacks) {
        const engine = /postgres/.test(stack.name) ? "postgres" : "mysql";
        const strategy = /-multi/.test(stack.name) ? "multi-user" : "single-user";
        const application = ENGINE_SPECS[engine].rotationApplications[strategy];
        assert.equal(
          stack.inputs.applicationId,
          rotationApplicationArn(c.partition, application.name),
        );
        assert.match(
          String(stack.inputs.applicationId),
          new RegExp(
            `^arn:${c.partition}:serverlessrepo:${PARTITION_SPECS[c.partition].rotationApplicationPublisher.region}:`,
          ),
        );
        assert.equal(stack.inputs.semanticVersion, application.versions[c.partition]);
        assert.notEqual(stack.inputs.semanticVersion, application.versions.aws);
        const parameters = stack.inputs.parameters as Record<string, string>;
        assert.equal(
          parameters.endpoint,
          `https://secretsmanager.${c.region}.${PARTITION_SPECS[c.partition].dnsSuffix}`,
        );
      }
    });

    it("names the partition's endpoints: the VPC endpoint service and kms:ViaService", () => {
      const endpoints = resourcesOf(run).filter(
        (r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint",
      );
      assert.ok(endpoints.length > 0);
      for (const e of endpoints)
        assert.equal(e.inputs.serviceName, `com.amazonaws.${c.region}.secretsmanager`);
      const keys = resourcesOf(run).filter(
        (r) => r.type === "aws:kms/key:Key" || r.type === "aws:kms/replicaKey:ReplicaKey",
      );
      const via = JSON.stringify(keys.map((k) => k.inputs.policy)).match(
        /secretsmanager\.[a-z0-9-]+\.amazonaws\.com[.a-z]*/g,
      );
      assert.ok(via && via.length > 0, "no kms:ViaService in the key policies");
      for (const v of new Set(via))
        assert.match(
          v,
          new RegExp(
            `^secretsmanager\\.(${c.region}|${c.replica})\\.${PARTITION_SPECS[c.partition].dnsSuffix.replace(/\./g, "\\.")}$`,
          ),
        );
    });
  });
}

describe("@slow the policy pack over a GovCloud-only environment", function () {
  this.timeout(300000);
  let server: PolicyServer;
  after(async () => server?.stop());

  it("has zero mandatory violations", async () => {
    server = await PolicyServer.start();
    await server.configure();
    const run = await runEnvironment(environmentIn(CASES[0]));
    for (const [stack, r] of run.runs) {
      const mandatory = (await server.analyzeAll(r.resources)).filter(
        (v) => v.level === "mandatory",
      );
      assert.deepEqual(mandatory, [], stack);
    }
  });
});
