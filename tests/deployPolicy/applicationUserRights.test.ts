// The deploy rights of the application-user setup (components/applicationUser.ts): the
// function, its invocation, its log group and its role's inline policies, each on its own
// resources only.
import * as assert from "node:assert/strict";
import { AccountScope, Grant, RESOURCE_RIGHTS } from "../../src/deployPolicy/rights";
import type { RecordedResource } from "../../src/offline/runStack";

const scope = {
  env: { environment: "dev" },
  kind: "central",
  partition: "aws",
  accountId: "111111111111",
  regions: ["us-east-1"],
  prefix: "secrets-hub-dev",
  peers: [],
  account: {},
  secretNames: [],
} as unknown as AccountScope;

const registered = (name: string, inputs: Record<string, unknown> = {}) =>
  ({ name, inputs }) as unknown as RecordedResource;
const grantsOf = (type: string, resources: RecordedResource[]): Grant[] =>
  RESOURCE_RIGHTS[type](scope, resources);
const FUNCTION = "arn:aws:lambda:us-east-1:111111111111:function:secrets-hub-dev-application-user";
const ROLE = "arn:aws:iam::111111111111:role/secrets-hub-dev-application-user";

describe("deploy rights of the application-user setup", () => {
  it("invokes exactly the setup function", () => {
    const grants = grantsOf("aws:lambda/invocation:Invocation", [
      registered("application-user-orders"),
    ]);
    assert.deepEqual(grants, [
      {
        sid: "LambdaInvokeApplicationUserFunction",
        actions: ["lambda:InvokeFunction"],
        resources: [FUNCTION],
      },
    ]);
  });

  it("creates the function and passes its role to Lambda only", () => {
    const grants = grantsOf("aws:lambda/function:Function", [
      registered("application-user-function"),
    ]);
    const fn = grants.find((g) => g.sid === "LambdaApplicationUserFunction")!;
    assert.deepEqual(fn.resources, [FUNCTION]);
    assert.ok(
      fn.actions.includes("lambda:CreateFunction") && !fn.actions.includes("lambda:InvokeFunction"),
    );
    const pass = grants.find((g) => g.actions.includes("iam:PassRole"))!;
    assert.deepEqual(pass.resources, [ROLE]);
    assert.deepEqual(pass.condition, {
      StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" },
    });
  });

  it("manages the log group it names, and the inline policies of its role only when the setup exists", () => {
    const logs = grantsOf("aws:cloudwatch/logGroup:LogGroup", [
      registered("application-user-logs", { name: "/aws/lambda/secrets-hub-dev-application-user" }),
    ]);
    assert.deepEqual(logs[0].resources, [
      "arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/secrets-hub-dev-application-user",
    ]);
    const withSetup = grantsOf("aws:iam/rolePolicy:RolePolicy", [
      registered("application-user-secrets"),
    ]);
    assert.deepEqual(withSetup.find((g) => g.sid === "IamApplicationUserRole")?.resources, [ROLE]);
    const without = grantsOf("aws:iam/rolePolicy:RolePolicy", [
      registered("rotation-postgres-single-replica-keys"),
    ]);
    assert.equal(
      without.find((g) => g.sid === "IamApplicationUserRole"),
      undefined,
    );
  });
});
