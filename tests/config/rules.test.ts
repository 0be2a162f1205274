import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import YAML from "yaml";
import { cidrsOverlap } from "../../policy-pack/lib/cidr";
import { keyPath } from "../../src/config";
import * as rules from "../../src/config/rules";
import { Issue, RULES, Rule, checkEnvironment } from "../../src/config/rules";
import { environmentView } from "../../src/config/view";
import { DEV_FILE } from "../harness";

/** The keys of Pulumi.dev.yaml (namespace stripped), as a fresh document to edit. */
function devConfig(): Record<string, any> {
  const document = YAML.parse(fs.readFileSync(DEV_FILE, "utf8")) as {
    config: Record<string, unknown>;
  };
  return Object.fromEntries(
    Object.entries(document.config)
      .filter(([key]) => key.startsWith("secrets-hub:"))
      .map(([key, value]) => [key.slice("secrets-hub:".length), value]),
  );
}

function issuesOf(rule: Rule, value: unknown): Issue[] {
  const issues: Issue[] = [];
  rule.check(environmentView(value), (issue) => issues.push(issue));
  return issues;
}

function edited(edit: (env: Record<string, any>) => void): Record<string, any> {
  const env = devConfig();
  edit(env);
  return env;
}

const three = ["us-east-1a", "us-east-1b", "us-east-1c"];

