// The readable plan (src/offline/plan.ts formatPlan): verdict, unknowns, colour.
import * as assert from "node:assert/strict";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { Plan, formatPlan, verdict } from "../../src/offline/plan";

function planOf(extra: Partial<Plan> = {}): Plan {
  return {
    environment: "dev",
    phases: [["dev-workload-a"], ["dev-central"]],
    linkSummary: "VPC peering",
    steps: [
      { phase: 1, stack: "dev-workload-a", adds: [], changes: [], removes: [] },
      { phase: 2, stack: "dev-central", adds: [], changes: [], removes: [] },
    ],
    converged: true,
    drift: [],
    stacks: [
      {
        name: "dev-central",
        account: "central",
        accountId: "111111111111",
        region: "us-east-1",
        resources: [],
        outputs: { kmsKeyArn: unknownValue, vpcCidr: "10.0.0.0/16", ids: [unknownValue] },
        warnings: [],
      },
    ],
    violations: [],
    ...extra,
  };
}

describe("the readable plan", () => {
  it("opens with a one-line verdict", () => {
    assert.equal(
      verdict(planOf()),
      "dev: OK — 1 stacks, 2 stack updates, converged, 0 mandatory / 0 advisory violations",
    );
    const failed = planOf({
      converged: false,
      violations: [
        {
          pack: "a",
          policy: "p",
          level: "mandatory",
          stack: "dev-central",
          urn: "u",
          message: "m",
        },
        { pack: "b", policy: "q", level: "advisory", stack: "dev-central", urn: "u", message: "m" },
      ],
    });
    assert.match(verdict(failed), /^dev: FAILED — .*does not converge, 1 mandatory \/ 1 advisory/);
    assert.equal(formatPlan(failed).split("\n")[0], verdict(failed));
    // Each violation names its pack.
    assert.match(formatPlan(failed), /^ {2}\[mandatory\] p \(a; dev-central\) u: m$/m);
    assert.match(formatPlan(failed), /^ {2}\[advisory\] q \(b; dev-central\) u: m$/m);
  });

  it("shows values unknown until deploy as (known after deploy), never the engine's marker", () => {
    const text = formatPlan(planOf());
    assert.match(text, /kmsKeyArn: \(known after deploy\)/);
    assert.match(text, /ids: \[\(known after deploy\)\]/);
    assert.ok(!text.includes(unknownValue));
  });

  it("colours only when asked", () => {
    assert.ok(!formatPlan(planOf()).includes("\u001b["));
    const coloured = formatPlan(planOf(), { color: true });
    assert.ok(coloured.startsWith("\x1b["), JSON.stringify(coloured.slice(0, 20)));
  });
});
