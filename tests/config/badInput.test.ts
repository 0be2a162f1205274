// Bad inputs of issue 21 item 8, each refused in-process as the command lines refuse it: exit 2
// (scripts/lib/cli.ts `failure`), one line naming the key, flag or file and what is allowed.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { guardPolicies, readPolicyConfig } from "../../scripts/lib/policyConfigFile";
import { EXIT, failure } from "../../scripts/lib/cli";
import { environmentFromFile } from "../../src/config";
import { clip, quote } from "../../src/config/quote";
import { invalidUtf8Offset } from "../../src/config/textFile";
import { PolicyConfigError, reconcilePolicyConfig } from "../../src/policyConfig";
import { DEV_FILE, editedDevFile, tempDir } from "../harness";

/** What the command prints for the error of `run`: exit 2, and the printed lines. */
function refusal(run: () => unknown): string[] {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, "accepted");
  const { status, text } = failure(error);
  assert.equal(status, EXIT.invalid, text);
  assert.doesNotMatch(text, /^\s+at /m, "no stack trace");
  return text.split("\n");
}

/** The one printed line about `key`. */
function lineAbout(lines: string[], key: string): string {
  const about = lines.filter((l) => l.includes(key));
  assert.equal(about.length, 1, `one line about ${key} in\n${lines.join("\n")}`);
  return about[0];
}

