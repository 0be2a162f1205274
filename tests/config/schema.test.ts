import * as assert from "node:assert/strict";
import * as path from "node:path";
import {
  CONFIG_KEYS,
  ConfigError,
  environmentFromFile,
  environmentSchema,
  parseEnvironment,
} from "../../src/config";
import { environmentFromPulumiConfig } from "../../src/config/pulumiConfig";
import { DEV_FILE, devEnvironment, editedDevFile } from "../harness";
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { PROJECT } from "../../src/config";
import { StackRunError, runStack } from "../../src/offline/runStack";
import type { Environment } from "../../src/config";

function problemsOf(edit: (config: Record<string, any>) => void): string[] {
  const file = editedDevFile(edit);
  try {
    environmentFromFile(file);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("the edited environment was accepted");
}

function assertRejects(
  edit: (config: Record<string, any>) => void,
  keyPath: string,
  allowed: RegExp,
): void {
  const problems = problemsOf(edit);
  const line = problems.find((p) => p.startsWith(`${keyPath}:`));
  assert.ok(line, `no problem names ${keyPath}; got:\n${problems.join("\n")}`);
  assert.match(line, allowed);
}

/** Hands the program a file's config as the CLI does (strings, structured values as JSON). */
function setConfigOf(file: string): void {
  const document = YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries(document.config).map(([k, v]) => [
        k,
        typeof v === "string" ? v : JSON.stringify(v),
      ]),
    ),
  );
}

/** Sets a file's config as the CLI does and returns index.ts's entry. */
async function entryWithConfigOf(file: string): Promise<() => Promise<Record<string, unknown>>> {
  setConfigOf(file);
  return (await import("../../index")).default as unknown as () => Promise<Record<string, unknown>>;
}

