import * as assert from "node:assert/strict";
import {
  ROLE_INLINE_POLICIES_MAX_CHARS,
  RotationFunction,
  RotationFunctionArgs,
} from "../../components/rotationFunction";
import { assertRefused, ofType, policyOf, runComponent } from "../harness";

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

  it("refuses a rulesPerSecurityGroup with no room beside the endpoint rules", () =>
    assertRefused(
      () => new RotationFunction("rotation", { ...args, rulesPerSecurityGroup: 2 }),
      "RotationFunction rotation",
      "rulesPerSecurityGroup",
      "2 endpoint rules",
    ));

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

describe("RotationFunction per engine family", () => {
  it("rotates an Aurora database with its family's application: one stack, the names it always had", async () => {
    const master = "arn:aws:secretsmanager:us-east-1:111111111111:secret:dev/orders/master-??????";
    const run = await runComponent(() => {
      const rotation = new RotationFunction("rotation", {
        ...args,
        applications: [
          { engine: "postgres", strategy: "single-user" },
          { engine: "aurora-postgresql", strategy: "single-user" },
          { engine: "aurora-mysql", strategy: "multi-user", masterSecretArn: master },
        ],
      });
      return {
        rds: rotation.lambdaArnFor("postgres", "single-user"),
        aurora: rotation.lambdaArnFor("aurora-postgresql", "single-user"),
        mysql: rotation.lambdaArnFor("mysql", "multi-user", master),
        auroraMysql: rotation.lambdaArnFor("aurora-mysql", "multi-user", master),
      };
    });
    const stacks = ofType(run, "aws:serverlessrepository/cloudFormationStack:CloudFormationStack");
    assert.deepEqual(
      stacks.map((s) => [s.name, s.inputs.name, String(s.inputs.applicationId).split("/").pop()]),
      [
        [
          "rotation-postgres-single",
          "secrets-hub-test-rotation-postgres-single",
          "SecretsManagerRDSPostgreSQLRotationSingleUser",
        ],
        [
          "rotation-mysql-multi",
          "secrets-hub-test-rotation-mysql-multi",
          "SecretsManagerRDSMySQLRotationMultiUser",
        ],
      ],
    );
    assert.equal(run.outputs.aurora, run.outputs.rds);
    assert.equal(run.outputs.auroraMysql, run.outputs.mysql);
  });
});

describe("RotationFunction security groups", () => {
  const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
  const GROUP = "aws:ec2/securityGroup:SecurityGroup";
  const targets = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ cidr: `10.${i + 1}.0.0/16`, port: 5432 }));
  const groupOf = (run: Awaited<ReturnType<typeof runComponent>>, rule: string) => {
    const found = ofType(run, EGRESS).find((r) => r.name === rule)!;
    return ofType(run, GROUP).find((g) => found.propertyDependencies.securityGroupId[0] === g.urn)!
      .name;
  };

  it("keeps one group, named as it always was, while the rules fit", async () => {
    const run = await runComponent(() => {
      const rotation = new RotationFunction("rotation", { ...args, targets: targets(58) });
      return { ids: rotation.securityGroupIds };
    });
    assert.deepEqual(
      ofType(run, GROUP).map((g) => g.name),
      ["rotation-sg"],
    );
    assert.equal(ofType(run, EGRESS).length, 60);
    const app = ofType(run, "aws:serverlessrepository/cloudFormationStack:CloudFormationStack")[0];
    assert.doesNotMatch(
      String((app.inputs.parameters as Record<string, string>).vpcSecurityGroupIds),
      /,/,
    );
  });

  it("spreads the database rules over further groups, every group on the functions, the endpoint rules in the first", async () => {
    const run = await runComponent(() => {
      const rotation = new RotationFunction("rotation", {
        ...args,
        targets: [...targets(12), targets(1)[0]],
        rulesPerSecurityGroup: 5,
      });
      return { ids: rotation.securityGroupIds, first: rotation.securityGroupId };
    });
    // 2 endpoint rules + 12 distinct database rules at 5 a group: 3 + 5 + 4.
    assert.deepEqual(
      ofType(run, GROUP).map((g) => g.name),
      ["rotation-sg", "rotation-sg-2", "rotation-sg-3"],
    );
    const perGroup = new Map<string, number>();
    for (const rule of ofType(run, EGRESS))
      perGroup.set(groupOf(run, rule.name), (perGroup.get(groupOf(run, rule.name)) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(perGroup), {
      "rotation-sg": 5,
      "rotation-sg-2": 5,
      "rotation-sg-3": 4,
    });
    assert.equal(groupOf(run, "rotation-https-to-endpoint-1"), "rotation-sg");
    // Rule names do not depend on the group that holds them.
    assert.equal(groupOf(run, "rotation-db-10-12-0-0-16-5432"), "rotation-sg-3");
    const app = ofType(run, "aws:serverlessrepository/cloudFormationStack:CloudFormationStack")[0];
    const ids = String((app.inputs.parameters as Record<string, string>).vpcSecurityGroupIds);
    assert.deepEqual(ids.split(","), run.outputs.ids);
    assert.equal(ids.split(",")[0], run.outputs.first);
  });
});