describe("bad input: quoting a user value", () => {
  it("clips a value at 80 characters and says how long it was", () => {
    assert.equal(clip("x".repeat(80)), "x".repeat(80));
    assert.equal(clip("x".repeat(81)), `${"x".repeat(80)}…(81 characters)`);
    assert.equal(quote("a\nb"), '"a\\nb"');
    assert.equal(clip("a\nb"), "a\\nb", "one line");
  });

  it("a huge value in the environment file is quoted clipped, on one line", () => {
    const huge = `eu-${"west-".repeat(20000)}1`;
    const lines = refusal(() =>
      environmentFromFile(editedDevFile((c) => (c["secrets-hub:replicaRegion"] = huge))),
    );
    const line = lineAbout(lines, "secrets-hub:replicaRegion:");
    assert.match(line, /\(got "eu-west-west-.{60,}…\(100006 characters\)\)/);
    assert.ok(line.length < 400, `${line.length} characters`);
  });

  it("a huge unknown key is named clipped", () => {
    const lines = refusal(() =>
      environmentFromFile(editedDevFile((c) => (c[`secrets-hub:${"k".repeat(5000)}`] = 1))),
    );
    assert.match(lineAbout(lines, "unknown key"), /^ {2}- secrets-hub:k{80}…\(5000 characters\): /);
  });
});

describe("bad input: policy config", () => {
  let policies: Awaited<ReturnType<typeof guardPolicies>>;
  before(async () => {
    policies = await guardPolicies();
  });

  it("refuses a misspelt parameter, naming the policy's parameters and the closest", () => {
    const lines = refusal(() =>
      reconcilePolicyConfig(
        policies,
        { "rotation-interval-max": { maxRotationDay: 30 } },
        "policy.json",
      ),
    );
    assert.equal(lines[0], "policy.json: invalid policy configuration:");
    assert.equal(
      lineAbout(lines, "rotation-interval-max.maxRotationDay"),
      "  - rotation-interval-max.maxRotationDay: no such parameter (did you mean maxRotationDays?); parameters of rotation-interval-max: enforcementLevel, maxRotationDays",
    );
  });

  it("refuses a parameter of a policy that takes none", () => {
    const plain = policies.find((p) => Object.keys(p.configSchema?.properties ?? {}).length === 0)!;
    assert.throws(
      () => reconcilePolicyConfig(policies, { [plain.name]: { limit: 3 } }),
      (error: PolicyConfigError) => {
        assert.equal(
          `${error.problems[0].key}: ${error.problems[0].message}`,
          `${plain.name}.limit: no such parameter; ${plain.name} takes no parameters, only enforcementLevel`,
        );
        return true;
      },
    );
  });

  it("refuses a huge policy name, clipped", () => {
    const lines = refusal(() => reconcilePolicyConfig(policies, { ["p".repeat(300)]: "advisory" }));
    assert.match(lineAbout(lines, "no such policy"), /^ {2}- p{80}…\(300 characters\): /);
  });
});

describe("bad input: a file that is not UTF-8", () => {
  /** `text` written with `bytes` in place of the first `@`. */
  function fileWith(name: string, text: string, bytes: number[]): string {
    const file = path.join(tempDir(), name);
    const at = Buffer.from(text).indexOf("@");
    const data = Buffer.concat([
      Buffer.from(text).subarray(0, at),
      Buffer.from(bytes),
      Buffer.from(text).subarray(at + 1),
    ]);
    fs.writeFileSync(file, data);
    return file;
  }

  it("refuses an environment file saved as Latin-1, naming the file, the byte and its offset", () => {
    const dev = fs.readFileSync(DEV_FILE, "utf8");
    const text = dev.replace("config:", "config: # r@sume");
    const offset = Buffer.from(text).indexOf("@");
    const line = text.slice(0, text.indexOf("@")).split("\n").length;
    const file = fileWith("Pulumi.latin1.yaml", text, [0xe9]);
    assert.deepEqual(
      refusal(() => environmentFromFile(file)),
      [
        `${file}: is not UTF-8 text: byte 0xE9 at offset ${offset} (line ${line}) is not valid UTF-8; save the file as UTF-8 (the Pulumi CLI refuses any other encoding)`,
      ],
    );
  });

  it("refuses a --policy-config file that is not UTF-8, naming the flag", () => {
    const file = fileWith("policy.json", '{"kms-key-rotation": "adv@sory"}', [0xff]);
    const [line, ...more] = refusal(() => readPolicyConfig(file));
    assert.deepEqual(more, []);
    assert.match(
      line,
      /^--policy-config .*policy\.json: is not UTF-8 text: byte 0xFF at offset 25 \(line 1\)/,
    );
  });

  it("finds the first malformed sequence as TextDecoder bounds it", () => {
    const at = (...bytes: number[]) => invalidUtf8Offset(Uint8Array.from(bytes));
    assert.equal(at(0x61, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80), undefined, "é and an emoji");
    assert.equal(at(0xef, 0xbb, 0xbf, 0x61), undefined, "a byte order mark");
    assert.equal(at(0x61, 0xc3), 1, "cut short at the end");
    assert.equal(at(0x61, 0xc3, 0x41), 1, "a lead byte without its continuation");
    assert.equal(at(0xc0, 0xaf), 0, "an overlong form");
    assert.equal(at(0x61, 0xed, 0xa0, 0x80), 1, "a UTF-16 surrogate");
    assert.equal(at(0x61, 0x62, 0x80), 2, "a stray continuation byte");
    assert.equal(at(0xf4, 0x90, 0x80, 0x80), 0, "beyond U+10FFFF");
    // And it agrees with the decoder on random bytes (biased towards multi-byte forms).
    for (let n = 0; n < 3000; n++) {
      const bytes = Uint8Array.from({ length: 6 }, () =>
        Math.random() < 0.5
          ? 0x80 + Math.floor(Math.random() * 0x80)
          : Math.floor(Math.random() * 256),
      );
      let valid = true;
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        valid = false;
      }
      assert.equal(
        invalidUtf8Offset(bytes) === undefined,
        valid,
        Buffer.from(bytes).toString("hex"),
      );
    }
  });
});

describe("bad input: adoption", () => {
  const ADOPT_FILE = path.join(__dirname, "..", "..", "Pulumi.adopt.yaml");
  const W = "secrets-hub:workloads";
  const ORDERS_HOST = "orders-prod.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com";

  /** The printed lines for the adopt file with `edit` applied: exit 2. */
  const refusedAdopt = (edit: (workloads: any[], config: Record<string, any>) => void) =>
    refusal(() => environmentFromFile(editedDevFile((c) => edit(c[W], c), ADOPT_FILE)));

  /** A VPC of its own for catalog (workload 1), with the given id. */
  const catalogVpc = (vpcId: string) => ({
    vpcId,
    privateRouteTableIds: ["rtb-0b1b2c3d4e5f60718"],
    subnets: [
      { id: "subnet-0b1b2c3d4e5f60718", cidr: "10.21.1.0/24" },
      { id: "subnet-0b1b2c3d4e5f60719", cidr: "10.21.2.0/24" },
    ],
  });

  it("accepts the shipped adopt file", () => {
    assert.doesNotThrow(() => environmentFromFile(ADOPT_FILE));
  });

  const cases: [string, (w: any[], c: Record<string, any>) => void, string, string][] = [
    [
      "the same route table twice",
      (w) =>
        (w[0].existingVpc.privateRouteTableIds = [
          "rtb-0a1b2c3d4e5f60718",
          "rtb-0a1b2c3d4e5f60718",
        ]),
      `${W}[0].existingVpc.privateRouteTableIds[1]:`,
      `${W}[0].existingVpc.privateRouteTableIds[1]: repeats ${W}[0].existingVpc.privateRouteTableIds[0]; list each route table once (AWS refuses a second route to the same peer in one table) (got "rtb-0a1b2c3d4e5f60718")`,
    ],
    [
      "the same subnet twice",
      (w) => (w[0].existingVpc.subnets[1].id = w[0].existingVpc.subnets[0].id),
      `${W}[0].existingVpc.subnets[1].id:`,
      `${W}[0].existingVpc.subnets[1].id: repeats ${W}[0].existingVpc.subnets[0].id; each availability zone has its own subnet, listed once (got "subnet-0a1b2c3d4e5f60718")`,
    ],
    [
      "two workloads on one existing VPC",
      (w) => (w[1].existingVpc = catalogVpc("vpc-0a1b2c3d4e5f60718")),
      `${W}[1].existingVpc.vpcId:`,
      `${W}[1].existingVpc.vpcId: is also ${W}[0].existingVpc.vpcId; each account (central and every workload) has a VPC of its own: central peers with each one, and AWS refuses a peering of a VPC with itself or a second peering of the same two VPCs (got "vpc-0a1b2c3d4e5f60718")`,
    ],
    [
      "central and a workload on one existing VPC",
      (_, c) => {
        c["secrets-hub:central"].existingVpc = {
          ...catalogVpc("vpc-0a1b2c3d4e5f60718"),
          subnets: [
            { id: "subnet-0c1b2c3d4e5f60718", cidr: "10.0.1.0/24" },
            { id: "subnet-0c1b2c3d4e5f60719", cidr: "10.0.2.0/24" },
          ],
        };
      },
      `${W}[0].existingVpc.vpcId:`,
      `${W}[0].existingVpc.vpcId: is also secrets-hub:central.existingVpc.vpcId;`,
    ],
    ...(
      [
        [
          `postgres://${ORDERS_HOST}:5432/orders`,
          "the scheme postgres://, the port (give it as existing.port: 5432), the path /orders",
        ],
        [`https://${ORDERS_HOST}`, "the scheme https://"],
        [`${ORDERS_HOST}:5432`, "the port (give it as existing.port: 5432)"],
        [`${ORDERS_HOST}/orders`, "the path /orders"],
        [`admin@${ORDERS_HOST}`, "the user name"],
      ] as const
    ).map(([host, drop]): [string, (w: any[]) => void, string, string] => [
      `a host written as ${host}`,
      (w) => (w[0].database.existing.host = host),
      `${W}[0].database.existing.host:`,
      `${W}[0].database.existing.host: must be the database's host name alone, not a URL: drop ${drop}; did you mean ${ORDERS_HOST}? (got ${JSON.stringify(host)})`,
    ]),
    [
      "a host that is no DNS name",
      (w) => (w[0].database.existing.host = "orders_prod.example.com"),
      `${W}[0].database.existing.host:`,
      `${W}[0].database.existing.host: must be a DNS host name: labels of letters, digits and hyphens separated by dots, at most 253 characters, such as orders.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com (got "orders_prod.example.com")`,
    ],
    ...(
      [
        ["instanceClass", "db.r6g.large"],
        ["allocatedStorage", 100],
        ["multiAz", true],
        ["engineVersion", "16"],
        ["backupRetentionDays", 14],
        ["extendedSupport", true],
        ["instances", 2],
      ] as const
    ).map(([key, value]): [string, (w: any[]) => void, string, string] => [
      `${key} with an existing database`,
      (w) => (w[0].database[key] = value),
      `${W}[0].database.${key}:`,
      `${W}[0].database.${key}: does not apply with ${W}[0].database.existing: the adopted database keeps its own settings (change them in RDS); remove it. Only a created database takes engineVersion, instanceClass, instances, allocatedStorage, multiAz, backupRetentionDays, extendedSupport (got ${JSON.stringify(value)})`,
    ]),
  ];
  for (const [what, edit, key, line] of cases) {
    it(`refuses ${what}: exit 2, one line naming ${key.slice(0, -1)}`, () => {
      const lines = refusedAdopt(edit);
      const about = lineAbout(lines, key);
      assert.ok(about.startsWith(`  - ${line}`), `${about}\n!=\n  - ${line}`);
    });
  }
});

describe("bad input: the names multi-user rotation derives", () => {
  const ADOPT_FILE = path.join(__dirname, "..", "..", "Pulumi.adopt.yaml");
  const W = "secrets-hub:workloads";
  /** catalog (workload 1) is multi-user MySQL: admin catalog_admin, application catalog_rw. */
  const refusedCatalog = (edit: (db: Record<string, any>, workloads: any[]) => void) =>
    refusal(() =>
      environmentFromFile(editedDevFile((c) => edit(c[W][1].database, c[W]), ADOPT_FILE)),
    );

  it("an application user whose clone is the admin user", () => {
    const lines = refusedCatalog((db) => {
      db.username = "app_clone";
      db.applicationUsername = "app";
    });
    assert.match(
      lineAbout(lines, "applicationUsername"),
      /secrets-hub:workloads\[1\]\.database\.applicationUsername: makes the clone app_clone, which is the admin user secrets-hub:workloads\[1\]\.database\.username: .* \(got "app"\)/,
    );
  });

  it("an application user RDS reserves", () => {
    const lines = refusedCatalog((db) => (db.applicationUsername = "rdsadmin"));
    assert.match(
      lineAbout(lines, "applicationUsername"),
      /applicationUsername: is reserved by RDS for mysql; allowed: any other name \(reserved: rdsadmin\)/,
    );
  });

  it("a master secret name past 512 characters, or another secret's name", () => {
    const long = `adopt/${"c".repeat(500)}`;
    assert.match(
      lineAbout(
        refusedCatalog((db) => (db.secretName = long)),
        "secretName",
      ),
      /secretName: makes the master secret adopt\/c+… 513 characters; Secrets Manager allows at most 512: shorten it by 1/,
    );
    const lines = refusedCatalog(
      (_db, w) => (w[0].database.secretName = "adopt/catalog/catalog-db/master"),
    );
    assert.match(
      lineAbout(lines, "makes the master secret"),
      /secrets-hub:workloads\[1\]\.database\.secretName: makes the master secret adopt\/catalog\/catalog-db\/master, which is secrets-hub:workloads\[0\]\.database\.secretName: rename one of them/,
    );
  });
});
