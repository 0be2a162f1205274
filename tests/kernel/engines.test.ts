import * as assert from "node:assert/strict";
import {
  CLONE_SUFFIX,
  ENGINES,
  ENGINE_SPECS,
  MIN_ROTATION_APPLICATION_VERSION,
  ROTATION_STRATEGIES,
  applicationUsernameMax,
  compareVersions,
  databasePort,
} from "../../kernel/engines";
import {
  PARTITIONS,
  PARTITION_SPECS,
  partitionOf,
  rotationApplicationArn,
} from "../../kernel/partitions";

describe("kernel engines", () => {
  for (const engine of ENGINES) {
    const spec = ENGINE_SPECS[engine];
    it(`${engine}: its record names itself and agrees with its deployment`, () => {
      assert.equal(spec.engine, engine);
      // The secret JSON of an RDS instance names it by dbInstanceIdentifier, of an Aurora
      // cluster by dbClusterIdentifier (the rotation functions read one or the other).
      assert.equal(
        spec.identifierKey,
        spec.deployment === "instance" ? "dbInstanceIdentifier" : "dbClusterIdentifier",
      );
    });

    it(`${engine}: one AWS rotation application per strategy, pinned in every partition`, () => {
      for (const strategy of ROTATION_STRATEGIES) {
        const app = spec.rotationApplications[strategy];
        // As the CDK tells the scheme: the application's name ends in SingleUser or MultiUser.
        assert.match(
          app.name,
          strategy === "single-user"
            ? /^SecretsManager\w+SingleUser$/
            : /^SecretsManager\w+MultiUser$/,
        );
        assert.deepEqual(Object.keys(app.versions).sort(), [...PARTITIONS].sort());
        assert.ok(compareVersions(app.versions.aws, MIN_ROTATION_APPLICATION_VERSION) >= 0);
      }
      assert.notEqual(
        spec.rotationApplications["single-user"].name,
        spec.rotationApplications["multi-user"].name,
      );
    });

    it(`${engine}: the application user leaves room for ${CLONE_SUFFIX}`, () => {
      assert.equal(applicationUsernameMax(spec) + CLONE_SUFFIX.length, spec.applicationUser.max);
      for (const rule of [spec.masterUser.created, spec.masterUser.existing]) {
        assert.ok(rule.reserved.includes("rdsadmin"));
        for (const name of rule.reserved) assert.equal(name, name.toLowerCase());
      }
    });
  }

  it("the limits the config rules and messages state", () => {
    assert.equal(applicationUsernameMax(ENGINE_SPECS.mysql), 10);
    assert.equal(applicationUsernameMax(ENGINE_SPECS.postgres), 57);
    assert.equal(ENGINE_SPECS.mysql.masterUser.created.max, 16);
    assert.equal(ENGINE_SPECS.mysql.masterUser.existing.max, 32);
    assert.deepEqual(ENGINE_SPECS.postgres.masterUser.created.reserved, ["rdsadmin", "admin"]);
  });

  it("databasePort: an existing database's port, else the configured one, else the engine's", () => {
    assert.equal(databasePort({ engine: "postgres" }), 5432);
    assert.equal(databasePort({ engine: "mysql" }), 3306);
    assert.equal(databasePort({ engine: "mysql", port: 3307 }), 3307);
    assert.equal(databasePort({ engine: "mysql", port: 3307, existing: { port: 3308 } }), 3308);
  });
});

describe("kernel partitions", () => {
  it("partitionOf: China and GovCloud Regions, else the commercial partition", () => {
    assert.equal(partitionOf("cn-northwest-1"), "aws-cn");
    assert.equal(partitionOf("us-gov-east-1"), "aws-us-gov");
    assert.equal(partitionOf("eu-west-1"), "aws");
    assert.equal(partitionOf("us-east-1"), "aws");
  });

  it("rotation application ARNs as the CDK's applicationArnForPartition builds them", () => {
    const name = ENGINE_SPECS.postgres.rotationApplications["single-user"].name;
    assert.equal(
      rotationApplicationArn("aws", name),
      "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser",
    );
    assert.equal(
      rotationApplicationArn("aws-cn", name),
      "arn:aws-cn:serverlessrepo:cn-north-1:193023089310:applications/SecretsManagerRDSPostgreSQLRotationSingleUser",
    );
    assert.equal(
      rotationApplicationArn("aws-us-gov", name),
      "arn:aws-us-gov:serverlessrepo:us-gov-west-1:023102451235:applications/SecretsManagerRDSPostgreSQLRotationSingleUser",
    );
  });

  it("each partition's record names itself; China's endpoints end in amazonaws.com.cn", () => {
    for (const partition of PARTITIONS)
      assert.equal(PARTITION_SPECS[partition].partition, partition);
    assert.equal(PARTITION_SPECS["aws-cn"].dnsSuffix, "amazonaws.com.cn");
    assert.equal(PARTITION_SPECS.aws.dnsSuffix, "amazonaws.com");
  });
});
