import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ApplicationUserSetup, ApplicationUserSetupArgs } from "../../components/applicationUser";
import { DatabaseSecret, DatabaseSecretArgs } from "../../components/databaseSecret";
import { assertRefused, ofType, one, policyOf, runComponent } from "../harness";

const pattern = (name: string) =>
  `arn:aws:secretsmanager:us-east-1:111111111111:secret:${name}-??????`;
const args: ApplicationUserSetupArgs = {
  namePrefix: "secrets-hub-test",
  region: "us-east-1",
  subnetIds: ["subnet-a", "subnet-b"],
  securityGroupIds: ["sg-rotation"],
  kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/primary",
  secrets: [
    { masterSecretArn: pattern("test/orders/master"), userSecretArn: pattern("test/orders") },
  ],
};
const secretArgs: DatabaseSecretArgs = {
  secretName: "test/orders",
  kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/primary",
  replicas: [{ region: "us-west-2", kmsKeyArn: "arn:aws:kms:us-west-2:111111111111:key/replica" }],
  region: "us-east-1",
  rotationLambdaArn: "arn:aws:lambda:us-east-1:111111111111:function:rotation",
  schedule: "rate(30 days)",
};

describe("ApplicationUserSetup", () => {
  it("refuses a setup that serves no database", () =>
    assertRefused(
      () => new ApplicationUserSetup("application-user", { ...args, secrets: [] }),
      "ApplicationUserSetup application-user",
      "secrets",
    ));

  it("runs after both first versions, and the application secret's rotation after it; the input holds ARNs only", async () => {
    const run = await runComponent(() => {
      const setup = new ApplicationUserSetup("application-user", args);
      const master = new DatabaseSecret("orders-db-master", {
        ...secretArgs,
        secretName: "test/orders/master",
        initialValue: pulumi.output(JSON.stringify({ username: "admin", password: "m-pass" })),
      });
      new DatabaseSecret("orders-db", {
        ...secretArgs,
        initialValue: pulumi.output(JSON.stringify({ username: "app", password: "u-pass" })),
        beforeRotation: (secret) => [
          setup.invocationFor(
            "orders",
            { masterSecretArn: master.arn, userSecretArn: secret.arn },
            [master.initialVersion!, master.rotation!, secret.version],
          ),
        ],
      });
      return {};
    });
    const invocation = one(run, "aws:lambda/invocation:Invocation");
    const urnOf = (type: string, name: string) => one(run, type, name).urn;
    const userVersion = urnOf(
      "aws:secretsmanager/secretVersion:SecretVersion",
      "orders-db-initial",
    );
    const masterVersion = run.resources.find((r) => r.name === "orders-db-master-initial")!.urn;
    assert.ok(
      invocation.dependencies.includes(userVersion),
      "after the application secret's first version",
    );
    assert.ok(
      invocation.dependencies.includes(masterVersion),
      "after the master secret's first version",
    );
    assert.ok(
      invocation.dependencies.includes(
        urnOf("aws:lambda/function:Function", "application-user-function"),
      ),
    );
    const rotation = run.resources.find((r) => r.name === "orders-db-rotation")!;
    assert.ok(rotation.dependencies.includes(invocation.urn), "the rotation waits for the user");

    const input = JSON.parse(String(invocation.inputs.input)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(input).sort(), ["masterSecretArn", "userSecretArn"]);
    assert.ok(!String(invocation.inputs.input).includes("pass"), String(invocation.inputs.input));
    assert.equal(invocation.inputs.lifecycleScope, "CREATE_ONLY");
    assert.match(
      String((invocation.inputs.triggers as Record<string, unknown>).source),
      /^[0-9a-f]{16}$/,
    );
    // The URNs of DatabaseSecret's children did not change with the hook.
    assert.ok(
      rotation.urn.endsWith(
        "secrets-hub:central:DatabaseSecret$aws:secretsmanager/secretRotation:SecretRotation::orders-db-rotation",
      ),
      rotation.urn,
    );
  });

  it("grants the role GetSecretValue on exactly the served secrets, Decrypt through Secrets Manager only", async () => {
    const run = await runComponent(() => {
      new ApplicationUserSetup("application-user", args);
      return {};
    });
    const secrets = policyOf(one(run, "aws:iam/rolePolicy:RolePolicy", "application-user-secrets"));
    const read = secrets.Statement.find((s: { Sid: string }) => s.Sid === "ReadServedSecrets");
    assert.deepEqual(read.Action, ["secretsmanager:GetSecretValue"]);
    assert.deepEqual(read.Resource, [pattern("test/orders"), pattern("test/orders/master")]);
    const decrypt = secrets.Statement.find(
      (s: { Sid: string }) => s.Sid === "DecryptViaSecretsManager",
    );
    assert.deepEqual(decrypt.Action, ["kms:Decrypt"]);
    assert.equal(decrypt.Resource, args.kmsKeyArn);
    assert.deepEqual(decrypt.Condition, {
      StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" },
    });
    // No other policy grants a secret or a key.
    for (const p of ofType(run, "aws:iam/rolePolicy:RolePolicy")) {
      if (p.name === "application-user-secrets") continue;
      assert.ok(!/secretsmanager:|kms:/.test(String(p.inputs.policy)), p.name);
    }
  });

  it("runs the function in the rotation's subnets and security groups, Node.js 22, TLS CAs loaded, logs kept", async () => {
    const run = await runComponent(() => {
      new ApplicationUserSetup("application-user", { ...args, logRetentionInDays: 90 });
      return {};
    });
    const fn = one(run, "aws:lambda/function:Function");
    assert.equal(fn.inputs.runtime, "nodejs22.x");
    assert.equal(fn.inputs.name, "secrets-hub-test-application-user");
    assert.deepEqual(fn.inputs.vpcConfig, {
      subnetIds: ["subnet-a", "subnet-b"],
      securityGroupIds: ["sg-rotation"],
    });
    assert.deepEqual(fn.inputs.environment, {
      variables: { NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem" },
    });
    const logs = one(run, "aws:cloudwatch/logGroup:LogGroup");
    assert.equal(logs.inputs.name, "/aws/lambda/secrets-hub-test-application-user");
    assert.equal(logs.inputs.retentionInDays, 90);
    assert.ok(
      fn.dependencies.includes(logs.urn),
      "the log group exists before the function writes",
    );
  });
});

describe("DatabaseSecret.beforeRotation", () => {
  it("refuses the hook without a first value", () =>
    assertRefused(
      () => new DatabaseSecret("orders-db", { ...secretArgs, beforeRotation: () => [] }),
      "DatabaseSecret orders-db",
      "beforeRotation",
    ));
});