/** [rule, what is wrong, edit, key path of the issue, its advice]. */
const violations: [Rule, string, (env: Record<string, any>) => void, string, RegExp][] = [
  [
    rules.replicaRegionDiffers,
    "a replica region equal to the central region",
    (env) => (env.replicaRegion = "us-east-1"),
    "secrets-hub:replicaRegion",
    /^must differ from the central region \(secrets-hub:central\.region is us-east-1\)$/,
  ],
  [
    rules.vpcCidrsDisjoint,
    "a workload VPC inside an earlier one",
    (env) => (env.workloads[1].vpcCidr = "10.1.128.0/17"),
    "secrets-hub:workloads[1].vpcCidr",
    /^overlaps secrets-hub:workloads\[0\]\.vpcCidr \(10\.1\.0\.0\/16\); peered VPCs need disjoint CIDRs$/,
  ],
  [
    rules.accountIdsUnique,
    "a workload in the central account",
    (env) => (env.workloads[0].accountId = "111111111111"),
    "secrets-hub:workloads[0].accountId",
    /^repeats secrets-hub:central\.accountId; each must be unique$/,
  ],
  [
    rules.workloadNamesUnique,
    "two workloads of one name",
    (env) => (env.workloads[2].name = "workload-a"),
    "secrets-hub:workloads[2].name",
    /^repeats secrets-hub:workloads\[0\]\.name; each must be unique$/,
  ],
  [
    rules.secretNamesUnique,
    "two workloads sharing a secret name",
    (env) => (env.workloads[1].database.secretName = env.workloads[0].database.secretName),
    "secrets-hub:workloads[1].database.secretName",
    /^repeats secrets-hub:workloads\[0\]\.database\.secretName; each must be unique$/,
  ],
  [
    rules.zonesInRegion,
    "a zone of another region",
    (env) => (env.central.availabilityZones = ["us-east-1a", "us-west-2b"]),
    "secrets-hub:central.availabilityZones[1]",
    /^must be a zone of us-east-1$/,
  ],
  [
    rules.zonesDistinct,
    "a zone listed twice",
    (env) => (env.workloads[0].availabilityZones = ["us-east-1a", "us-east-1a"]),
    "secrets-hub:workloads[0].availabilityZones",
    /^must not repeat a zone$/,
  ],
  [
    rules.subnetsFitVpc,
    "a subnet as large as its VPC, for two zones",
    (env) => (env.central.subnetPrefixLength = 16),
    "secrets-hub:central.subnetPrefixLength",
    /^\/16 subnets do not fit 2 zones in 10\.0\.0\.0\/16; allowed: \/17 to \/28$/,
  ],
  [
    rules.subnetsFitVpc,
    "/25 subnets for three zones of a /24",
    (env) => {
      env.central.vpcCidr = "10.0.0.0/24";
      env.central.availabilityZones = three;
      env.central.subnetPrefixLength = 25;
    },
    "secrets-hub:central.subnetPrefixLength",
    /^\/25 subnets do not fit 3 zones in 10\.0\.0\.0\/24; allowed: \/26 to \/28$/,
  ],
  [
    rules.subnetsFitVpc,
    "a /27 VPC for three zones (no subnet size fits)",
    (env) => {
      env.central.vpcCidr = "10.0.0.0/27";
      env.central.availabilityZones = three;
    },
    "secrets-hub:central.subnetPrefixLength",
    /^no subnet size fits 3 zones in 10\.0\.0\.0\/27 \(subnets are \/28 at the smallest\); use a larger VPC CIDR or fewer zones$/,
  ],
  [
    rules.roleNameFits,
    "a 60-character workload name",
    (env) => (env.workloads[0].name = "w".repeat(60)),
    "secrets-hub:workloads[0].name",
    /^makes the role name secrets-hub-dev-w+-app longer than 64 characters; shorten the workload or environment name$/,
  ],
  [
    rules.rdsIdentifierValid,
    "a database name with a double underscore",
    (env) => (env.workloads[0].database.dbName = "orders__db"),
    "secrets-hub:workloads[0].database.dbName",
    /^makes the RDS identifier dev-workload-a-orders--db invalid .*; shorten it or the workload name$/,
  ],
  [
    rules.databaseUsernameValid,
    "a 17-character master user name on a created MySQL database",
    (env) => (env.workloads[1].database.username = "catalog_admin_xyz"),
    "secrets-hub:workloads[1].database.username",
    /^is 17 characters; an RDS mysql master user name is at most 16$/,
  ],
  [
    rules.databaseUsernameValid,
    "a 64-character master user name on PostgreSQL",
    (env) => (env.workloads[0].database.username = "u".repeat(64)),
    "secrets-hub:workloads[0].database.username",
    /^is 64 characters; an RDS postgres master user name is at most 63$/,
  ],
  [
    rules.databaseUsernameValid,
    "admin on a created PostgreSQL database",
    (env) => (env.workloads[0].database.username = "admin"),
    "secrets-hub:workloads[0].database.username",
    /^is reserved by RDS for postgres; allowed: any other name \(reserved: rdsadmin, admin\)$/,
  ],
  [
    rules.databaseUsernameValid,
    "rdsadmin on MySQL",
    (env) => (env.workloads[1].database.username = "rdsadmin"),
    "secrets-hub:workloads[1].database.username",
    /^is reserved by RDS for mysql; allowed: any other name \(reserved: rdsadmin\)$/,
  ],
  [
    rules.databaseUsernameValid,
    "a 33-character user of an existing MySQL database",
    (env) => {
      env.workloads[1].database.username = "u".repeat(33);
      env.workloads[1].database.existing = { host: "db.example", dbInstanceIdentifier: "catalog" };
    },
    "secrets-hub:workloads[1].database.username",
    /^is 33 characters; a mysql user name is at most 32$/,
  ],
  [
    rules.environmentNamesFit,
    "a 30-character environment name",
    (env) => (env.environment = "e".repeat(30)),
    "secrets-hub:environment",
    /^makes the Lambda function name secrets-hub-e{30}-rotation-postgres-single 67 characters, over AWS's limit of 64; use an environment name of at most 27 characters$/,
  ],
  [
    rules.rotationWindowFits,
    "a 6h window every 4 hours",
    (env) => {
      env.rotation.schedule = "rate(4 hours)";
      env.rotation.duration = "6h";
    },
    "secrets-hub:rotation.duration",
    /^a 6h window reaches the next rotation window of rate\(4 hours\) \(4 hours apart\); allowed: 1h to 4h$/,
  ],
  [
    rules.rotationWindowFits,
    "a 3h window opening at 22:00",
    (env) => {
      env.rotation.schedule = "cron(0 22 * * ? *)";
      env.rotation.duration = "3h";
    },
    "secrets-hub:rotation.duration",
    /^a 3h window opening at 22:00 UTC \(cron\(0 22 \* \* \? \*\)\) passes into the next UTC day; allowed: 1h to 2h$/,
  ],
  [
    rules.rotationWindowFits,
    "an 8h window of a cron() every 6 hours",
    (env) => {
      env.rotation.schedule = "cron(0 0/6 * * ? *)";
      env.rotation.duration = "8h";
    },
    "secrets-hub:rotation.duration",
    /^a 8h window reaches the next rotation window .* \(6 hours apart\); allowed: 1h to 6h$/,
  ],
  [
    rules.onePartition,
    "a replica Region in China",
    (env) => (env.replicaRegion = "cn-north-1"),
    "secrets-hub:replicaRegion",
    /^is in partition aws-cn, but secrets-hub:central\.region \(us-east-1\) is in aws; multi-Region keys, secret replicas and VPC peering do not cross partitions: use a Region of aws$/,
  ],
  [
    rules.onePartition,
    "a workload in GovCloud",
    (env) => (env.workloads[2].region = "us-gov-west-1"),
    "secrets-hub:workloads[2].region",
    /^is in partition aws-us-gov, but .* use a Region of aws$/,
  ],
  [
    rules.deployRoleInAccount,
    "an arn:aws role for a cn- Region",
    (env) => {
      env.central.region = "cn-north-1";
      env.central.availabilityZones = ["cn-north-1a", "cn-north-1b"];
    },
    "secrets-hub:central.deployRoleArn",
    /^is an ARN of partition aws, but secrets-hub:central\.region \(cn-north-1\) is in aws-cn; write arn:aws-cn:iam::<account>:role\/<name>$/,
  ],
  [
    rules.deployRoleInAccount,
    "a deploy role of another account",
    (env) => (env.workloads[0].deployRoleArn = "arn:aws:iam::999999999999:role/deploy"),
    "secrets-hub:workloads[0].deployRoleArn",
    /^is a role of account 999999999999, not of secrets-hub:workloads\[0\]\.accountId \(222222222222\); the provider accepts only that account$/,
  ],
  [
    rules.connectivityLimits,
    "126 peered workloads",
    (env) => (env.workloads = workloadsLike(env.workloads[0], 126)),
    "secrets-hub:workloads",
    /^126 workloads need 126 peering connections from the central VPC; AWS grants at most 125 "Active VPC peering connections per VPC" \(vpc L-7E9ECCDB\), a limit no quota increase passes: set secrets-hub:connectivity: transit-gateway \(one attachment per workload, up to 5000\) or split the environment$/,
  ],
  [
    rules.keyPolicyFits,
    "2,200 workload accounts listed one by one",
    (env) => (env.workloads = workloadsLike(env.workloads[0], 2200)),
    "secrets-hub:workloads",
    /^make the secrets key policy 33\d{3} bytes \(one account id per workload account\); KMS allows at most 32768: name the organization \(secrets-hub:transitGateway\.organizationArn, transit gateway mode\) or split the environment$/,
  ],
];

