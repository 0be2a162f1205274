import * as assert from "node:assert/strict";
import {
  AuroraCluster,
  AuroraClusterArgs,
  CLUSTER_IDENTIFIER_MAX,
} from "../../components/auroraCluster";
import { databaseEndpointSchema } from "../../src/contract";
import { assertRefused, ofType, one, runComponent } from "../harness";

const CLUSTER = "aws:rds/cluster:Cluster";
const INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

const args: AuroraClusterArgs = {
  engine: "aurora-postgresql",
  engineVersion: "16.6",
  instanceClass: "db.r7g.large",
  instances: 3,
  availabilityZones: ["us-east-1a", "us-east-1b"],
  dbName: "ledger",
  username: "ledger_admin",
  identifier: "dev-workload-a-ledger",
  vpcId: "vpc-0123",
  subnetIds: ["subnet-a", "subnet-b"],
  rotationCidrs: ["10.0.0.0/24", "10.0.1.0/24"],
  allowFrom: { securityGroupIds: ["sg-0123456789abcdef0"], cidrs: ["10.1.0.0/20"] },
  tags: { team: "ledger" },
};

function run(overrides: Partial<AuroraClusterArgs> = {}) {
  return runComponent(() => {
    const cluster = new AuroraCluster("ledger-db", { ...args, ...overrides });
    return {
      endpoint: cluster.endpoint,
      readerEndpoint: cluster.readerEndpoint,
      securityGroupId: cluster.securityGroupId,
    };
  });
}

