import * as assert from "node:assert/strict";
import {
  centralStack,
  deploymentPhases,
  operationCost,
  operationPhases,
  resolveStack,
  stackAccount,
  stackNames,
  workloadStack,
} from "../src/topology";
import { devEnvironment } from "./harness";

const env = devEnvironment();
const W = ["dev-workload-a", "dev-workload-b", "dev-workload-c"];

describe("topology", () => {
  it("names every stack <env>-<account>, central first, workloads in file order", () => {
    assert.equal(centralStack(env), "dev-central");
    assert.equal(workloadStack(env, "workload-b"), "dev-workload-b");
    assert.deepEqual(stackNames(env), ["dev-central", ...W]);
  });

  it("derives the account from the stack name and refuses stacks the file does not describe", () => {
    assert.equal(resolveStack(env, "dev-central").kind, "central");
    const target = resolveStack(env, "dev-workload-b");
    assert.equal(target.kind === "workload" && target.workload.accountId, "333333333333");
    assert.deepEqual(stackAccount(env, "dev-workload-c"), {
      account: "workload-c",
      accountId: "444444444444",
      region: "us-east-1",
    });
    assert.throws(
      () => resolveStack(env, "prod-central"),
      /allowed stacks: dev-central, dev-workload-a/,
    );
    assert.throws(() => resolveStack(env, "dev-workload-z"), /not described/);
  });

  it("deploys the workloads, then central, then the workloads again", () => {
    const phases = deploymentPhases(env);
    assert.deepEqual(
      phases.map((p) => p.stacks),
      [W, ["dev-central"], W],
    );
    assert.deepEqual(
      phases.map((p) => p.number),
      [1, 2, 3],
    );
    assert.ok(phases.every((p) => p.purpose.length > 0));
  });

  it("previews each stack once and destroys central before the workloads", () => {
    assert.deepEqual(
      operationPhases(env, "preview").map((p) => p.stacks),
      [W, ["dev-central"]],
    );
    assert.deepEqual(
      operationPhases(env, "destroy").map((p) => p.stacks),
      [["dev-central"], W],
    );
  });

  it("counts stack updates and the waves they take at a given parallelism", () => {
    assert.deepEqual(operationCost(deploymentPhases(env), 4), { stackUpdates: 7, waves: 3 });
    assert.deepEqual(operationCost(deploymentPhases(env), 2), { stackUpdates: 7, waves: 5 });
  });
});