/** `count` copies of a workload, with distinct names (`<stem>-<n>`) and account ids. */
function workloadsLike(
  template: Record<string, any>,
  count: number,
  stem = "app",
): Record<string, any>[] {
  return Array.from({ length: count }, (_, i) => ({
    ...template,
    name: `${stem}-${String(i).padStart(3, "0")}`,
    accountId: String(200000000000 + i),
    deployRoleArn: undefined,
  }));
}

/** Edits each rule must accept: [rule, what, edit]. */
const accepted: [Rule, string, (env: Record<string, any>) => void][] = [
  [rules.vpcCidrsDisjoint, "adjacent blocks", (env) => (env.workloads[0].vpcCidr = "10.4.0.0/15")],
  [
    rules.zonesInRegion,
    "zones of a workload's own region",
    (env) => {
      env.workloads[0].region = "eu-west-1";
      env.workloads[0].availabilityZones = ["eu-west-1a", "eu-west-1b"];
    },
  ],
  [
    rules.subnetsFitVpc,
    "/17 subnets for two zones of a /16",
    (env) => (env.central.subnetPrefixLength = 17),
  ],
  [
    rules.subnetsFitVpc,
    "the default /28 subnets for two zones of a /27",
    (env) => (env.central.vpcCidr = "10.0.0.0/27"),
  ],
  [
    rules.rdsIdentifierValid,
    "an existing database (no identifier is made)",
    (env) => {
      env.workloads[0].database.dbName = "orders__db";
      env.workloads[0].database.existing = { host: "db.example", dbInstanceIdentifier: "orders" };
    },
  ],
  [
    rules.databaseUsernameValid,
    "a 16-character MySQL master user name",
    (env) => (env.workloads[1].database.username = "catalog_admin_xy"),
  ],
  [
    rules.databaseUsernameValid,
    "postgres on PostgreSQL and admin on MySQL (RDS accepts both)",
    (env) => {
      env.workloads[0].database.username = "postgres";
      env.workloads[1].database.username = "admin";
    },
  ],
  [
    rules.databaseUsernameValid,
    "a 32-character user and admin on existing databases",
    (env) => {
      env.workloads[1].database.username = "u".repeat(32);
      env.workloads[1].database.existing = { host: "db.example", dbInstanceIdentifier: "catalog" };
      env.workloads[0].database.username = "admin";
      env.workloads[0].database.existing = { host: "db.example", dbInstanceIdentifier: "orders" };
    },
  ],
  [
    rules.environmentNamesFit,
    "a 27-character environment name",
    (env) => (env.environment = "e".repeat(27)),
  ],
  [
    rules.environmentNamesFit,
    "a 29-character environment name when only MySQL rotates",
    (env) => {
      env.environment = "e".repeat(29);
      for (const w of env.workloads) w.database.engine = "mysql";
    },
  ],
  [
    rules.rotationWindowFits,
    "a 4h window every 4 hours",
    (env) => {
      env.rotation.schedule = "rate(4 hours)";
      env.rotation.duration = "4h";
    },
  ],
  [
    rules.rotationWindowFits,
    "a 3h window opening at 21:00 on Sundays",
    (env) => {
      env.rotation.schedule = "cron(0 21 ? * SUN *)";
      env.rotation.duration = "3h";
    },
  ],
  [
    rules.rotationWindowFits,
    "a 24h window of rate(1 day)",
    (env) => {
      env.rotation.schedule = "rate(1 day)";
      env.rotation.duration = "24h";
    },
  ],
  [
    rules.rotationWindowFits,
    "a 12h window of a cron() at 4:00 and 16:00",
    (env) => {
      env.rotation.schedule = "cron(0 4/12 * * ? *)";
      env.rotation.duration = "12h";
    },
  ],
  [
    rules.onePartition,
    "Regions of one partition",
    (env) => {
      env.replicaRegion = "eu-west-1";
      env.workloads[0].region = "ap-southeast-2";
    },
  ],
  [
    rules.deployRoleInAccount,
    "an arn:aws-cn role of the account for a cn- Region",
    (env) => {
      env.central.region = "cn-north-1";
      env.central.deployRoleArn = "arn:aws-cn:iam::111111111111:role/secrets-hub-deploy";
    },
  ],
  [
    rules.connectivityLimits,
    "125 peered workloads",
    (env) => (env.workloads = workloadsLike(env.workloads[0], 125)),
  ],
  [
    rules.connectivityLimits,
    "126 workloads under another connectivity mode",
    (env) => {
      env.workloads = workloadsLike(env.workloads[0], 126);
      env.connectivity = "transit-gateway";
    },
  ],
  [
    rules.keyPolicyFits,
    "2,100 workload accounts listed one by one, whatever their names",
    (env) => (env.workloads = workloadsLike(env.workloads[0], 2100, "w".repeat(36))),
  ],
  [
    rules.keyPolicyFits,
    "5,000 workloads of a named organization",
    (env) => {
      env.workloads = workloadsLike(env.workloads[0], 5000);
      env.connectivity = "transit-gateway";
      env.transitGateway = {
        organizationArn: "arn:aws:organizations::111111111111:organization/o-abcdefghij",
      };
    },
  ],
];

