import * as assert from "node:assert/strict";
import { RotationFunction, RotationFunctionArgs } from "../../components/rotationFunction";
import { assertRefused, ofType, runComponent } from "../harness";

const args: RotationFunctionArgs = {
  namePrefix: "secrets-hub-test",
  region: "us-east-1",
  vpcId: "vpc-central",
  subnetIds: ["subnet-a", "subnet-b"],
  endpointCidrs: ["10.0.0.0/20", "10.0.16.0/20"],
  targets: [{ cidr: "10.1.0.0/16", port: 5432 }],
  applications: [{ engine: "postgres", strategy: "single-user" }],
  applicationVersion: "1.1.671",
  kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/primary",
};

describe("RotationFunction component guards", () => {
  for (const version of ["latest", "1.1"]) {
    it(`refuses an unpinned applicationVersion '${version}'`, () =>
      assertRefused(
        () => new RotationFunction("rotation", { ...args, applicationVersion: version }),
        "RotationFunction rotation",
        "applicationVersion",
        version,
      ));
  }

  it("refuses an empty endpointCidrs", () =>
    assertRefused(
      () => new RotationFunction("rotation", { ...args, endpointCidrs: [] }),
      "RotationFunction rotation",
      "endpointCidrs",
    ));
});

describe("RotationFunction.lambdaArnFor", () => {
  it("answers the function of a deployed application, deployed once per engine and strategy", async () => {
    const run = await runComponent(() => {
      const rotation = new RotationFunction("rotation", {
        ...args,
        applications: [args.applications[0], args.applications[0]],
      });
      return { arn: rotation.lambdaArnFor("postgres", "single-user") };
    });
    assert.equal(
      ofType(run, "aws:serverlessrepository/cloudFormationStack:CloudFormationStack").length,
      1,
    );
    assert.match(
      String(run.outputs.arn),
      /^arn:aws:lambda:.*:function:secrets-hub-test-rotation-postgres-single$/,
    );
  });

  it("refuses an application that was not deployed, naming the component, engine and strategy", () =>
    assertRefused(
      () => new RotationFunction("rotation", args).lambdaArnFor("mysql", "single-user"),
      "RotationFunction rotation",
      "mysql",
      "single-user",
    ));
});
