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
  engineVersionProblem,
  instanceClassProblem,
  rotationFunctionNameFor,
  rotationShortName,
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

describe("kernel engines: Aurora", () => {
  it("each Aurora engine is a cluster of its family, rotated by the family's applications", () => {
    for (const [aurora, family] of [
      ["aurora-postgresql", "postgres"],
      ["aurora-mysql", "mysql"],
    ] as const) {
      const spec = ENGINE_SPECS[aurora];
      assert.equal(spec.family, family);
      assert.equal(spec.deployment, "cluster");
      assert.equal(spec.identifierKey, "dbClusterIdentifier");
      assert.equal(spec.defaultPort, ENGINE_SPECS[family].defaultPort);
      assert.deepEqual(spec.rotationApplications, ENGINE_SPECS[family].rotationApplications);
      assert.deepEqual(spec.applicationUser, ENGINE_SPECS[family].applicationUser);
      // CreateDBCluster MasterUsername: 1 to 16 for every Aurora engine.
      assert.equal(spec.masterUser.created.max, 16);
    }
    assert.deepEqual(ENGINE_SPECS["aurora-postgresql"].masterUser.created.reserved, [
      "rdsadmin",
      "admin",
    ]);
  });

  it("rotation applications are named by family: the names RDS databases always had", () => {
    assert.equal(rotationShortName("aurora-postgresql", "single-user"), "postgres-single");
    assert.equal(rotationShortName("aurora-mysql", "multi-user"), "mysql-multi");
    assert.equal(rotationShortName("postgres", "single-user"), "postgres-single");
    assert.equal(
      rotationFunctionNameFor("secrets-hub-dev", "aurora-postgresql", "multi-user"),
      "secrets-hub-dev-rotation-postgres-multi",
    );
  });

  it("instanceClassProblem: Aurora's classes pass, micro/small, db.m and db.serverless are refused with the allowed ones", () => {
    for (const engine of ["aurora-postgresql", "aurora-mysql"] as const) {
      for (const ok of [
        "db.r7g.large",
        "db.r6i.2xlarge",
        "db.x2g.xlarge",
        "db.t4g.medium",
        "db.t3.large",
        "db.r8g.48xlarge",
      ]) {
        assert.equal(instanceClassProblem(engine, ok), undefined, ok);
      }
      for (const refused of [
        "db.t4g.micro",
        "db.t3.small",
        "db.m6g.large",
        "db.r7g.medium",
        "r7g.large",
      ]) {
        const problem = instanceClassProblem(engine, refused);
        assert.ok(
          problem?.includes(refused) && problem.includes("db.r7g"),
          `${refused}: ${problem}`,
        );
      }
      assert.match(instanceClassProblem(engine, "db.serverless") ?? "", /Serverless v2/);
    }
    // RDS instance classes are left to RDS.
    assert.equal(instanceClassProblem("postgres", "db.t4g.micro"), undefined);
  });

  it("engineVersionProblem: the engine's form and supported majors, named in the message", () => {
    assert.equal(engineVersionProblem("aurora-postgresql", "16.6"), undefined);
    assert.equal(engineVersionProblem("aurora-postgresql", "14.15"), undefined);
    assert.match(
      engineVersionProblem("aurora-postgresql", "16") ?? "",
      /<major>\.<minor>.*got 16\)/,
    );
    assert.match(
      engineVersionProblem("aurora-postgresql", "13.20") ?? "",
      /major version 13.*14, 15, 16, 17/,
    );
    assert.equal(engineVersionProblem("aurora-mysql", "8.0.mysql_aurora.3.08.2"), undefined);
    assert.match(engineVersionProblem("aurora-mysql", "8.0") ?? "", /8\.0\.mysql_aurora\.3/);
    assert.match(
      engineVersionProblem("aurora-mysql", "5.7.mysql_aurora.2.12.4") ?? "",
      /must be 8\.0\.mysql_aurora\.3/,
    );
    // RDS instance versions are passed through.
    assert.equal(engineVersionProblem("postgres", "16"), undefined);
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