describe("AuroraCluster", () => {
  it("creates an encrypted, deletion-protected provisioned cluster whose password rotation owns", async () => {
    const stack = await run();
    const cluster = one(stack, CLUSTER);
    assert.ok(
      cluster.urn.endsWith(
        "secrets-hub:workload:AuroraCluster$aws:rds/cluster:Cluster::ledger-db-cluster",
      ),
    );
    assert.equal(cluster.inputs.storageEncrypted, true);
    assert.equal(cluster.inputs.deletionProtection, true);
    assert.equal(cluster.inputs.skipFinalSnapshot, false);
    assert.equal(cluster.inputs.finalSnapshotIdentifier, "dev-workload-a-ledger-final");
    assert.equal(cluster.inputs.engineMode, "provisioned");
    assert.equal(cluster.inputs.engine, "aurora-postgresql");
    assert.equal(
      cluster.inputs.engineLifecycleSupport,
      "open-source-rds-extended-support-disabled",
    );
    assert.equal(cluster.inputs.copyTagsToSnapshot, true);
    assert.equal(cluster.inputs.backupRetentionPeriod, 7);
    assert.equal(cluster.inputs.port, 5432);
    assert.equal(cluster.inputs.availabilityZones, undefined);
    assert.ok(cluster.secretInputs.includes("masterPassword"));
    assert.ok(cluster.protect);
    assert.deepEqual([...cluster.ignoreChanges].sort(), ["engineVersion", "masterPassword"]);
    const group = one(stack, "aws:ec2/securityGroup:SecurityGroup");
    assert.deepEqual(cluster.propertyDependencies.vpcSecurityGroupIds, [group.urn]);
    const subnets = one(stack, "aws:rds/subnetGroup:SubnetGroup");
    assert.equal(subnets.inputs.name, "dev-workload-a-ledger-subnets");
    assert.deepEqual(subnets.inputs.subnetIds, ["subnet-a", "subnet-b"]);
  });

  it("creates one private instance per count, spread over the zones, in the cluster's subnet group", async () => {
    const stack = await run();
    const instances = ofType(stack, INSTANCE);
    assert.deepEqual(
      instances.map((i) => [i.name, i.inputs.identifier, i.inputs.availabilityZone]),
      [
        ["ledger-db-instance-1", "dev-workload-a-ledger-1", "us-east-1a"],
        ["ledger-db-instance-2", "dev-workload-a-ledger-2", "us-east-1b"],
        ["ledger-db-instance-3", "dev-workload-a-ledger-3", "us-east-1a"],
      ],
    );
    const cluster = one(stack, CLUSTER);
    for (const instance of instances) {
      assert.equal(instance.inputs.publiclyAccessible, false);
      assert.equal(instance.inputs.instanceClass, "db.r7g.large");
      assert.equal(instance.inputs.engine, "aurora-postgresql");
      assert.equal(instance.inputs.clusterIdentifier, "dev-workload-a-ledger");
      assert.deepEqual(instance.propertyDependencies.clusterIdentifier, [cluster.urn]);
      assert.equal(instance.inputs.dbSubnetGroupName, "dev-workload-a-ledger-subnets");
      assert.ok(instance.protect);
    }
    const alone = await run({ instances: 1, availabilityZones: undefined });
    assert.deepEqual(
      ofType(alone, INSTANCE).map((i) => i.inputs.availabilityZone),
      [undefined],
    );
  });

  it("admits the port from the rotation subnets and from each allowFrom source, nothing else", async () => {
    const stack = await run();
    const group = one(stack, "aws:ec2/securityGroup:SecurityGroup");
    assert.equal(group.inputs.vpcId, "vpc-0123");
    assert.equal(
      group.inputs.description,
      "aurora-postgresql 5432 from the central rotation subnets and allowFrom",
    );
    const rules = ofType(stack, INGRESS);
    assert.deepEqual(
      rules.map((r) => [r.name, r.inputs.cidrIpv4 ?? r.inputs.referencedSecurityGroupId]),
      [
        ["ledger-db-from-rotation-0", "10.0.0.0/24"],
        ["ledger-db-from-rotation-1", "10.0.1.0/24"],
        ["ledger-db-from-sg-0123456789abcdef0", "sg-0123456789abcdef0"],
        ["ledger-db-from-10-1-0-0-20", "10.1.0.0/20"],
      ],
    );
    for (const rule of rules) {
      assert.deepEqual(
        [rule.inputs.ipProtocol, rule.inputs.fromPort, rule.inputs.toPort],
        ["tcp", 5432, 5432],
      );
      assert.deepEqual(rule.propertyDependencies.securityGroupId, [group.urn]);
    }
    assert.equal(
      ofType(stack, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").length,
      0,
    );
  });

  it("answers the writer endpoint as host, named by dbClusterIdentifier, in the contract's shape", async () => {
    const stack = await run({ engine: "aurora-mysql", engineVersion: "8.0.mysql_aurora.3.08.2" });
    const endpoint = databaseEndpointSchema.parse(stack.outputs.endpoint);
    assert.equal(endpoint.engine, "aurora-mysql");
    assert.equal(endpoint.dbClusterIdentifier, "dev-workload-a-ledger");
    assert.equal(endpoint.dbInstanceIdentifier, undefined);
    assert.equal(endpoint.port, 3306);
    assert.match(
      endpoint.host,
      /^dev-workload-a-ledger\.cluster-[0-9a-f]{12}\.[a-z0-9-]+\.rds\.amazonaws\.com$/,
    );
    assert.match(String(stack.outputs.readerEndpoint), /^dev-workload-a-ledger\.cluster-ro-/);
  });

  it("unprotected (a sandbox): no deletion protection, no final snapshot, no protect", async () => {
    const stack = await run({ protect: false, extendedSupport: true });
    const cluster = one(stack, CLUSTER);
    assert.equal(cluster.inputs.deletionProtection, false);
    assert.equal(cluster.inputs.skipFinalSnapshot, true);
    assert.equal(cluster.inputs.finalSnapshotIdentifier, undefined);
    assert.equal(cluster.inputs.engineLifecycleSupport, "open-source-rds-extended-support");
    assert.equal(cluster.protect, false);
    assert.ok(ofType(stack, INSTANCE).every((i) => !i.protect));
  });
});

describe("AuroraCluster guards", () => {
  const refused = (overrides: Partial<AuroraClusterArgs>, ...mentions: string[]) =>
    assertRefused(
      () => new AuroraCluster("ledger-db", { ...args, ...overrides }),
      "AuroraCluster ledger-db",
      ...mentions,
    );

  it("refuses an RDS instance engine", () =>
    refused({ engine: "postgres" }, "postgres", "Database"));
  it("refuses 0 or 17 instances", async () => {
    await refused({ instances: 0 }, "instances", "1 to 16");
    await refused({ instances: 17 }, "instances", "1 to 16");
  });
  it("refuses an instance class Aurora does not offer, and db.serverless", async () => {
    await refused({ instanceClass: "db.t4g.micro" }, "db.t4g.micro", "db.r7g");
    await refused({ instanceClass: "db.serverless" }, "db.serverless", "Serverless v2");
  });
  it("refuses a version of the wrong form or an unsupported major", async () => {
    await refused({ engineVersion: "16" }, "engine version", "16.6");
    await refused({ engineVersion: "12.22" }, "major version 12", "14, 15, 16, 17");
  });
  it("refuses an identifier its instances' identifiers would not fit", () =>
    refused(
      { identifier: "a".repeat(CLUSTER_IDENTIFIER_MAX + 1) },
      "identifier",
      String(CLUSTER_IDENTIFIER_MAX),
    ));
  it("refuses a malformed or repeated allowFrom entry", async () => {
    await refused(
      { allowFrom: { securityGroupIds: ["web"] } },
      "allowFrom.securityGroupIds",
      "web",
    );
    await refused({ allowFrom: { cidrs: ["10.1.0.0/33"] } }, "allowFrom.cidrs");
    await refused(
      { allowFrom: { cidrs: ["10.1.0.0/20", "10.1.0.0/20"] } },
      "allowFrom.cidrs",
      "twice",
    );
  });
  it("refuses an empty rotationCidrs", () => refused({ rotationCidrs: [] }, "rotationCidrs"));
});
