// Adopting what exists: an existing VPC and database (orders), multi-user rotation (catalog),
// per-secret settings; the shipped example Pulumi.adopt.yaml.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { deployed, editedDevFile, ofType, one, policyOf } from "../harness";
import { ConfigError, environmentFromFile } from "../../src/config";
import * as pulumi from "@pulumi/pulumi";
import { secretDocument } from "../../src/stacks/central";
import { existingEndpointProblem } from "../../src/stacks/network";
import type { StackRun } from "../../src/offline/runStack";

const ADOPT_FILE = path.join(__dirname, "..", "..", "Pulumi.adopt.yaml");
const adopt = environmentFromFile(ADOPT_FILE);
const orders = adopt.workloads.find((w) => w.name === "orders")!;

describe("adopting existing resources (Pulumi.adopt.yaml)", () => {
  let runs: Map<string, StackRun>;
  before(async () => {
    const result = await deployed(adopt);
    assert.equal(result.converged, true, result.drift.join("; "));
    runs = result.runs;
  });
  const run = (stack: string) => runs.get(stack)!;

  it("an existing VPC: no VPC, subnets or route tables created; peering, routes and endpoint use the given ids", () => {
    const w = run("adopt-orders");
    for (const type of [
      "aws:ec2/vpc:Vpc",
      "aws:ec2/subnet:Subnet",
      "aws:ec2/routeTable:RouteTable",
      "aws:rds/instance:Instance",
      // The VPC already has a Secrets Manager endpoint with private DNS: none is created.
      "aws:ec2/vpcEndpoint:VpcEndpoint",
    ])
      assert.equal(ofType(w, type).length, 0, type);
    const existing = orders.existingVpc!;
    assert.equal(w.outputs.vpcId, existing.vpcId);
    assert.deepEqual(w.outputs.privateRouteTableIds, existing.privateRouteTableIds);
    const routes = ofType(w, "aws:ec2/route:Route");
    assert.deepEqual(
      routes.map((r) => r.inputs.routeTableId).sort(),
      [...existing.privateRouteTableIds].sort(),
    );
    const peering = ofType(
      run("adopt-central"),
      "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
    ).find((p) => p.name.startsWith("orders-"))!;
    assert.equal(peering.inputs.peerVpcId, existing.vpcId);
    const accepter = one(w, "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter");
    assert.equal(
      accepter.inputs.vpcPeeringConnectionId,
      (run("adopt-central").outputs.peeringConnectionIds as Record<string, string>).orders,
    );
  });

  it("an existing database: exactly one ingress rule on its own security group, from the rotation subnets, on its port", () => {
    const rules = ofType(
      run("adopt-orders"),
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    );
    assert.equal(rules.length, 1);
    const [rule] = rules;
    assert.equal(rule.inputs.securityGroupId, orders.databases[0].existing!.securityGroupId);
    assert.equal(rule.inputs.fromPort, 5432);
    assert.equal(rule.inputs.toPort, 5432);
    // Central's two /20 rotation subnets, summarized to exactly their /19.
    assert.deepEqual(run("adopt-central").outputs.rotationSubnetCidrs, [
      "10.0.0.0/20",
      "10.0.16.0/20",
    ]);
    assert.equal(rule.inputs.cidrIpv4, "10.0.0.0/19");
  });

  it("an existing database's secret: created empty, no rotation until the operator has put the value; then immediate rotation", async () => {
    const central = run("adopt-central");
    const secret = one(central, "aws:secretsmanager/secret:Secret", "orders-db-secret");
    assert.equal(
      (secret.inputs.tags as Record<string, string>)["secrets-hub:rotation-awaits"],
      "first-value",
    );
    assert.equal(
      ofType(central, "aws:secretsmanager/secretVersion:SecretVersion").filter((v) =>
        v.name.startsWith("orders-"),
      ).length,
      0,
    );
    assert.equal(
      ofType(central, "aws:secretsmanager/secretRotation:SecretRotation").filter((r) =>
        r.name.startsWith("orders-"),
      ).length,
      0,
    );

    const put = environmentFromFile(
      editedDevFileFrom(
        ADOPT_FILE,
        (c) => (c["secrets-hub:workloads"][0].database.existing.valuePut = true),
      ),
    );
    const after = (await deployed(put)).runs.get("adopt-central")!;
    const rotation = one(
      after,
      "aws:secretsmanager/secretRotation:SecretRotation",
      "orders-db-rotation",
    );
    assert.equal(rotation.inputs.rotateImmediately, true);
    // The workload's own schedule, not the environment's rate(30 days).
    assert.deepEqual(rotation.inputs.rotationRules, {
      scheduleExpression: "rate(14 days)",
      duration: "3h",
    });
    const tagged = one(after, "aws:secretsmanager/secret:Secret", "orders-db-secret");
    assert.equal(
      (tagged.inputs.tags as Record<string, string>)["secrets-hub:rotation-awaits"],
      undefined,
    );
  });

  it("per-secret settings: schedule, description and tags of the orders secret", () => {
    const central = run("adopt-central");
    const secret = one(central, "aws:secretsmanager/secret:Secret", "orders-db-secret");
    assert.equal(
      secret.inputs.description,
      "Orders database (adopted); owner user, rotated single-user",
    );
    assert.equal(
      (secret.inputs.tags as Record<string, string>)["data-classification"],
      "confidential",
    );
  });

  it("multi-user: a master secret with the admin credentials, an application secret naming it in masterarn, the multi-user application", async () => {
    const central = run("adopt-central");
    const master = one(central, "aws:secretsmanager/secret:Secret", "catalog-db-master-secret");
    assert.equal(master.inputs.name, "adopt/catalog/catalog-db/master");
    assert.equal(master.inputs.kmsKeyId, central.outputs.kmsKeyArn);
    assert.deepEqual(master.inputs.replicas, [
      { region: "us-west-2", kmsKeyId: central.outputs.replicaKmsKeyArn },
    ]);
    // The master secret rotates (single-user, as the admin), and has no resource policy:
    // only the rotation function reads it, in this account, through IAM.
    const masterRotation = one(
      central,
      "aws:secretsmanager/secretRotation:SecretRotation",
      "catalog-db-master-rotation",
    );
    assert.match(String(masterRotation.inputs.rotationLambdaArn), /rotation-mysql-single$/);
    assert.equal(
      ofType(central, "aws:secretsmanager/secretPolicy:SecretPolicy").filter((p) =>
        p.name.includes("master"),
      ).length,
      0,
    );

    const apps = ofType(
      central,
      "aws:serverlessrepository/cloudFormationStack:CloudFormationStack",
    ).map((a) => String(a.inputs.applicationId).split("/").pop());
    assert.ok(apps.includes("SecretsManagerRDSMySQLRotationMultiUser"), apps.join(", "));
    // As the template expects (and the CDK insists on): the master its function logs in with,
    // whose read the template grants the function's role; encrypted with the same CMK.
    const multi = one(
      central,
      "aws:serverlessrepository/cloudFormationStack:CloudFormationStack",
      "rotation-mysql-multi",
    );
    assert.deepEqual(
      {
        masterSecretArn: (multi.inputs.parameters as Record<string, string>).masterSecretArn,
        masterSecretKmsKeyArn: (multi.inputs.parameters as Record<string, string>)
          .masterSecretKmsKeyArn,
      },
      {
        masterSecretArn:
          "arn:aws:secretsmanager:us-east-1:111111111111:secret:adopt/catalog/catalog-db/master-??????",
        masterSecretKmsKeyArn: central.outputs.kmsKeyArn,
      },
    );
    // The master's rotation waits for the single-user function's grants (the stack with its
    // Lambda permission, and the replica keys of its role).
    const grants = ofType(central, "aws:iam/rolePolicy:RolePolicy").filter((p) =>
      p.name.startsWith("rotation-mysql-single-"),
    );
    assert.ok(grants.length > 0);
    for (const grant of grants) assert.ok(masterRotation.dependencies.includes(grant.urn));
    assert.ok(
      masterRotation.dependencies.some((u) => u.endsWith("::rotation-mysql-single")),
      "depends on the application's stack",
    );

    // The application secret's first value names the master secret (the mock keeps the
    // value in the recorded program outputs only as a secret; read it through the test run).
    const { runs: all } = await deployed(adopt);
    const centralRun = all.get("adopt-central")!;
    const appVersion = one(
      centralRun,
      "aws:secretsmanager/secretVersion:SecretVersion",
      "catalog-db-initial",
    );
    assert.deepEqual(appVersion.secretInputs, ["secretString"]);
    assert.ok(
      appVersion.propertyDependencies.secretString.includes(master.urn),
      "the value depends on the master secret's ARN",
    );
    const document = JSON.parse(
      await new Promise<string>((resolve) =>
        secretDocument(
          {
            engine: "mysql",
            host: "h",
            port: 3306,
            dbname: "catalog",
            username: "catalog_rw",
            dbInstanceIdentifier: "adopt-catalog-catalog",
          },
          pulumi.output("first-password"),
          "arn:aws:secretsmanager:us-east-1:111111111111:secret:adopt/catalog/catalog-db/master-AbCdEf",
        ).apply(resolve),
      ),
    );
    assert.equal(document.username, "catalog_rw");
    // TLS, verified: AWS's rotation functions otherwise try TLS and fall back to plaintext.
    assert.equal(document.ssl, true);
    assert.match(document.masterarn, /:secret:adopt\/catalog\/catalog-db\/master-/);
    // No operator step: the program creates the application user (one invocation of the
    // setup function, with ARNs only), and the secret's rotation waits for it.
    const app = one(central, "aws:secretsmanager/secret:Secret", "catalog-db-secret");
    assert.equal(
      (app.inputs.tags as Record<string, string>)["secrets-hub:rotation-awaits"],
      undefined,
    );
    const setup = one(central, "aws:lambda/invocation:Invocation");
    assert.deepEqual(Object.keys(JSON.parse(String(setup.inputs.input))).sort(), [
      "masterSecretArn",
      "userSecretArn",
    ]);
    const rotation = ofType(central, "aws:secretsmanager/secretRotation:SecretRotation").find((r) =>
      (r.propertyDependencies.secretId ?? []).includes(app.urn),
    )!;
    assert.ok(rotation.dependencies.includes(setup.urn), "the rotation waits for the user");

    // The multi-user function may read the master secret (by its name pattern), nothing more.
    const grant = ofType(central, "aws:iam/rolePolicy:RolePolicy").find((p) =>
      p.name.includes("multi-master-secrets"),
    )!;
    assert.deepEqual(policyOf(grant).Statement[0].Resource, [
      "arn:aws:secretsmanager:us-east-1:111111111111:secret:adopt/catalog/catalog-db/master-??????",
    ]);
  });

  it("multi-user database: Multi-AZ, 14 days of backups, 50 GiB, and an application password exported as a secret", () => {
    const w = run("adopt-catalog");
    const db = one(w, "aws:rds/instance:Instance");
    assert.equal(db.inputs.multiAz, true);
    assert.equal(db.inputs.backupRetentionPeriod, 14);
    assert.equal(db.inputs.allocatedStorage, 50);
    assert.ok(w.secretOutputNames.includes("applicationInitialPasswords"));
    assert.ok(w.secretOutputNames.includes("databaseInitialPasswords"));
  });

  it("refuses an existing database without its existing VPC, and multi-user without an application user", () => {
    assert.throws(
      () =>
        environmentFromFile(
          editedDevFileFrom(ADOPT_FILE, (c) => delete c["secrets-hub:workloads"][0].existingVpc),
        ),
      (e: ConfigError) =>
        e.problems.some((p) =>
          p.startsWith(
            "secrets-hub:workloads[0].existingVpc: is required with secrets-hub:workloads[0].database.existing",
          ),
        ),
    );
    assert.throws(
      () =>
        environmentFromFile(
          editedDevFileFrom(
            ADOPT_FILE,
            (c) => delete c["secrets-hub:workloads"][1].database.applicationUsername,
          ),
        ),
      (e: ConfigError) =>
        e.problems.some((p) =>
          p.startsWith("secrets-hub:workloads[1].database.applicationUsername: is required"),
        ),
    );
    assert.throws(
      () =>
        environmentFromFile(
          editedDevFileFrom(
            ADOPT_FILE,
            (c) => (c["secrets-hub:workloads"][0].existingVpc.subnets[1].cidr = "10.99.0.0/24"),
          ),
        ),
      (e: ConfigError) =>
        e.problems.some((p) => p.includes("existingVpc.subnets[1].cidr: is outside")),
    );
  });

  it("checks an existing endpoint: the Region's Secrets Manager, in the VPC, private DNS on, available", () => {
    const ok = {
      serviceName: "com.amazonaws.us-east-1.secretsmanager",
      vpcId: "vpc-1",
      privateDnsEnabled: true,
      state: "available",
      vpcEndpointType: "Interface",
      subnetIds: ["subnet-1"],
      securityGroupIds: ["sg-1"],
    };
    const expected = { region: "us-east-1", vpcId: "vpc-1" };
    assert.equal(existingEndpointProblem(ok, expected), undefined);
    assert.match(
      existingEndpointProblem({ ...ok, privateDnsEnabled: false }, expected)!,
      /private DNS off/,
    );
    assert.match(
      existingEndpointProblem({ ...ok, vpcId: "vpc-2" }, expected)!,
      /not in existingVpc\.vpcId/,
    );
    assert.match(
      existingEndpointProblem({ ...ok, serviceName: "com.amazonaws.us-east-1.kms" }, expected)!,
      /not com\.amazonaws\.us-east-1\.secretsmanager/,
    );
    assert.equal(
      existingEndpointProblem({ ...ok, vpcEndpointType: "Gateway" }, expected),
      "is a Gateway endpoint, not an Interface endpoint",
    );
    assert.match(
      existingEndpointProblem({ ...ok, securityGroupIds: [] }, expected)!,
      /has no security group/,
    );
  });
});

/** editedDevFile for another example file. */
function editedDevFileFrom(file: string, edit: (config: Record<string, any>) => void): string {
  return editedDevFile(edit, file);
}

describe("multi-user application user names", () => {
  it("refuses a MySQL application user whose _clone would pass 16 characters", () => {
    assert.throws(
      () =>
        environmentFromFile(
          editedDevFile(
            (c) => (c["secrets-hub:workloads"][1].database.applicationUsername = "catalog_app_1"),
            ADOPT_FILE,
          ),
        ),
      (e: ConfigError) =>
        e.problems.some((p) =>
          /^secrets-hub:workloads\[1\]\.database\.applicationUsername: is 13 characters; allowed: at most 10, since multi-user rotation alternates it with catalog_app_1_clone/.test(
            p,
          ),
        ),
    );
  });
});