describe("config schema", () => {
  it("accepts the shipped Pulumi.dev.yaml and freezes it", () => {
    const env = environmentFromFile(DEV_FILE);
    assert.equal(env.environment, "dev");
    assert.deepEqual(
      env.workloads.map((w) => w.name),
      ["workload-a", "workload-b", "workload-c"],
    );
    assert.equal(env.key.deletionWindowInDays, 30);
    assert.ok(Object.isFrozen(env) && Object.isFrozen(env.workloads[0].databases[0]));
  });

  const central = "secrets-hub:central";
  const w0 = "secrets-hub:workloads[0]";
  const cases: [string, (c: Record<string, any>) => void, string, RegExp][] = [
    [
      "a 13-digit account id",
      (c) => (c[central].accountId = "1111111111111"),
      `${central}.accountId`,
      /12-digit/,
    ],
    [
      "an account id with letters",
      (c) => (c["secrets-hub:workloads"][0].accountId = "22222222222x"),
      `${w0}.accountId`,
      /12-digit/,
    ],
    [
      "a bad region name",
      (c) => (c[central].region = "us-east"),
      `${central}.region`,
      /region name/,
    ],
    [
      "a bad CIDR",
      (c) => (c["secrets-hub:workloads"][0].vpcCidr = "10.1.0.0/33"),
      `${w0}.vpcCidr`,
      /\/16 to \/28/,
    ],
    [
      "a CIDR that is not a network address",
      (c) => (c[central].vpcCidr = "10.0.0.1/16"),
      `${central}.vpcCidr`,
      /IPv4 CIDR/,
    ],
    [
      "a 400-day number schedule",
      (c) => (c["secrets-hub:rotation"].schedule = 1001),
      "secrets-hub:rotation.schedule",
      /1 to 1000/,
    ],
    [
      "a malformed rate()",
      (c) => (c["secrets-hub:rotation"].schedule = "rate(30 weeks)"),
      "secrets-hub:rotation.schedule",
      /rate\(N days\)/,
    ],
    [
      "a cron() with 5 fields",
      (c) => (c["secrets-hub:rotation"].schedule = "cron(0 4 1 * ?)"),
      "secrets-hub:rotation.schedule",
      /6 fields/,
    ],
    [
      "a deletion window of 5 days",
      (c) => (c["secrets-hub:key"].deletionWindowInDays = 5),
      "secrets-hub:key.deletionWindowInDays",
      /7 to 30/,
    ],
    [
      "a key rotation period of 60 days",
      (c) => (c["secrets-hub:key"].rotationPeriodInDays = 60),
      "secrets-hub:key.rotationPeriodInDays",
      /90 to 2560/,
    ],
    [
      "a secret name with a space",
      (c) => (c["secrets-hub:workloads"][0].database.secretName = "dev/orders db"),
      `${w0}.database.secretName`,
      /A-Za-z0-9\/_\+=\.@-/,
    ],
    [
      "a replica region equal to the primary",
      (c) => (c["secrets-hub:replicaRegion"] = "us-east-1"),
      "secrets-hub:replicaRegion",
      /must differ/,
    ],
    [
      "an unknown engine",
      (c) => (c["secrets-hub:workloads"][0].database.engine = "oracle"),
      `${w0}.database.engine`,
      /postgres, mysql/,
    ],
    [
      "a workload name that breaks stack names",
      (c) => (c["secrets-hub:workloads"][0].name = "Workload_A"),
      `${w0}.name`,
      /lower-case/,
    ],
    [
      "a zone of another region",
      (c) => (c[central].availabilityZones = ["us-east-1a", "us-west-2b"]),
      `${central}.availabilityZones[1]`,
      /zone of us-east-1/,
    ],
    [
      "a single availability zone",
      (c) => (c[central].availabilityZones = ["us-east-1a"]),
      `${central}.availabilityZones`,
      /at least 2/,
    ],
    [
      "a missing rotation version",
      (c) => delete c["secrets-hub:rotation"].applicationVersion,
      "secrets-hub:rotation.applicationVersion",
      /required/,
    ],
    [
      "an unpinned rotation version",
      (c) => (c["secrets-hub:rotation"].applicationVersion = "latest"),
      "secrets-hub:rotation.applicationVersion",
      /pinned/,
    ],
    [
      "an unknown key",
      (c) => (c["secrets-hub:replicaRegon"] = "us-west-2"),
      "secrets-hub:replicaRegon",
      /unknown key; allowed: .*secrets-hub:replicaRegion/,
    ],
    [
      "a tag key beginning with aws:",
      (c) => (c["secrets-hub:tags"] = { "AWS:owner": "team" }),
      "secrets-hub:tags.AWS:owner",
      /must not begin with aws: \(reserved for AWS\) \(got "AWS:owner"\)$/,
    ],
    [
      "a tag key of 129 characters",
      (c) => (c["secrets-hub:tags"] = { ["k".repeat(129)]: "v" }),
      `secrets-hub:tags.${"k".repeat(129)}`,
      /a tag key must be 1 to 128 characters/,
    ],
    [
      "a tag value of 257 characters",
      (c) => (c["secrets-hub:tags"] = { owner: "v".repeat(257) }),
      "secrets-hub:tags.owner",
      /a tag value must be at most 256 characters/,
    ],
    [
      "a tag value with a character AWS refuses",
      (c) => (c["secrets-hub:tags"] = { owner: "team#1" }),
      "secrets-hub:tags.owner",
      /may contain only letters, digits, spaces and \+ - = \. _ : \/ @ \(got "team#1"\)$/,
    ],
    [
      "47 tags (51 with the program's own)",
      (c) =>
        (c["secrets-hub:tags"] = Object.fromEntries(
          Array.from({ length: 47 }, (_, i) => [`tag${i}`, "v"]),
        )),
      "secrets-hub:tags",
      /^secrets-hub:tags: with the 4 tags the program adds \(secrets-hub:environment, secrets-hub:workload, Name, tier\) a resource would carry 51 tags; AWS allows at most 50: keep at most 46 \(got 47\)$/,
    ],
    [
      "1,001 summary prefixes (each a route in every central route table)",
      (c) => {
        c["secrets-hub:connectivity"] = "transit-gateway";
        c["secrets-hub:transitGateway"] = {
          summaryPrefixes: Array.from(
            { length: 1001 },
            (_, i) => `172.${16 + Math.floor(i / 256)}.${i % 256}.0/24`,
          ),
        };
      },
      "secrets-hub:transitGateway.summaryPrefixes",
      /allows at most 1000 prefixes \(each is a route in every central route table: AWS grants at most 1000 "Routes per route table", vpc L-93826ACB\)$/,
    ],
    [
      "a cron() that does not start on the hour",
      (c) => (c["secrets-hub:rotation"].schedule = "cron(30 4 ? * SUN *)"),
      "secrets-hub:rotation.schedule",
      /minutes field must be 0/,
    ],
    [
      "a cron() limited to one year",
      (c) => (c["secrets-hub:rotation"].schedule = "cron(0 4 ? * SUN 2030)"),
      "secrets-hub:rotation.schedule",
      /year field must be \*/,
    ],
    [
      "a cron() every 2 hours",
      (c) => (c["secrets-hub:rotation"].schedule = "cron(0 0/2 * * ? *)"),
      "secrets-hub:rotation.schedule",
      /rotates 2 hour\(s\) apart; Secrets Manager rotates at most every 4 hours/,
    ],
    [
      "a cron() at 22:00 and midnight, every day (2 hours apart)",
      (c) => (c["secrets-hub:rotation"].schedule = "cron(0 0,22 * * ? *)"),
      "secrets-hub:rotation.schedule",
      /rotates 2 hour\(s\) apart/,
    ],
    [
      "a 6h window of rate(4 hours)",
      (c) => {
        c["secrets-hub:rotation"].schedule = "rate(4 hours)";
        c["secrets-hub:rotation"].duration = "6h";
      },
      "secrets-hub:rotation.duration",
      /allowed: 1h to 4h \(got "6h"\)$/,
    ],
    [
      "a 3h window opening at 22:00",
      (c) => (c["secrets-hub:rotation"].schedule = "cron(0 22 * * ? *)"),
      "secrets-hub:rotation.duration",
      /passes into the next UTC day; allowed: 1h to 2h \(got "3h"\)$/,
    ],
    [
      "a 30-character environment name",
      (c) => (c["secrets-hub:environment"] = "e".repeat(30)),
      "secrets-hub:environment",
      /Lambda function name .* over AWS's limit of 64; use an environment name of at most 27 characters/,
    ],
    [
      "a 17-character MySQL master user name",
      (c) => (c["secrets-hub:workloads"][1].database.username = "catalog_admin_xyz"),
      "secrets-hub:workloads[1].database.username",
      /at most 16 \(got "catalog_admin_xyz"\)$/,
    ],
    [
      "an arn:aws deploy role for a cn- Region",
      (c) => {
        c[central].region = "cn-north-1";
        c[central].availabilityZones = ["cn-north-1a", "cn-north-1b"];
      },
      `${central}.deployRoleArn`,
      /partition aws, .* write arn:aws-cn:iam::<account>:role\/<name>/,
    ],
    [
      "a replica Region of another partition",
      (c) => (c["secrets-hub:replicaRegion"] = "us-gov-west-1"),
      "secrets-hub:replicaRegion",
      /is in partition aws-us-gov/,
    ],
    [
      "default providers left on",
      (c) => delete c["pulumi:disable-default-providers"],
      "pulumi:disable-default-providers",
      /"\*"/,
    ],
  ];
  for (const [what, edit, key, allowed] of cases) {
    it(`rejects ${what}, naming ${key}`, () => assertRejects(edit, key, allowed));
  }

  it("requires what Pulumi.yaml declares without a default, as the CLI does", () => {
    assertRejects(
      (c) => delete c["secrets-hub:key"],
      "secrets-hub:key",
      /declared in Pulumi.yaml without a default/,
    );
    const file = editedDevFile((c) => delete c["secrets-hub:protectStatefulResources"]);
    assert.equal(environmentFromFile(file).protectStatefulResources, true);
  });

  it("declares every key in Pulumi.yaml, with the schema's defaults", () => {
    const project = YAML.parse(
      fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.yaml"), "utf8"),
    ) as { config: Record<string, { default?: unknown }> };
    assert.deepEqual(
      Object.keys(project.config).sort(),
      CONFIG_KEYS.map((k) => `secrets-hub:${k}`).sort(),
    );
    const declared = Object.entries(project.config).filter(([, spec]) => "default" in spec);
    assert.ok(declared.length > 0);
    for (const [key, spec] of declared) {
      const field = environmentSchema.shape[key.slice("secrets-hub:".length) as keyof Environment];
      assert.deepEqual(field.parse(undefined), spec.default, key);
    }
  });

  it("defaults an absent object to its fields' defaults", () => {
    const env = environmentFromFile(
      editedDevFile((c) => {
        c["secrets-hub:key"] = {};
        delete c["secrets-hub:workloads"][0].applicationRole;
      }),
    );
    assert.deepEqual(env.key, { deletionWindowInDays: 30, rotationPeriodInDays: 365 });
    assert.deepEqual(env.workloads[0].readers, [
      { name: "app", trustedServices: ["ec2.amazonaws.com"], reads: ["database"], shorthand: true },
    ]);
    assert.deepEqual(environmentSchema.shape.key.parse(undefined), env.key);
  });

  it("runs the same gate under pulumi up: default providers and required keys", () => {
    try {
      setConfigOf(
        editedDevFile((c) => {
          delete c["pulumi:disable-default-providers"];
          delete c["secrets-hub:key"];
        }),
      );
      assert.throws(environmentFromPulumiConfig, (error: ConfigError) => {
        assert.ok(error instanceof ConfigError);
        assert.ok(error.problems.some((p) => p.startsWith("pulumi:disable-default-providers:")));
        assert.ok(error.problems.some((p) => p.startsWith("secrets-hub:key: is required")));
        return true;
      });
      setConfigOf(DEV_FILE);
      assert.equal(environmentFromPulumiConfig().environment, "dev");
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  });

  it("rejects names that would make AWS names too long or invalid", () => {
    assertRejects(
      (c) => (c["secrets-hub:workloads"][0].name = "w".repeat(60)),
      `${w0}.name`,
      /longer than 64 characters/,
    );
    assertRejects(
      (c) => (c["secrets-hub:workloads"][0].database.dbName = "orders__db"),
      `${w0}.database.dbName`,
      /RDS identifier dev-workload-a-orders--db invalid/,
    );
  });

  it("rejects overlapping CIDRs, naming both keys", () => {
    assertRejects(
      (c) => (c["secrets-hub:workloads"][1].vpcCidr = "10.1.128.0/17"),
      "secrets-hub:workloads[1].vpcCidr",
      /overlaps secrets-hub:workloads\[0\]\.vpcCidr/,
    );
  });

  it("rejects duplicate account ids and workload names", () => {
    const problems = problemsOf((c) => {
      c["secrets-hub:workloads"][2].accountId = "222222222222";
      c["secrets-hub:workloads"][2].name = "workload-a";
    });
    assert.ok(
      problems.some((p) =>
        p.startsWith(
          "secrets-hub:workloads[2].accountId: repeats secrets-hub:workloads[0].accountId",
        ),
      ),
    );
    assert.ok(problems.some((p) => p.startsWith("secrets-hub:workloads[2].name: repeats")));
  });

  it("reports every problem of a file in one error (overlap, 13-digit id, replica region)", () => {
    const problems = problemsOf((c) => {
      c["secrets-hub:workloads"][1].vpcCidr = "10.1.0.0/16";
      c["secrets-hub:workloads"][2].accountId = "4444444444444";
      c["secrets-hub:replicaRegion"] = "us-east-1";
    });
    assert.equal(problems.length, 3, problems.join("\n"));
    assert.ok(problems.some((p) => p.startsWith("secrets-hub:workloads[1].vpcCidr:")));
    assert.ok(
      problems.some(
        (p) => p.startsWith("secrets-hub:workloads[2].accountId:") && p.includes('"4444444444444"'),
      ),
    );
    assert.ok(problems.some((p) => p.startsWith("secrets-hub:replicaRegion:")));
  });

  it("accepts rate(), cron() and day-count schedules", () => {
    for (const schedule of ["rate(1 day)", "rate(12 hours)", "cron(0 4 ? * SUN *)", 30]) {
      const file = editedDevFile((c) => (c["secrets-hub:rotation"].schedule = schedule));
      assert.doesNotThrow(() => environmentFromFile(file), String(schedule));
    }
  });

  it("accepts 46 tags of AWS's characters, unicode letters included", () => {
    const file = editedDevFile(
      (c) =>
        (c["secrets-hub:tags"] = {
          ...Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`tag${i}`, "v"])),
          "Équipe/owner": "données + sécurité @ 2026",
        }),
    );
    assert.equal(Object.keys(environmentFromFile(file).tags).length, 46);
  });

  it("accepts a cron() every 12 hours with a 12h window", () => {
    const file = editedDevFile((c) => {
      c["secrets-hub:rotation"].schedule = "cron(0 4/12 * * ? *)";
      c["secrets-hub:rotation"].duration = "12h";
    });
    assert.doesNotThrow(() => environmentFromFile(file));
  });

  it("reads unquoted account ids as their digits", () => {
    const file = editedDevFile((c) => (c["secrets-hub:central"].accountId = 111111111111));
    assert.equal(environmentFromFile(file).central.accountId, "111111111111");
  });

  it("rejects an empty configuration with every required key named", () => {
    assert.throws(
      () => parseEnvironment({}),
      (error: ConfigError) => {
        for (const key of ["environment", "central", "workloads", "replicaRegion", "rotation"]) {
          assert.ok(
            error.problems.some((p) => p.startsWith(`secrets-hub:${key}: is required`)),
            key,
          );
        }
        return true;
      },
    );
  });

  it("stops the real entry point (index.ts) before any resource when the file is invalid", async () => {
    const file = editedDevFile((c) => (c["secrets-hub:central"].accountId = "1111111111111"));
    const entry = await entryWithConfigOf(file);
    try {
      const failure = await runStack({
        project: PROJECT,
        stack: "dev-central",
        peers: new Map(),
        program: entry,
      }).then(
        () => assert.fail("the invalid environment was deployed"),
        (error: unknown) => error as StackRunError,
      );
      assert.ok(failure instanceof StackRunError, String((failure as Error)?.stack ?? failure));
      assert.match(
        failure.message,
        /secrets-hub:central\.accountId: must be a 12-digit AWS account id/,
      );
      assert.deepEqual(
        failure.resources.filter((r) => r.type !== "pulumi:pulumi:Stack"),
        [],
      );
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  });

  it("runs the shipped environment through the real entry point", async () => {
    const entry = await entryWithConfigOf(DEV_FILE);
    try {
      const run = await runStack({
        project: PROJECT,
        stack: "dev-workload-a",
        peers: new Map(),
        program: entry,
      });
      assert.equal(run.outputs.accountId, "222222222222");
      assert.equal(run.resources.filter((r) => r.type === "aws:ec2/vpc:Vpc").length, 1);
    } finally {
      pulumi.runtime.setAllConfig({});
    }
  });
});

