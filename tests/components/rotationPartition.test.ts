// RotationFunction in the three partitions: the application's publisher and version, and the
// endpoint the function calls, follow the Region's partition (kernel/partitions.ts).
import * as assert from "node:assert/strict";
import { RotationFunction, RotationFunctionArgs } from "../../components/rotationFunction";
import { ENGINE_SPECS } from "../../kernel/engines";
import { assertRefused, ofType, runComponent } from "../harness";

const SAR = "aws:serverlessrepository/cloudFormationStack:CloudFormationStack";

function argsIn(region: string, partition: string): RotationFunctionArgs {
  return {
    namePrefix: "secrets-hub-test",
    region,
    vpcId: "vpc-central",
    subnetIds: ["subnet-a", "subnet-b"],
    endpointCidrs: ["10.0.0.0/20", "10.0.16.0/20"],
    targets: [{ cidr: "10.1.0.0/16", port: 5432 }],
    applications: [{ engine: "postgres", strategy: "single-user" }],
    applicationVersion: "1.1.671",
    kmsKeyArn: `arn:${partition}:kms:${region}:111111111111:key/primary`,
  };
}

const application = ENGINE_SPECS.postgres.rotationApplications["single-user"];

describe("RotationFunction per partition", () => {
  for (const [region, partition, publisher, version, endpoint] of [
    [
      "us-east-1",
      "aws",
      "us-east-1:297356227824",
      "1.1.671",
      "secretsmanager.us-east-1.amazonaws.com",
    ],
    [
      "us-gov-east-1",
      "aws-us-gov",
      "us-gov-west-1:023102451235",
      application.versions["aws-us-gov"],
      "secretsmanager.us-gov-east-1.amazonaws.com",
    ],
    [
      "cn-northwest-1",
      "aws-cn",
      "cn-north-1:193023089310",
      application.versions["aws-cn"],
      "secretsmanager.cn-northwest-1.amazonaws.com.cn",
    ],
  ]) {
    it(`${partition}: the partition's publisher at ${version}, calling ${endpoint}`, async () => {
      const run = await runComponent(() => {
        new RotationFunction("rotation", argsIn(region, partition));
        return {};
      });
      const [stack] = ofType(run, SAR);
      assert.equal(
        stack.inputs.applicationId,
        `arn:${partition}:serverlessrepo:${publisher}:applications/${application.name}`,
      );
      assert.equal(stack.inputs.semanticVersion, version);
      assert.equal(
        (stack.inputs.parameters as Record<string, string>).endpoint,
        `https://${endpoint}`,
      );
    });
  }

  it("refuses in GovCloud a commercial version the kernel does not pair, naming the partition's", () =>
    assertRefused(
      () =>
        new RotationFunction("rotation", {
          ...argsIn("us-gov-west-1", "aws-us-gov"),
          applicationVersion: "1.1.680",
        }),
      "RotationFunction rotation",
      "1.1.680",
      "aws-us-gov",
      `deploys ${application.versions["aws-us-gov"]} there`,
    ));
});
