// What a change does to what is deployed, read from the plan of the last deploy (src/offline/dayTwo.ts).
import * as assert from "node:assert/strict";
import { ComparedPlan, asComparedPlan, compareWithDeployed } from "../../src/offline/dayTwo";

type Resource = ComparedPlan["stacks"][number]["resources"][number];

function resource(stack: string, type: string, name: string, extra: Partial<Resource> = {}) {
  return {
    urn: `urn:pulumi:${stack}::secrets-hub::${type}::${name}`,
    type,
    name,
    inputs: {},
    protect: false,
    ...extra,
  };
}

const ROTATION = "aws:secretsmanager/secretRotation:SecretRotation";
const SECRET = "aws:secretsmanager/secret:Secret";

function rotation(name: string, schedule: string, rotateImmediately = true) {
  return resource("dev-central", ROTATION, name, {
    inputs: { rotateImmediately, rotationRules: { scheduleExpression: schedule, duration: "3h" } },
  });
}

function deployed(): ComparedPlan {
  return {
    stacks: [
      {
        name: "dev-central",
        region: "us-east-1",
        resources: [
          resource("dev-central", "pulumi:pulumi:Stack", "secrets-hub-dev-central"),
          resource("dev-central", SECRET, "workload-a-db-secret", { protect: true }),
          resource("dev-central", SECRET, "workload-c-db-secret", { protect: true }),
          resource("dev-central", "aws:ec2/route:Route", "workload-c-peering-route-0"),
          rotation("workload-a-db-rotation", "rate(30 days)"),
        ],
      },
      {
        name: "dev-workload-c",
        region: "us-east-1",
        resources: [
          resource("dev-workload-c", "pulumi:pulumi:Stack", "secrets-hub-dev-workload-c"),
          resource("dev-workload-c", "aws:rds/instance:Instance", "workload-c-db-instance", {
            protect: true,
          }),
          resource("dev-workload-c", "aws:ec2/vpc:Vpc", "workload-c-vpc"),
        ],
      },
    ],
  };
}

describe("day two: a change against the plan of the last deploy", () => {
  it("finds nothing when the plan is the deployed one", () => {
    assert.deepEqual(compareWithDeployed(deployed(), deployed()), []);
  });

  it("names the protected resources a removed workload leaves in central, and the stack left deployed", () => {
    const next = deployed();
    next.stacks = [next.stacks[0]];
    next.stacks[0].resources = next.stacks[0].resources.filter(
      (r) => !r.name.startsWith("workload-c"),
    );
    const findings = compareWithDeployed(deployed(), next);
    assert.deepEqual(
      findings.map((f) => [f.kind, f.stack, f.urns.length]),
      [
        ["protected-removal", "dev-central", 1],
        ["stack-removed", "dev-workload-c", 2],
      ],
    );
    assert.match(
      findings[0].message,
      /^dev-central: would delete 1 protected resources, which block this update \(aws:secretsmanager\/secret:Secret workload-c-db-secret\); see docs\/day-two.md#removing-a-workload$/,
    );
    assert.match(findings[1].message, /its 2 resources \(1 protected\) stay deployed/);
    // An unprotected removal (the route) is an ordinary change, not a finding.
    assert.ok(findings.every((f) => !f.urns.some((u) => u.includes("peering-route"))));
  });

  it("says which secrets rotate at once when their schedule changes, and not when rotateImmediately is off", () => {
    const next = deployed();
    next.stacks[0].resources[4] = rotation("workload-a-db-rotation", "rate(14 days)");
    const [finding, ...rest] = compareWithDeployed(deployed(), next);
    assert.equal(rest.length, 0);
    assert.equal(finding.kind, "rotates-now");
    assert.match(
      finding.message,
      /^dev-central: rotates 1 secrets now: .*workload-a-db-rotation.*#changing-the-rotation-schedule$/,
    );

    next.stacks[0].resources[4] = rotation("workload-a-db-rotation", "rate(14 days)", false);
    assert.deepEqual(compareWithDeployed(deployed(), next), []);
  });

  it("reads key order as no change", () => {
    const next = deployed();
    next.stacks[0].resources[4] = resource("dev-central", ROTATION, "workload-a-db-rotation", {
      inputs: {
        rotateImmediately: true,
        rotationRules: { duration: "3h", scheduleExpression: "rate(30 days)" },
      },
    });
    assert.deepEqual(compareWithDeployed(deployed(), next), []);
  });

  it("says a Region move replaces the stack and counts the protected resources in the way", () => {
    const next = deployed();
    next.stacks[1] = { ...next.stacks[1], region: "us-west-2" };
    const [finding] = compareWithDeployed(deployed(), next);
    assert.equal(finding.kind, "region-move");
    assert.match(
      finding.message,
      /^dev-workload-c: moves from us-east-1 to us-west-2: .*; 1 protected resources block this update; see docs\/day-two.md#moving-a-workload-to-another-region$/,
    );
  });

  it("refuses a file that is not a plan's JSON, naming its source", () => {
    assert.throws(
      () => asComparedPlan({ errors: [] }, "--against x.json"),
      /^Error: --against x.json: not the JSON of a plan/,
    );
    assert.throws(
      () => asComparedPlan({ stacks: [{ name: "a", resources: [{}] }] }, "--against x.json"),
      /not the JSON of a plan/,
    );
    assert.doesNotThrow(() => asComparedPlan(deployed(), "--against x.json"));
  });
});
