import * as assert from "node:assert/strict";
import {
  centralStack,
  deploymentPhases,
  operationCost,
  operationPhases,
  peeringRounds,
  replicaRegions,
  resolveStack,
  secretArnPattern,
  stackAccount,
  stackNames,
  workloadStack,
} from "../src/topology";
import { partitionOf } from "../kernel/partitions";
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

  it("deploys the workloads, central, the workloads again, then central for secrets and rotation", () => {
    const phases = deploymentPhases(env);
    assert.deepEqual(
      phases.map((p) => p.stacks),
      [W, ["dev-central"], W, ["dev-central"]],
    );
    assert.deepEqual(
      phases.map((p) => p.number),
      [1, 2, 3, 4],
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
    assert.deepEqual(operationCost(deploymentPhases(env), 4), { stackUpdates: 8, waves: 4 });
    assert.deepEqual(operationCost(deploymentPhases(env), 2), { stackUpdates: 8, waves: 6 });
  });

  it("requests peerings in rounds of maxPendingPeerings: central, then that round's workloads", () => {
    const wide = {
      ...env,
      maxPendingPeerings: 2,
      workloads: [...env.workloads, { ...env.workloads[0], name: "workload-d" }],
    };
    const phases = deploymentPhases(wide);
    assert.deepEqual(
      phases.map((p) => p.stacks),
      [
        [...W, "dev-workload-d"],
        ["dev-central"],
        ["dev-workload-a", "dev-workload-b"],
        ["dev-central"],
        ["dev-workload-c", "dev-workload-d"],
        ["dev-central"],
      ],
    );
    assert.deepEqual(
      peeringRounds(wide).map((r) => r.map((w) => w.name)),
      [
        ["workload-a", "workload-b"],
        ["workload-c", "workload-d"],
      ],
    );
    // Every workload twice, central once per round and once more.
    assert.equal(operationCost(phases, 4).stackUpdates, 2 * 4 + 2 + 1);
  });

  it("replicates to the DR Region and to every further workload Region, once each", () => {
    const spread = {
      ...env,
      workloads: [
        env.workloads[0],
        { ...env.workloads[1], region: "eu-west-1" },
        { ...env.workloads[2], region: "eu-west-1" },
        { ...env.workloads[2], name: "workload-d", region: "us-west-2" },
      ],
    };
    assert.deepEqual(replicaRegions(env), ["us-west-2"]);
    assert.deepEqual(replicaRegions(spread), ["us-west-2", "eu-west-1"]);
  });

  it("names a secret by its ARN pattern with Secrets Manager's six-character suffix", () => {
    assert.equal(
      secretArnPattern(env, "dev/workload-a/orders-db", "us-west-2"),
      "arn:aws:secretsmanager:us-west-2:111111111111:secret:dev/workload-a/orders-db-??????",
    );
    assert.equal(partitionOf("cn-north-1"), "aws-cn");
    assert.equal(partitionOf("us-gov-west-1"), "aws-us-gov");
  });
});
