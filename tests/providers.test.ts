// src/providers.ts: every stack's providers pinned to its account, Region and deploy role.
import * as assert from "node:assert/strict";
import { devEnvironment, ofType, one, runStackOf } from "./harness";

describe("account providers", () => {
  it("pin every stack's aws and aws-native providers to its account and deploy role", async () => {
    const env = devEnvironment();
    for (const [stack, account] of [
      ["dev-workload-b", env.workloads[1]],
      ["dev-central", env.central],
    ] as const) {
      const run = await runStackOf(env, stack);
      const aws = one(run, "pulumi:providers:aws");
      // (central also has an aws-native provider per further Region, for its analyzers)
      const native = ofType(run, "pulumi:providers:aws-native").find(
        (p) => p.inputs.region === account.region,
      )!;
      for (const provider of [aws, native]) {
        assert.deepEqual(JSON.parse(String(provider.inputs.allowedAccountIds)), [
          account.accountId,
        ]);
        assert.equal(provider.inputs.region, account.region);
      }
      assert.equal(JSON.parse(String(aws.inputs.assumeRoles))[0].roleArn, account.deployRoleArn);
      assert.equal(JSON.parse(String(native.inputs.assumeRole)).roleArn, account.deployRoleArn);
      // Every custom resource names an explicit provider of this stack.
      const providerUrns = new Set(
        run.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => r.urn),
      );
      for (const r of run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:"))) {
        assert.ok(
          providerUrns.has(r.provider.split("::").slice(0, 4).join("::")),
          `${r.urn} uses provider ${r.provider}`,
        );
      }
    }
  });
});
