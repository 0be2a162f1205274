import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import YAML from "yaml";
import { cidrsOverlap } from "../../policy-pack/lib/cidr";
import { keyPath } from "../../src/config";
import * as rules from "../../src/config/rules";
import {
  AccountView,
  EnvironmentView,
  Issue,
  RULES,
  Rule,
  checkEnvironment,
  environmentView,
} from "../../src/config/rules";
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
];

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

  it("vpc-cidrs-disjoint: reports exactly the overlapping pairs of 400 blocks, as comparing every pair does", () => {
    // Deterministic VPC blocks (/16 to /28) inside 10.0.0.0/10: nested, equal and disjoint ones.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const cidrs = Array.from({ length: 400 }, () => {
      const prefix = 16 + (next() % 13);
      const offset = ((next() % 2 ** 22) >>> (32 - prefix)) << (32 - prefix);
      const address = (10 << 24) + offset;
      return `${[24, 16, 8, 0].map((s) => (address >>> s) & 255).join(".")}/${prefix}`;
    });
    const account = (cidr: string, path: (string | number)[]): AccountView => ({
      path,
      vpcCidr: cidr,
      availabilityZones: [],
    });
    const env: EnvironmentView = {
      central: account(cidrs[0], ["central"]),
      workloads: cidrs.slice(1).map((cidr, i) => ({
        ...account(cidr, ["workloads", i]),
        database: { existing: false },
      })),
    };
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
    assert.ok(expected.length > 100, `only ${expected.length} overlapping pairs`);
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
