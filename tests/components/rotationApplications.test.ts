import * as assert from "node:assert/strict";
import {
  APPLICATION_CAPABILITIES,
  applicationStackDiffView,
  applicationStackReadBack,
  shapeApplicationParameters,
} from "../../components/rotationApplications";

const MULTI =
  "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSMySQLRotationMultiUser";
const SINGLE =
  "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser";
const required = { functionName: "f", endpoint: "https://secretsmanager.us-east-1.amazonaws.com" };

describe("rotation application parameters, as the provider reads them back", () => {
  it("drops a value equal to its default, keeps the others", () => {
    assert.deepEqual(
      shapeApplicationParameters("single-user", {
        ...required,
        vpcSubnetIds: "",
        kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/k",
        invokingServicePrincipal: "secretsmanager.amazonaws.com",
        vpcSecurityGroupIds: undefined,
      }),
      { ...required, kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/k" },
    );
  });

  it("refuses a parameter the application does not define, and a missing required one", () => {
    assert.throws(
      () => shapeApplicationParameters("single-user", { ...required, masterSecretArn: "arn:x" }),
      /single-user rotation applications define no parameter masterSecretArn/,
    );
    assert.throws(
      () => shapeApplicationParameters("multi-user", { functionName: "f" }),
      /multi-user rotation applications require parameter endpoint/,
    );
  });

  it("reads a stack back without default parameters, with CAPABILITY_RESOURCE_POLICY, without SAR's tags", () => {
    const state = applicationStackReadBack({
      name: "s",
      applicationId: MULTI,
      semanticVersion: "1.1.671",
      capabilities: ["CAPABILITY_RESOURCE_POLICY", "CAPABILITY_IAM"],
      parameters: { ...required, masterSecretArn: "arn:m", masterSecretKmsKeyArn: "" },
      tags: { team: "a", "serverlessrepo:semanticVersion": "1.1.671" },
    });
    assert.deepEqual(state.parameters, { ...required, masterSecretArn: "arn:m" });
    assert.deepEqual(state.capabilities, [...APPLICATION_CAPABILITIES]);
    assert.deepEqual(state.tags, { team: "a" });
    assert.equal(state.semanticVersion, "1.1.671");
  });

  it("refuses a stack without the capabilities the application requires", () => {
    assert.throws(
      () =>
        applicationStackReadBack({
          applicationId: SINGLE,
          capabilities: ["CAPABILITY_IAM"],
          parameters: required,
        }),
      /require capability CAPABILITY_RESOURCE_POLICY/,
    );
  });

  it("compares capabilities as a set", () => {
    assert.deepEqual(
      applicationStackDiffView({ capabilities: ["CAPABILITY_RESOURCE_POLICY", "CAPABILITY_IAM"] })
        .capabilities,
      ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"],
    );
  });
});
