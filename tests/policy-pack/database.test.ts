// The database policies through the pack's real server, on an AuroraCluster and a Database
// as the components register them.
import * as assert from "node:assert/strict";
import { AuroraCluster } from "../../components/auroraCluster";
import { Database } from "../../components/database";
import { PolicyServer, Violation } from "../../src/offline/policyServer";
import type { RecordedResource } from "../../src/offline/runStack";
import { runComponent } from "../harness";

const mandatory = (vs: Violation[]) =>
  vs.filter((v) => v.level === "mandatory").map((v) => v.policy);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe("@slow database policies over gRPC", function () {
  this.timeout(120000);
  let server: PolicyServer;
  let resources: RecordedResource[];

  before(async () => {
    server = await PolicyServer.start();
    await server.configure();
    const network = {
      vpcId: "vpc-0123",
      subnetIds: ["subnet-a", "subnet-b"],
      rotationCidrs: ["10.0.0.0/24"],
    };
    resources = (
      await runComponent(() => {
        new AuroraCluster("ledger-db", {
          ...network,
          engine: "aurora-mysql",
          instanceClass: "db.r7g.large",
          instances: 2,
          dbName: "ledger",
          username: "ledger_admin",
          identifier: "test-ledger",
        });
        new Database("orders-db", {
          ...network,
          engine: "postgres",
          instanceClass: "db.t4g.micro",
          allocatedStorage: 20,
          dbName: "orders",
          username: "orders_admin",
          identifier: "test-orders",
        });
        return {};
      })
    ).resources;
  });
  after(async () => server?.stop());

  it("the components' clusters and instances comply", async () => {
    assert.deepEqual(mandatory(await server.analyzeAll(resources)), []);
  });

  const broken: [string, string, Record<string, unknown>, string][] = [
    [
      "an unencrypted cluster",
      "aws:rds/cluster:Cluster",
      { storageEncrypted: false },
      "database-storage-encrypted",
    ],
    [
      "a public cluster instance",
      "aws:rds/clusterInstance:ClusterInstance",
      { publiclyAccessible: true },
      "database-not-public",
    ],
    [
      "a cluster without backups kept",
      "aws:rds/cluster:Cluster",
      { backupRetentionPeriod: 0 },
      "database-backups",
    ],
    [
      "a cluster left to RDS's Extended Support default",
      "aws:rds/cluster:Cluster",
      { engineLifecycleSupport: undefined },
      "database-lifecycle-explicit",
    ],
    [
      "a protected cluster without deletion protection",
      "aws:rds/cluster:Cluster",
      { deletionProtection: false },
      "database-deletion-protection",
    ],
    [
      "an unencrypted instance",
      "aws:rds/instance:Instance",
      { storageEncrypted: false },
      "database-storage-encrypted",
    ],
    [
      "a public instance",
      "aws:rds/instance:Instance",
      { publiclyAccessible: true },
      "database-not-public",
    ],
  ];
  for (const [what, type, change, policy] of broken) {
    it(`reports ${what} (${policy})`, async () => {
      const changed = clone(resources);
      const target = changed.find((r) => r.type === type)!;
      for (const [key, value] of Object.entries(change)) {
        if (value === undefined) delete target.inputs[key];
        else target.inputs[key] = value;
      }
      assert.deepEqual(mandatory(await server.analyzeAll(changed)), [policy]);
    });
  }
});
