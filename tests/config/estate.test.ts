// The estate keys (databases:, secrets:, readers:, allowFrom), each wrong input refused with
// one line naming the key, through the one gate both `pulumi up` and the plan use.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { environmentFromFile } from "../../src/config";
import { DEV_FILE, configProblemsOf, deployed, editedDevFile } from "../harness";

const ESTATE_FILE = path.join(__dirname, "..", "..", "Pulumi.estate.yaml");
const W = "secrets-hub:workloads";

/** The problems the gate reports for the estate file with `edit` applied (none: []). */
function problemsOf(edit: (workloads: any[], config: Record<string, any>) => void): string[] {
  return configProblemsOf((c) => edit(c[W], c), ESTATE_FILE);
}

/** [what is wrong, edit, the one line expected]. */
const refused: [string, (w: any[], c: Record<string, any>) => void, RegExp][] = [
  [
    "two databases of one name",
    (w) => w[0].databases.push({ ...w[0].databases[0], secretName: "estate/payments/other-db" }),
    /^secrets-hub:workloads\[0\]\.databases\[2\]\.name: repeats secrets-hub:workloads\[0\]\.databases\[0\]\.name; each must be unique \(got "orders"\)$/,
  ],
  [
    "a secret named as a database",
    (w) =>
      w[0].secrets.push({ name: "ledger", secretName: "estate/payments/ledger", rotation: "none" }),
    /^secrets-hub:workloads\[0\]\.secrets\[1\]\.name: repeats secrets-hub:workloads\[0\]\.databases\[1\]\.name; each must be unique/,
  ],
  [
    "two readers of one name",
    (w) => (w[1].readers[1].name = "web"),
    /^secrets-hub:workloads\[1\]\.readers\[1\]\.name: repeats secrets-hub:workloads\[1\]\.readers\[0\]\.name; each must be unique/,
  ],
  [
    "a reader reading an unknown name",
    (w) => (w[0].readers[0].reads[2] = "stripes"),
    /^secrets-hub:workloads\[0\]\.readers\[0\]\.reads\[2\]: is not a database or secret of this workload; allowed: orders, ledger, stripe \(got "stripes"\)/,
  ],
  [
    "a reader reading another workload's secret",
    (w) => w[0].readers[1].reads.push("algolia"),
    /^secrets-hub:workloads\[0\]\.readers\[1\]\.reads\[1\]: is not a database or secret of this workload; allowed: orders, ledger, stripe/,
  ],
  [
    "an allowFrom block outside the workload VPC",
    (w) => (w[0].databases[0].allowFrom.cidrs = ["10.9.0.0/20"]),
    /^secrets-hub:workloads\[0\]\.databases\[0\]\.allowFrom\.cidrs\[0\]: is outside the workload VPC 10\.1\.0\.0\/16; allowed: blocks within it/,
  ],
  [
    "an allowFrom security group that is not an id",
    (w) => (w[0].databases[0].allowFrom.securityGroupIds = ["api-tasks"]),
    /^secrets-hub:workloads\[0\]\.databases\[0\]\.allowFrom\.securityGroupIds\[0\]: must be a security group id, sg-<hex>/,
  ],
  [
    "an engine AWS has no rotation for",
    (w) => (w[1].databases[1].engine = "oracle"),
    /^secrets-hub:workloads\[1\]\.databases\[1\]\.engine: must be one of postgres, mysql, aurora-postgresql, aurora-mysql/,
  ],
  [
    "an instance class Aurora does not offer",
    (w) => (w[0].databases[1].instanceClass = "db.t4g.micro"),
    /^secrets-hub:workloads\[0\]\.databases\[1\]\.instanceClass: aurora-postgresql does not offer instance class db\.t4g\.micro; use /,
  ],
  [
    "an Aurora PostgreSQL version out of support",
    (w) => (w[0].databases[1].engineVersion = "12.9"),
    /^secrets-hub:workloads\[0\]\.databases\[1\]\.engineVersion: aurora-postgresql major version 12 is not supported; use one of /,
  ],
  [
    "an Aurora MySQL version in RDS MySQL's form",
    (w) => {
      w[1].databases[1].engine = "aurora-mysql";
      w[1].databases[1].engineVersion = "8.0";
    },
    /^secrets-hub:workloads\[1\]\.databases\[1\]\.engineVersion: aurora-mysql engine version must be /,
  ],
  [
    "allocated storage on an Aurora cluster",
    (w) => (w[0].databases[1].allocatedStorage = 100),
    /^secrets-hub:workloads\[0\]\.databases\[1\]\.allocatedStorage: applies to RDS instances only/,
  ],
  [
    "more than 16 Aurora instances",
    (w) => (w[0].databases[1].instances = 17),
    /^secrets-hub:workloads\[0\]\.databases\[1\]\.instances: must be from 1 to 16/,
  ],
  [
    "an instance class that is not one",
    (w) => (w[1].databases[1].instanceClass = "t4g.micro"),
    /^secrets-hub:workloads\[1\]\.databases\[1\]\.instanceClass: must be an RDS class such as db\.t4g\.micro/,
  ],
  [
    "a reader role of another account",
    (w) => (w[0].readers[1].roleArn = "arn:aws:iam::999999999999:role/reporting"),
    /^secrets-hub:workloads\[0\]\.readers\[1\]\.roleArn: is a role of account 999999999999, not of the workload's account 222222222222/,
  ],
  [
    "a reader role of another partition",
    (w) => (w[0].readers[1].roleArn = "arn:aws-cn:iam::222222222222:role/reporting"),
    /^secrets-hub:workloads\[0\]\.readers\[1\]\.roleArn: is an ARN of partition aws-cn, but the workload's Region us-east-1 is in aws/,
  ],
  [
    "a reader both created and existing",
    (w) => (w[0].readers[1].trustedServices = ["ecs-tasks.amazonaws.com"]),
    /^secrets-hub:workloads\[0\]\.readers\[1\]: needs trustedServices \(a role created for those services\) or roleArn \(an existing role of the workload's account\), exactly one$/,
  ],
  [
    "two readers on one existing role",
    (w) => (w[1].readers[0] = { ...w[1].readers[1], name: "web" }),
    /^secrets-hub:workloads\[1\]\.readers\[1\]\.roleArn: repeats secrets-hub:workloads\[1\]\.readers\[0\]\.roleArn; each must be unique/,
  ],
  [
    "a created reader whose role name passes IAM's 64 characters",
    (w) => {
      w[0].name = "payments-and-settlements-eu";
      w[0].readers[0].name = "apiworkersbackends";
    },
    /^secrets-hub:workloads\[0\]\.readers\[0\]\.name: makes the role name secrets-hub-estate-payments-and-settlements-eu-apiworkersbackends 65 characters; IAM allows 64/,
  ],
  [
    "database: and databases: together",
    (w) => {
      w[1].database = { ...w[1].databases[1], secretName: "estate/catalog/other-db" };
      delete w[1].database.name;
    },
    /^secrets-hub:workloads\[1\]\.database: and secrets-hub:workloads\[1\]\.databases are both set/,
  ],
  [
    "neither database: nor databases:",
    (w) => delete w[1].databases,
    /^secrets-hub:workloads\[1\]\.databases: is required: list the workload's databases/,
  ],
  [
    "applicationRole: beside readers:",
    (w) => (w[1].applicationRole = { trustedServices: ["ec2.amazonaws.com"] }),
    /^secrets-hub:workloads\[1\]\.applicationRole: and secrets-hub:workloads\[1\]\.readers are both set/,
  ],
  [
    "instances on an RDS instance engine",
    (w) => (w[0].databases[0].instances = 2),
    /^secrets-hub:workloads\[0\]\.databases\[0\]\.instances: applies to Aurora clusters only/,
  ],
  [
    "an existing RDS instance named by a cluster identifier",
    (w) => {
      w[0].existingVpc = {
        vpcId: "vpc-0a1b2c3d4e5f60718",
        privateRouteTableIds: ["rtb-0a1b2c3d4e5f60718"],
        subnets: [
          { id: "subnet-0a1b2c3d4e5f60718", cidr: "10.1.1.0/24" },
          { id: "subnet-0a1b2c3d4e5f60719", cidr: "10.1.2.0/24" },
        ],
      };
      // An adopted database keeps its own version (existing-database-settings).
      delete w[0].databases[0].engineVersion;
      w[0].databases[0].existing = {
        host: "orders.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com",
        dbClusterIdentifier: "orders",
        securityGroupId: "sg-0a1b2c3d4e5f60718",
      };
    },
    /^secrets-hub:workloads\[0\]\.databases\[0\]\.existing\.dbClusterIdentifier: does not apply: an existing postgres database is named by dbInstanceIdentifier/,
  ],
  [
    "a custom rotation function in another account",
    (w) =>
      (w[0].secrets[0].rotation = {
        lambdaArn: "arn:aws:lambda:us-east-1:222222222222:function:rotate-stripe",
      }),
    /^secrets-hub:workloads\[0\]\.secrets\[0\]\.rotation\.lambdaArn: is a function in 222222222222 \/ us-east-1; a secret's rotation function must be in the central account and Region \(111111111111 \/ us-east-1\)/,
  ],
  [
    "a secret without its rotation choice",
    (w) => delete w[0].secrets[0].rotation,
    /^secrets-hub:workloads\[0\]\.secrets\[0\]\.rotation: /,
  ],
  [
    "a secret tag AWS reserves",
    (w) => (w[0].secrets[0].tags = { "aws:owner": "payments" }),
    /^secrets-hub:workloads\[0\]\.secrets\[0\]\.tags\.aws:owner: a tag key must not begin with aws:/,
  ],
  [
    "a database name with a hyphen",
    (w) => {
      w[0].databases[0].name = "orders-db";
      w[0].readers[0].reads[0] = "orders-db";
    },
    /^secrets-hub:workloads\[0\]\.databases\[0\]\.name: must be 1-20 lower-case letters and digits, starting with a letter/,
  ],
  [
    "a mistyped key in a database entry",
    (w) => (w[0].databases[0].allowfrom = w[0].databases[0].allowFrom),
    /^secrets-hub:workloads\[0\]\.databases\[0\]\.allowfrom: unknown key; allowed: .*; did you mean allowFrom\?$/,
  ],
  [
    "a shorthand workload whose resources meet a listed database's",
    (w) => {
      const shorthand = {
        ...w[1],
        name: "payments-orders",
        accountId: "444444444444",
        deployRoleArn: "arn:aws:iam::444444444444:role/secrets-hub-deploy",
      };
      shorthand.vpcCidr = "10.3.0.0/16";
      delete shorthand.databases;
      delete shorthand.readers;
      delete shorthand.secrets;
      shorthand.database = { ...w[1].databases[1], secretName: "estate/x/orders-db" };
      delete shorthand.database.name;
      w.push(shorthand);
    },
    /^secrets-hub:workloads\[2\]\.database\.engine: gives the central resources the name payments-orders-db, which another workload's database already has \(secrets-hub:workloads\[0\]\.databases\[0\]\.name\)/,
  ],
];

describe("estate keys", () => {
  it("Pulumi.estate.yaml passes the gate", () => {
    assert.deepEqual(
      problemsOf(() => undefined),
      [],
    );
  });

  for (const [what, edit, line] of refused) {
    it(`refuses ${what}, in one line naming the key`, () => {
      const problems = problemsOf(edit);
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.match(problems[0], line);
    });
  }

  it("reads the shorthand as one database and one reader of every secret, keeping their names", () => {
    const env = environmentFromFile(path.join(__dirname, "..", "..", "Pulumi.dev.yaml"));
    for (const w of env.workloads) {
      assert.deepEqual(
        w.databases.map((d) => [d.name, d.shorthand]),
        [["database", true]],
      );
      assert.deepEqual(
        w.readers.map((r) => [r.name, r.shorthand, r.reads]),
        [["app", true, ["database"]]],
      );
    }
  });

  it("@slow the shorthand moved under databases: as name database (and reader app) keeps every resource, URN and input", async () => {
    const urnsAndInputs = async (file: string) => {
      const { runs } = await deployed(environmentFromFile(file));
      return [...runs.values()].flatMap((run) =>
        run.resources.map((r) => JSON.stringify([r.urn, r.inputs])),
      );
    };
    const moved = editedDevFile((c) => {
      for (const w of c[W]) {
        w.databases = [{ name: "database", ...w.database }];
        delete w.database;
        w.readers = [
          {
            name: "app",
            trustedServices: w.applicationRole?.trustedServices ?? ["ec2.amazonaws.com"],
            reads: ["database"],
          },
        ];
        delete w.applicationRole;
      }
    });
    const before = await urnsAndInputs(DEV_FILE);
    assert.ok(before.length > 100);
    assert.deepEqual(await urnsAndInputs(moved), before);
  });

  it("a listed database's secret settings default to the workload's, tags added", () => {
    const env = environmentFromFile(
      editedDevFile((c) => {
        c[W][0].secret = { schedule: "rate(7 days)", tags: { team: "payments" } };
      }, ESTATE_FILE),
    );
    const [orders, ledger] = env.workloads[0].databases;
    assert.equal(orders.secret.schedule, "rate(7 days)");
    assert.deepEqual(orders.secret.tags, { team: "payments" });
    assert.equal(ledger.secret.schedule, "rate(14 days)");
    assert.deepEqual(ledger.secret.tags, { team: "payments", "data-classification": "restricted" });
  });
});
