import * as assert from "node:assert/strict";
import { devEnvironment, editedDevFile, ofType, one, policyOf, runStackOf } from "../harness";
import { environmentFromFile } from "../../src/config";
import type { StackRun } from "../../src/offline/runStack";

const env = devEnvironment();

describe("workload stack", () => {
  let phase1: StackRun;
  let central: StackRun;
  let phase3: StackRun;

  before(async () => {
    phase1 = await runStackOf(env, "dev-workload-a");
    const b = await runStackOf(env, "dev-workload-b");
    const c = await runStackOf(env, "dev-workload-c");
    central = await runStackOf(env, "dev-central", {
      "dev-workload-a": phase1,
      "dev-workload-b": b,
      "dev-workload-c": c,
    });
    phase3 = await runStackOf(env, "dev-workload-a", { "dev-central": central });
  });

  it("phase 1 (no central outputs): VPC, database, role and endpoint, no accepter, routes or identity policy, a warning", () => {
    assert.equal(ofType(phase1, "aws:ec2/vpc:Vpc").length, 1);
    assert.equal(ofType(phase1, "aws:rds/instance:Instance").length, 1);
    assert.equal(ofType(phase1, "aws:iam/role:Role").length, 1);
    assert.equal(ofType(phase1, "aws:ec2/vpcEndpoint:VpcEndpoint").length, 1);
    assert.equal(
      ofType(phase1, "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter").length,
      0,
    );
    assert.equal(ofType(phase1, "aws:ec2/route:Route").length, 0);
    assert.equal(ofType(phase1, "aws:iam/rolePolicy:RolePolicy").length, 0);
    assert.ok(phase1.warnings.some((w) => w.includes("dev-central has not exported")));
  });

  it("phase 3 adds the accepter, one route per private route table, the identity policy; the DB rules stay as phase 1 made them", () => {
    const before = new Set(phase1.resources.map((r) => r.urn));
    const added = phase3.resources
      .filter((r) => !before.has(r.urn) && r.custom)
      .map((r) => r.type)
      .sort();
    assert.deepEqual(added, [
      "aws:ec2/route:Route",
      "aws:ec2/route:Route",
      "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
      "aws:iam/rolePolicy:RolePolicy",
    ]);
    assert.deepEqual(phase3.warnings, []);
    // Central creates the secret and its rotation only once it reads this.
    assert.equal(phase1.outputs.acceptedPeeringConnectionId, undefined);
    assert.equal(
      phase3.outputs.acceptedPeeringConnectionId,
      (central.outputs.peeringConnectionIds as Record<string, string>)["workload-a"],
    );
  });

  it("accepts the right peering with DNS resolution and routes the central CIDR through it", () => {
    const pcx = (central.outputs.peeringConnectionIds as Record<string, string>)["workload-a"];
    const accepter = one(
      phase3,
      "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
    );
    assert.equal(accepter.inputs.vpcPeeringConnectionId, pcx);
    assert.equal(accepter.inputs.autoAccept, true);
    assert.deepEqual(accepter.inputs.accepter, { allowRemoteVpcDnsResolution: true });
    const routes = ofType(phase3, "aws:ec2/route:Route");
    const tables = phase3.outputs.privateRouteTableIds as string[];
    assert.deepEqual(routes.map((r) => r.inputs.routeTableId).sort(), [...tables].sort());
    for (const r of routes) {
      assert.equal(r.inputs.destinationCidrBlock, env.central.vpcCidr);
      assert.equal(r.inputs.vpcPeeringConnectionId, pcx);
    }
  });

  it("the identity policy names only this workload's secret (by its ARN pattern, before it exists) and key ARNs", () => {
    const doc = policyOf(one(phase3, "aws:iam/rolePolicy:RolePolicy"));
    const [read, decrypt] = doc.Statement;
    assert.deepEqual(read.Action, [
      "secretsmanager:GetSecretValue",
      "secretsmanager:DescribeSecret",
    ]);
    // Its own Region's copy (here the primary) and the disaster-recovery replica; `-??????`
    // matches exactly the six characters Secrets Manager appends to the name.
    assert.deepEqual(read.Resource, [
      "arn:aws:secretsmanager:us-east-1:111111111111:secret:dev/workload-a/orders-db-??????",
      "arn:aws:secretsmanager:us-west-2:111111111111:secret:dev/workload-a/orders-db-??????",
    ]);
    assert.equal(decrypt.Action, "kms:Decrypt");
    assert.deepEqual(decrypt.Resource, [
      central.outputs.kmsKeyArn,
      central.outputs.replicaKmsKeyArn,
    ]);
    assert.deepEqual(decrypt.Condition.StringEquals["kms:ViaService"], [
      "secretsmanager.us-east-1.amazonaws.com",
      "secretsmanager.us-west-2.amazonaws.com",
    ]);
    assert.equal(doc.Statement.length, 2);
    assert.ok(!JSON.stringify(doc).includes('"*"'), "no wildcard in the identity policy");
  });

  it("trusts EC2 by default (with an instance profile) and the configured service otherwise", async () => {
    const trust = policyOf(one(phase1, "aws:iam/role:Role"), "assumeRolePolicy");
    assert.deepEqual(trust.Statement[0].Principal, { Service: ["ec2.amazonaws.com"] });
    assert.equal(ofType(phase1, "aws:iam/instanceProfile:InstanceProfile").length, 1);
    const c = await runStackOf(env, "dev-workload-c");
    assert.deepEqual(
      policyOf(one(c, "aws:iam/role:Role"), "assumeRolePolicy").Statement[0].Principal,
      {
        Service: ["ecs-tasks.amazonaws.com"],
      },
    );
    assert.equal(ofType(c, "aws:iam/instanceProfile:InstanceProfile").length, 0);
  });

  it("the database is private, encrypted, protected, and keeps rotated passwords", () => {
    const db = one(phase1, "aws:rds/instance:Instance");
    assert.equal(db.inputs.publiclyAccessible, false);
    assert.equal(db.inputs.storageEncrypted, true);
    assert.equal(db.inputs.deletionProtection, true);
    assert.equal(db.inputs.skipFinalSnapshot, false);
    assert.equal(db.protect, true);
    assert.deepEqual(db.ignoreChanges, ["password"]);
    assert.deepEqual(db.secretInputs, ["password"]);
    assert.equal(one(phase1, "random:index/randomPassword:RandomPassword").protect, true);
  });

  it("exports the password only as a secret output", () => {
    assert.deepEqual(phase1.secretOutputNames, ["databaseInitialPasswords"]);
    assert.equal(
      typeof (phase1.outputs.databaseInitialPasswords as Record<string, string>).database,
      "string",
    );
  });

  const dbRules = (run: StackRun) =>
    ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) =>
      r.name.includes("-db-"),
    );

  it("admits the database port only from the central rotation subnets, computed from the file from phase 1 on", () => {
    // dev's central: 10.0.0.0/16 over two zones, /20 subnets carved in zone order.
    assert.deepEqual(central.outputs.rotationSubnetCidrs, ["10.0.0.0/20", "10.0.16.0/20"]);
    for (const run of [phase1, phase3]) {
      assert.deepEqual(
        dbRules(run).map((r) => [r.name, r.inputs.cidrIpv4, r.inputs.fromPort, r.inputs.toPort]),
        [
          ["workload-a-db-from-rotation-0", "10.0.0.0/20", 5432, 5432],
          ["workload-a-db-from-rotation-1", "10.0.16.0/20", 5432, 5432],
        ],
      );
      assert.ok(!dbRules(run).some((r) => r.inputs.cidrIpv4 === env.central.vpcCidr));
    }
  });

  it("admits central's configured subnetPrefixLength and existingVpc subnets before central has run", async () => {
    const sized = environmentFromFile(
      editedDevFile((c) => {
        c["secrets-hub:central"].subnetPrefixLength = 24;
      }),
    );
    assert.deepEqual(
      dbRules(await runStackOf(sized, "dev-workload-a")).map((r) => r.inputs.cidrIpv4),
      ["10.0.0.0/24", "10.0.1.0/24"],
    );
    const adopted = environmentFromFile(
      editedDevFile((c) => {
        c["secrets-hub:central"].existingVpc = {
          vpcId: "vpc-0123456789abcdef0",
          privateRouteTableIds: ["rtb-0123456789abcdef0"],
          subnets: [
            { id: "subnet-0123456789abcdef0", cidr: "10.0.32.0/24" },
            { id: "subnet-0123456789abcdef1", cidr: "10.0.48.0/24" },
          ],
        };
      }),
    );
    assert.deepEqual(
      dbRules(await runStackOf(adopted, "dev-workload-a")).map((r) => r.inputs.cidrIpv4),
      ["10.0.32.0/24", "10.0.48.0/24"],
    );
  });

  it("also admits the subnets central still exports when the file's central subnets changed, with a warning", async () => {
    const resized = environmentFromFile(
      editedDevFile((c) => {
        c["secrets-hub:central"].subnetPrefixLength = 24;
      }),
    );
    const run = await runStackOf(resized, "dev-workload-a", { "dev-central": central });
    assert.deepEqual(
      dbRules(run).map((r) => r.inputs.cidrIpv4),
      ["10.0.0.0/24", "10.0.1.0/24", "10.0.0.0/20", "10.0.16.0/20"],
    );
    assert.ok(
      run.warnings.some((w) =>
        w.includes("exports rotation subnets 10.0.0.0/20, 10.0.16.0/20 that the environment file"),
      ),
    );
  });

  it("reaches Secrets Manager through its own endpoint with private DNS, 443 from the VPC only", () => {
    const endpoint = one(phase1, "aws:ec2/vpcEndpoint:VpcEndpoint");
    assert.equal(endpoint.inputs.privateDnsEnabled, true);
    assert.equal(endpoint.inputs.serviceName, "com.amazonaws.us-east-1.secretsmanager");
    assert.equal((endpoint.inputs.subnetIds as string[]).length, 2);
    const rules = ofType(
      phase1,
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    ).filter((r) => r.name.includes("secretsmanager"));
    assert.deepEqual(
      rules.map((r) => [r.inputs.cidrIpv4, r.inputs.fromPort, r.inputs.toPort]),
      [["10.1.0.0/16", 443, 443]],
    );
  });

  it("a second run after central changes nothing", async () => {
    const again = await runStackOf(env, "dev-workload-a", { "dev-central": central });
    assert.deepEqual(
      again.resources.map((r) => [r.urn, r.inputs]),
      phase3.resources.map((r) => [r.urn, r.inputs]),
    );
    assert.deepEqual(again.outputs, phase3.outputs);
  });

  it("creates no RDS instance for an existing database and exports its endpoint", async () => {
    const existing = environmentFromFile(
      editedDevFile((c) => {
        // An adopted database keeps its own version (existing-database-settings).
        delete c["secrets-hub:workloads"][0].database.engineVersion;
        c["secrets-hub:workloads"][0].database.existing = {
          host: "orders.cluster-abc.us-east-1.rds.amazonaws.com",
          dbInstanceIdentifier: "orders-prod",
          securityGroupId: "sg-0123456789abcdef0",
        };
        c["secrets-hub:workloads"][0].existingVpc = {
          vpcId: "vpc-0123456789abcdef0",
          privateRouteTableIds: ["rtb-0123456789abcdef0"],
          subnets: [
            { id: "subnet-0123456789abcdef0", cidr: "10.1.0.0/20" },
            { id: "subnet-0123456789abcdef1", cidr: "10.1.16.0/20" },
          ],
        };
      }),
    );
    const run = await runStackOf(existing, "dev-workload-a");
    assert.equal(ofType(run, "aws:rds/instance:Instance").length, 0);
    assert.equal(ofType(run, "random:index/randomPassword:RandomPassword").length, 0);
    // Its endpoint goes into the given subnets of the existing VPC.
    assert.deepEqual(one(run, "aws:ec2/vpcEndpoint:VpcEndpoint").inputs.subnetIds, [
      "subnet-0123456789abcdef0",
      "subnet-0123456789abcdef1",
    ]);
    assert.deepEqual(
      (run.outputs.databases as Record<string, { endpoint: unknown }>).database.endpoint,
      {
        engine: "postgres",
        host: "orders.cluster-abc.us-east-1.rds.amazonaws.com",
        port: 5432,
        dbname: "orders",
        username: "orders_admin",
        dbInstanceIdentifier: "orders-prod",
      },
    );
    assert.equal("databaseInitialPassword" in run.outputs, false);
  });

  it("refuses to peer with a central stack of another environment", async () => {
    const foreign = {
      outputs: { ...central.outputs, accountId: "999999999999" },
      secretOutputNames: [],
    };
    await assert.rejects(
      runStackOf(env, "dev-workload-a", { "dev-central": foreign }),
      /refusing to peer/,
    );
  });
});
