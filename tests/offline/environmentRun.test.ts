// The fixed-point pass of the offline plan: a stack whose readings of its references did not
// change since its last run stands for its own re-run (src/offline/environmentRun.ts). These
// hold the shipped environments to what that relies on: each program is a function of what
// it reads, and a workload reads of central only its view.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { environmentFromFile } from "../../src/config";
import { readingOf, runEnvironmentStack } from "../../src/offline/environmentRun";
import type { RecordedResource, StackOutputs } from "../../src/offline/runStack";
import { centralStack, stackNames, workloadStack } from "../../src/topology";
import { deployed } from "../harness";

const ROOT = path.join(__dirname, "..", "..");
const byUrn = (resources: RecordedResource[]) =>
  [...resources].sort((a, b) => a.urn.localeCompare(b.urn));

describe("the fixed-point pass", () => {
  for (const file of ["Pulumi.dev.yaml", "Pulumi.estate.yaml", "Pulumi.adopt.yaml"]) {
    it(`${file}: every stack, run again on the final outputs, registers and exports what its last run did`, async () => {
      const env = environmentFromFile(path.join(ROOT, file));
      const run = await deployed(env);
      assert.equal(run.converged, true, run.drift.join("\n"));
      // Central's last phase added secrets to its outputs after the workloads' last runs;
      // their view of central is unchanged, so the pass re-ran none of them.
      assert.deepEqual(run.rerun, []);
      for (const stack of stackNames(env)) {
        const again = await runEnvironmentStack(env, stack, run.outputs);
        const last = run.runs.get(stack)!;
        assert.deepEqual(byUrn(again.resources), byUrn(last.resources), stack);
        assert.deepEqual(again.outputs, last.outputs, stack);
        assert.deepEqual(again.references, last.references, stack);
      }
    });
  }

  it("a workload's reading of central: its own peering and the shared keys, not the other workloads' secrets", async () => {
    const env = environmentFromFile(path.join(ROOT, "Pulumi.dev.yaml"));
    const { outputs } = await deployed(env);
    const central = centralStack(env);
    const [a, b] = env.workloads.map((w) => workloadStack(env, w.name));
    const edited = (edit: (o: Record<string, unknown>) => void) => {
      const copy = structuredClone(outputs.get(central)!) as StackOutputs;
      edit(copy.outputs);
      return new Map([...outputs, [central, copy]]);
    };
    const before = readingOf(env, a, central, outputs);
    assert.match(before, /"ready":true/);
    // Another workload's secret, and every workload's map of secrets: not read by a.
    const secrets = edited((o) => {
      (o.secretArns as Record<string, string>)["workload-z"] = "arn:aws:secretsmanager:z";
      (o.workloadSecretArns as Record<string, unknown>)["workload-z"] = {};
    });
    assert.equal(readingOf(env, a, central, secrets), before);
    // b's peering changes b's reading, not a's.
    const peering = edited((o) => {
      (o.peeringConnectionIds as Record<string, string>)["workload-b"] = "pcx-0changed";
    });
    assert.equal(readingOf(env, a, central, peering), before);
    assert.notEqual(readingOf(env, b, central, peering), readingOf(env, b, central, outputs));
    // The key, and a key the contract requires going missing, change every reading.
    const key = edited((o) => (o.kmsKeyArn = "arn:aws:kms:us-east-1:111111111111:key/other"));
    assert.notEqual(readingOf(env, a, central, key), before);
    const missing = edited((o) => delete o.replicaSecretArns);
    assert.match(readingOf(env, a, central, missing), /"missing":\["replicaSecretArns"\]/);
    // Central reads every output of a workload.
    const workload = structuredClone(outputs.get(a)!) as StackOutputs;
    workload.outputs.extra = "x";
    assert.notEqual(
      readingOf(env, central, a, new Map([...outputs, [a, workload]])),
      readingOf(env, central, a, outputs),
    );
  });
});