describe("config for rotation, alerts, analyzers and adopted resources", () => {
  it("refuses rotation applications older than the first on a supported Lambda runtime, saying why", () =>
    assertRejects(
      (c) => (c["secrets-hub:rotation"].applicationVersion = "1.1.305"),
      "secrets-hub:rotation.applicationVersion",
      /1\.1\.671 or later: .*Python 3\.10 or older.*Lambda no longer creates functions/,
    ));

  it("accepts alerts to e-mail addresses or to an existing topic, never both", () => {
    assert.doesNotThrow(() =>
      environmentFromFile(
        editedDevFile((c) => (c["secrets-hub:alerts"] = { emails: ["team@example.com"] })),
      ),
    );
    assertRejects(
      (c) =>
        (c["secrets-hub:alerts"] = {
          emails: ["team@example.com"],
          topicArn: "arn:aws:sns:us-east-1:111111111111:alerts",
        }),
      "secrets-hub:alerts",
      /set emails .* or topicArn .*, not both/,
    );
    assertRejects(
      (c) => (c["secrets-hub:alerts"] = { emails: ["not-an-address"] }),
      "secrets-hub:alerts.emails[0]",
      /must be an e-mail address/,
    );
  });

  it("takes create, none or an existing analyzer's ARN for Access Analyzer", () => {
    const arn = "arn:aws:access-analyzer:us-east-1:111111111111:analyzer/org-baseline";
    const env = environmentFromFile(editedDevFile((c) => (c["secrets-hub:accessAnalyzer"] = arn)));
    assert.equal(env.accessAnalyzer, arn);
    assert.equal(devEnvironment().accessAnalyzer, "create");
    assertRejects(
      (c) => (c["secrets-hub:accessAnalyzer"] = "org"),
      "secrets-hub:accessAnalyzer",
      /must be create .*, none, or the ARN of an existing analyzer/,
    );
  });

  it("keeps RDS Extended Support off unless asked, and bounds backup retention", () => {
    assert.equal(devEnvironment().workloads[1].databases[0].extendedSupport, false);
    assertRejects(
      (c) => (c["secrets-hub:workloads"][0].database.backupRetentionDays = 0),
      "secrets-hub:workloads[0].database.backupRetentionDays",
      /from 1 to 35/,
    );
  });
});

describe("per-workload secret settings", () => {
  it("checks a workload's own rotation window against its schedule", () =>
    assertRejects(
      (c) => (c["secrets-hub:workloads"][0].secret = { schedule: "rate(4 hours)", duration: "6h" }),
      "secrets-hub:workloads[0].secret.duration",
      /a 6h window reaches the next rotation window of rate\(4 hours\).*allowed: 1h to 4h/,
    ));

  it("accepts a workload's own schedule, description and tags", () => {
    const env = environmentFromFile(
      editedDevFile(
        (c) =>
          (c["secrets-hub:workloads"][0].secret = {
            schedule: "rate(7 days)",
            description: "orders",
            tags: { team: "orders" },
          }),
      ),
    );
    assert.equal(env.workloads[0].secret.schedule, "rate(7 days)");
    assert.deepEqual(env.workloads[1].secret, {});
  });
});