describe("RotationFunction multi-user applications", () => {
  const SAR = "aws:serverlessrepository/cloudFormationStack:CloudFormationStack";
  const master = (name: string) =>
    `arn:aws:secretsmanager:us-east-1:111111111111:secret:${name}/master-??????`;

  it("refuses a multi-user application without masterSecretArn, as the CDK does", () =>
    assertRefused(
      () =>
        new RotationFunction("rotation", {
          ...args,
          applications: [{ engine: "mysql", strategy: "multi-user" }],
        }),
      "RotationFunction rotation",
      "masterSecretArn",
      "mysql",
    ));

  it("deploys one application per master, the first keeping its names, each reading its master alone", async () => {
    const run = await runComponent(() => {
      const rotation = new RotationFunction("rotation", {
        ...args,
        applications: [
          { engine: "mysql", strategy: "multi-user", masterSecretArn: master("a") },
          { engine: "mysql", strategy: "multi-user", masterSecretArn: master("b") },
          { engine: "mysql", strategy: "multi-user", masterSecretArn: master("a") },
        ],
      });
      return {
        a: rotation.lambdaArnFor("mysql", "multi-user", master("a")),
        b: rotation.lambdaArnFor("mysql", "multi-user", master("b")),
      };
    });
    const apps = ofType(run, SAR);
    assert.deepEqual(
      apps.map((a) => [a.name, a.inputs.name, (a.inputs.parameters as any).masterSecretArn]),
      [
        ["rotation-mysql-multi", "secrets-hub-test-rotation-mysql-multi", master("a")],
        ["rotation-mysql-multi-2", "secrets-hub-test-rotation-mysql-multi-2", master("b")],
      ],
    );
    assert.match(String(run.outputs.b), /:function:secrets-hub-test-rotation-mysql-multi-2$/);
    const grants = ofType(run, "aws:iam/rolePolicy:RolePolicy").map((p) => [
      p.name,
      policyOf(p).Statement[0].Resource,
    ]);
    assert.deepEqual(grants, [
      ["rotation-mysql-multi-master-secrets", [master("a")]],
      ["rotation-mysql-multi-2-master-secrets", [master("b")]],
    ]);
  });

  it("passes no parameter at its default value (the provider would read it back absent)", async () => {
    const run = await runComponent(() => {
      new RotationFunction("rotation", args);
      return {};
    });
    const parameters = ofType(run, SAR)[0].inputs.parameters as Record<string, string>;
    assert.deepEqual(Object.keys(parameters).sort(), [
      "endpoint",
      "functionName",
      "kmsKeyArn",
      "vpcSecurityGroupIds",
      "vpcSubnetIds",
    ]);
    assert.ok(Object.values(parameters).every((v) => v !== ""));
  });

  it("answers the grants a rotation waits for: the application's stack and its role's policies", async () => {
    let grants: string[] = [];
    const run = await runComponent(() => {
      const rotation = new RotationFunction("rotation", {
        ...args,
        replicaKeys: [{ region: "us-west-2", keyArn: "arn:aws:kms:us-west-2:111111111111:key/r" }],
      });
      const resources = rotation.grantsFor("postgres", "single-user");
      grants = resources.map((r) => (r as unknown as { __name: string }).__name);
      return {};
    });
    assert.deepEqual(grants, ["rotation-postgres-single", "rotation-postgres-single-replica-keys"]);
    assert.equal(ofType(run, "aws:iam/rolePolicy:RolePolicy").length, 1);
  });

  it("refuses, before any resource, a role whose inline policies would pass 10,240 characters", () => {
    const regions = Array.from({ length: 40 }, (_, i) => `xx-test-${i + 1}`);
    assertRefused(
      () =>
        new RotationFunction("rotation", {
          ...args,
          replicaKeys: regions.map((region) => ({
            region,
            keyArn: `arn:aws:kms:${region}:1:key/k`,
          })),
        }),
      "RotationFunction rotation",
      "secrets-hub-test-rotation-postgres-single's role",
      `above IAM's ${ROLE_INLINE_POLICIES_MAX_CHARS} per role`,
    );
  });

  it("fits the role's policies for many replica Regions", async () => {
    const regions = Array.from({ length: 12 }, (_, i) => `xx-test-${i + 1}`);
    const run = await runComponent(() => {
      new RotationFunction("rotation", {
        ...args,
        replicaKeys: regions.map((region) => ({ region, keyArn: `arn:aws:kms:${region}:1:key/k` })),
      });
      return {};
    });
    assert.equal(ofType(run, "aws:iam/rolePolicy:RolePolicy").length, 1);
  });
});