describe("config rules", () => {
  it("each rule has a unique kebab-case name, and the list holds every exported rule", () => {
    const names = RULES.map((r) => r.name);
    assert.equal(new Set(names).size, names.length);
    for (const name of names) assert.match(name, /^[a-z]+(-[a-z]+)*$/);
    const exported = Object.values(rules).filter(
      (v): v is Rule => typeof v === "object" && v !== null && "check" in v && "name" in v,
    );
    assert.deepEqual(new Set(exported), new Set(RULES));
  });

  for (const rule of RULES) {
    it(`${rule.name}: accepts the shipped Pulumi.dev.yaml`, () => {
      assert.deepEqual(issuesOf(rule, devConfig()), []);
    });
    it(`${rule.name}: tolerates missing and mistyped fields`, () => {
      assert.deepEqual(issuesOf(rule, {}), []);
      assert.deepEqual(issuesOf(rule, undefined), []);
      const garbage = {
        environment: 7,
        central: "x",
        replicaRegion: null,
        workloads: [null, "x", { availabilityZones: [1, 2], vpcCidr: "10.0.0.1/16", database: 3 }],
      };
      assert.deepEqual(issuesOf(rule, garbage), []);
    });
  }

  for (const [rule, what, edit, path, advice] of violations) {
    it(`${rule.name}: refuses ${what}, naming ${path}`, () => {
      const issues = issuesOf(rule, edited(edit));
      assert.equal(issues.length, 1, JSON.stringify(issues));
      assert.equal(keyPath(issues[0].path), path);
      assert.match(issues[0].message, advice);
    });
  }

  for (const [rule, what, edit] of accepted) {
    it(`${rule.name}: accepts ${what}`, () => {
      assert.deepEqual(issuesOf(rule, edited(edit)), []);
    });
  }

  it("vpc-cidrs-disjoint: a later block names each earlier block it overlaps, containing or contained", () => {
    const issues = issuesOf(
      rules.vpcCidrsDisjoint,
      edited((env) => {
        env.workloads[0].vpcCidr = "10.0.64.0/18";
        env.workloads[2].vpcCidr = "10.0.0.0/16";
      }),
    );
    assert.deepEqual(
      issues.map((i) => `${keyPath(i.path)} ${i.message.split(";")[0]}`),
      [
        "secrets-hub:workloads[0].vpcCidr overlaps secrets-hub:central.vpcCidr (10.0.0.0/16)",
        "secrets-hub:workloads[2].vpcCidr overlaps secrets-hub:central.vpcCidr (10.0.0.0/16)",
        "secrets-hub:workloads[2].vpcCidr overlaps secrets-hub:workloads[0].vpcCidr (10.0.64.0/18)",
      ],
    );
  });

  it("vpc-cidrs-disjoint: reports exactly the overlapping pairs of 200 blocks, as comparing every pair does", () => {
    // Deterministic VPC blocks (/16 to /28) inside 10.0.0.0/10: nested, equal and disjoint ones.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const cidrs = Array.from({ length: 200 }, () => {
      const prefix = 16 + (next() % 13);
      const offset = ((next() % 2 ** 22) >>> (32 - prefix)) << (32 - prefix);
      const address = (10 << 24) + offset;
      return `${[24, 16, 8, 0].map((s) => (address >>> s) & 255).join(".")}/${prefix}`;
    });
    const env = environmentView({
      central: { vpcCidr: cidrs[0] },
      workloads: cidrs.slice(1).map((cidr) => ({ vpcCidr: cidr })),
    });
    const expected: string[] = [];
    const accounts = [env.central, ...env.workloads];
    for (let j = 0; j < accounts.length; j++) {
      for (let i = 0; i < j; i++) {
        if (cidrsOverlap(cidrs[i], cidrs[j])) {
          expected.push(`${keyPath(accounts[j].path)} ${keyPath(accounts[i].path)}`);
        }
      }
    }
    const got: string[] = [];
    rules.vpcCidrsDisjoint.check(env, (issue) =>
      got.push(
        `${keyPath(issue.path.slice(0, -1))} ${/^overlaps (\S+)\.vpcCidr/.exec(issue.message)![1]}`,
      ),
    );
    assert.ok(expected.length > 20, `only ${expected.length} overlapping pairs`);
    assert.deepEqual([...got].sort(), [...expected].sort());
  });

  it("checkEnvironment runs every rule and reports what each finds", () => {
    const issues: Issue[] = [];
    checkEnvironment(
      edited((env) => {
        env.replicaRegion = "us-east-1";
        env.workloads[2].name = "workload-a";
      }),
      (issue) => issues.push(issue),
    );
    assert.deepEqual(
      issues.map((i) => keyPath(i.path)),
      ["secrets-hub:replicaRegion", "secrets-hub:workloads[2].name"],
    );
  });
});
