// The offline plan's fixed-point pass diffs a re-run against the state the provider read
// back, so an input that reads back otherwise (here: a rotation application parameter
// equal to its default) shows as a change on every re-run, the change whose empty change
// set CloudFormation fails (terraform-provider-aws #16485, #23874; pulumi-aws #2717).
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { compare } from "../../src/offline/environmentRun";
import { mockResource } from "../../src/offline/mockCloud";
import { runStack } from "../../src/offline/runStack";

const SAR = "aws:serverlessrepository/cloudFormationStack:CloudFormationStack";

function application(parameters: Record<string, string>) {
  return () =>
    runStack({
      project: "secrets-hub",
      stack: "t-central",
      peers: new Map(),
      program: async () => {
        new aws.serverlessrepository.CloudFormationStack("rotation-postgres-single", {
          name: "t-rotation-postgres-single",
          applicationId:
            "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser",
          semanticVersion: "1.1.671",
          capabilities: ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"],
          parameters: {
            functionName: "t-rotation-postgres-single",
            endpoint: "https://secretsmanager.us-east-1.amazonaws.com",
            ...parameters,
          },
        });
        return {};
      },
    });
}

describe("offline plan: the rotation applications read back as the provider reads them", () => {
  it("the mocks answer a stack's state without the parameters equal to their defaults", () => {
    const { state } = mockResource(
      {
        type: SAR,
        name: "rotation-postgres-single",
        inputs: {
          name: "t-rotation-postgres-single",
          applicationId:
            "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser",
          capabilities: ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"],
          parameters: { functionName: "f", endpoint: "e", vpcSubnetIds: "" },
        },
      } as never,
      { accountId: "111111111111", region: "us-east-1" },
      "t-central",
      false,
    );
    assert.deepEqual(state.parameters, { functionName: "f", endpoint: "e" });
    assert.deepEqual(state.outputs, {
      RotationLambdaARN: "arn:aws:lambda:us-east-1:111111111111:function:f",
    });
  });

  it("a re-run with a parameter equal to its default is a change (does not converge)", async () => {
    const run = application({ vpcSubnetIds: "" });
    const first = await run();
    const again = await run();
    const urn = first.resources.find((r) => r.type === SAR)!.urn;
    assert.deepEqual(compare(first, again).changes, [urn]);
  });

  it("a re-run with parameters shaped as they read back changes nothing", async () => {
    const run = application({ vpcSubnetIds: "subnet-a,subnet-b" });
    const first = await run();
    const again = await run();
    assert.deepEqual(compare(first, again), { adds: [], changes: [], removes: [] });
  });
});
