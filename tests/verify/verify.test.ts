// npm run verify (src/verify): every check healthy and unhealthy, throttling, access denied
// and the credential check, against the AWS SDK's clients mocked with aws-sdk-client-mock.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { AccessAnalyzerClient, ListFindingsV2Command } from "@aws-sdk/client-accessanalyzer";
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  DescribeTransitGatewayAttachmentsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcPeeringConnectionsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import {
  DescribeSecretCommand,
  type DescribeSecretResponse,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { Environment, environmentFromFile } from "../../src/config";
import { rotationFunctionName } from "../../src/names";
import { CHECKS, CheckId, Finding, exitStatus, verifyEnvironment } from "../../src/verify";
import { CredentialsError, accountSessions } from "../../src/verify/credentials";
import { DEV_FILE, editedDevFile, runScript } from "../harness";

// The SDK's notice about Node.js 20 is not what these tests are about (scripts/verify.ts).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const NOW = new Date("2026-12-01T12:00:00Z");
const ADOPT_FILE = path.join(__dirname, "..", "..", "Pulumi.adopt.yaml");
const KEY = "arn:aws:kms:us-east-1:111111111111:key/mrk-1234";

const sm = mockClient(SecretsManagerClient);
const ec2 = mockClient(EC2Client);
const cw = mockClient(CloudWatchClient);
const aa = mockClient(AccessAnalyzerClient);
const sts = mockClient(STSClient);

const error = (name: string, message = name) => Object.assign(new Error(message), { name });

function healthySecret(name: string): DescribeSecretResponse {
  return {
    ARN: `arn:aws:secretsmanager:us-east-1:111111111111:secret:${name}-AbCdEf`,
    Name: name,
    KmsKeyId: KEY,
    RotationEnabled: true,
    LastRotatedDate: new Date("2026-11-30T10:00:00Z"),
    NextRotationDate: new Date("2026-12-30T10:00:00Z"),
    VersionIdsToStages: { v1: ["SECRETS_HUB_INITIAL"], v2: ["AWSCURRENT"], v0: ["AWSPREVIOUS"] },
    ReplicationStatus: [{ Region: "us-west-2", Status: "InSync" }],
  };
}

/** Every read answers as a healthy deployment of `env` would. */
function healthy(env: Environment) {
  for (const m of [sm, ec2, cw, aa, sts]) m.reset();
  sm.on(DescribeSecretCommand).callsFake((input: { SecretId: string }) =>
    healthySecret(input.SecretId),
  );
  ec2.on(DescribeVpcPeeringConnectionsCommand).callsFake((input) => {
    const owner = input.Filters.find(
      (f: { Name: string }) => f.Name === "accepter-vpc-info.owner-id",
    ).Values[0];
    return {
      VpcPeeringConnections: [
        { VpcPeeringConnectionId: `pcx-${owner}`, Status: { Code: "active" } },
      ],
    };
  });
  ec2.on(DescribeTransitGatewayAttachmentsCommand).callsFake((input) => {
    const owner = input.Filters.find((f: { Name: string }) => f.Name === "resource-owner-id")
      .Values[0];
    return {
      TransitGatewayAttachments: [
        { TransitGatewayAttachmentId: `tgw-attach-${owner}`, State: "available" },
      ],
    };
  });
  ec2.on(DescribeVpcEndpointsCommand).resolves({
    VpcEndpoints: [{ VpcEndpointId: "vpce-0abc", State: "Available", PrivateDnsEnabled: true }],
  });
  cw.on(GetMetricDataCommand).callsFake((input) => ({
    MetricDataResults: input.MetricDataQueries.map((q: { Id: string }) => ({
      Id: q.Id,
      Values: [0],
    })),
  }));
  cw.on(DescribeAlarmsCommand).callsFake((input) => ({
    MetricAlarms: input.AlarmNames.map((n: string) => ({ AlarmName: n, StateValue: "OK" })),
  }));
  aa.on(ListFindingsV2Command).resolves({ findings: [] });
  return env;
}

const SESSIONS = (env: Environment) => [
  { account: "central", accountId: env.central.accountId, region: env.central.region },
  ...env.workloads.map((w) => ({ account: w.name, accountId: w.accountId, region: w.region })),
];
const verify = (env: Environment) => verifyEnvironment(env, { sessions: SESSIONS(env), now: NOW });
const notOk = (findings: Finding[]) => findings.filter((f) => f.status !== "ok");
const only = (findings: Finding[], check: CheckId) => {
  const bad = notOk(findings);
  assert.equal(bad.length, 1, JSON.stringify(bad, null, 2));
  assert.equal(bad[0].check, check);
  assert.ok(bad[0].action, "an unhealthy finding says what to do");
  return bad[0];
};

describe("npm run verify (src/verify)", () => {
  let dev: Environment;
  before(() => {
    dev = environmentFromFile(DEV_FILE);
  });
  after(() => {
    for (const m of [sm, ec2, cw, aa, sts]) m.restore();
  });

  it("a healthy deployment: every check runs, all ok, exit 0", async () => {
    const findings = await verify(healthy(dev));
    assert.deepEqual(notOk(findings), []);
    assert.equal(exitStatus(findings), 0);
    assert.deepEqual([...new Set(findings.map((f) => f.check))].sort(), Object.keys(CHECKS).sort());
    // 3 secrets x (rotation, first rotation, pending, 1 replica Region); 3 links; 4 endpoints;
    // 2 functions (postgres and mysql single-user) x (errors, alarm); the rule; 2 analyzers.
    assert.equal(findings.length, 12 + 3 + 4 + 4 + 1 + 2);
    const secret = findings.find(
      (f) => f.check === "rotation-enabled" && f.workload === "workload-a",
    )!;
    assert.equal(secret.subject, "dev/workload-a/orders-db");
    assert.match(secret.detail, /last rotated 2026-11-30, next 2026-12-30/);
    // The names the stacks give (src/names.ts), read from the file.
    const alarms = cw.commandCalls(DescribeAlarmsCommand)[0].args[0].input.AlarmNames;
    assert.deepEqual(alarms, [
      `${rotationFunctionName("dev", "postgres", "single-user")}-errors`,
      `${rotationFunctionName("dev", "mysql", "single-user")}-errors`,
    ]);
    const rule = cw.commandCalls(GetMetricDataCommand)[0].args[0].input.MetricDataQueries!.at(-1)!;
    assert.deepEqual(rule.MetricStat!.Metric!.Dimensions, [
      { Name: "RuleName", Value: "secrets-hub-dev-rotation-failed" },
    ]);
    assert.deepEqual(
      aa.commandCalls(ListFindingsV2Command).map((c) => c.args[0].input.analyzerArn),
      ["us-east-1", "us-west-2"].map(
        (r) => `arn:aws:access-analyzer:${r}:111111111111:analyzer/secrets-hub-dev-account`,
      ),
    );
  });

  it("rotation off, never rotated, overdue: each unhealthy with what to do", async () => {
    healthy(dev);
    sm.on(DescribeSecretCommand, { SecretId: "dev/workload-b/catalog-db" }).resolves({
      ...healthySecret("dev/workload-b/catalog-db"),
      RotationEnabled: false,
    });
    let f = only(await verify(dev), "rotation-enabled");
    assert.equal(f.workload, "workload-b");
    assert.match(f.detail, /rotation off/);

    healthy(dev);
    sm.on(DescribeSecretCommand, { SecretId: "dev/workload-a/orders-db" }).resolves({
      ...healthySecret("dev/workload-a/orders-db"),
      LastRotatedDate: undefined,
    });
    f = only(await verify(dev), "first-rotation");
    assert.match(f.detail, /never succeeded/);

    healthy(dev);
    sm.on(DescribeSecretCommand, { SecretId: "dev/workload-c/billing-db" }).resolves({
      ...healthySecret("dev/workload-c/billing-db"),
      NextRotationDate: new Date("2026-11-20T00:00:00Z"),
    });
    f = only(await verify(dev), "rotation-enabled");
    assert.match(f.detail, /overdue/);
  });

  it("a secret central has not created yet: unhealthy, run the deploy", async () => {
    healthy(dev);
    sm.on(DescribeSecretCommand, { SecretId: "dev/workload-c/billing-db" }).rejects(
      error("ResourceNotFoundException", "Secrets Manager can't find the specified secret."),
    );
    const f = only(await verify(dev), "rotation-enabled");
    assert.equal(f.status, "unhealthy");
    assert.match(f.action!, /npm run deploy/);
  });

  it("AWSPENDING without AWSCURRENT is stuck; beside AWSCURRENT it is not", async () => {
    healthy(dev);
    const name = "dev/workload-a/orders-db";
    sm.on(DescribeSecretCommand, { SecretId: name }).resolves({
      ...healthySecret(name),
      VersionIdsToStages: { v1: ["AWSCURRENT"], v9: ["AWSPENDING"] },
    });
    const f = only(await verify(dev), "pending-version");
    assert.match(f.detail, /v9/);
    assert.match(f.action!, /--remove-from-version-id v9/);

    sm.on(DescribeSecretCommand, { SecretId: name }).resolves({
      ...healthySecret(name),
      VersionIdsToStages: { v9: ["AWSCURRENT", "AWSPENDING"] },
    });
    assert.deepEqual(notOk(await verify(dev)), []);
  });

  it("a replica that failed, or none in a replica Region", async () => {
    healthy(dev);
    const name = "dev/workload-b/catalog-db";
    sm.on(DescribeSecretCommand, { SecretId: name }).resolves({
      ...healthySecret(name),
      ReplicationStatus: [
        { Region: "us-west-2", Status: "Failed", StatusMessage: "Access to KMS is not allowed" },
      ],
    });
    let f = only(await verify(dev), "replication");
    assert.equal(f.subject, `${name} in us-west-2`);
    assert.match(f.detail, /Failed: Access to KMS is not allowed/);
    sm.on(DescribeSecretCommand, { SecretId: name }).resolves({
      ...healthySecret(name),
      ReplicationStatus: [],
    });
    f = only(await verify(dev), "replication");
    assert.equal(f.detail, "no replica");
  });

  it("a peering request not accepted, or none: unhealthy, run the workload", async () => {
    healthy(dev);
    ec2.on(DescribeVpcPeeringConnectionsCommand).callsFake((input) => {
      const owner = input.Filters.find(
        (x: { Name: string }) => x.Name === "accepter-vpc-info.owner-id",
      ).Values[0];
      return {
        VpcPeeringConnections: [
          {
            VpcPeeringConnectionId: `pcx-${owner}`,
            Status: { Code: owner === "333333333333" ? "pending-acceptance" : "active" },
          },
        ],
      };
    });
    const f = only(await verify(dev), "network-link");
    assert.equal(f.workload, "workload-b");
    assert.match(f.action!, /dev-workload-b.*accepts the request/);
    // The filters name both VPCs by account and CIDR, as the file gives them.
    const filters = ec2.commandCalls(DescribeVpcPeeringConnectionsCommand)[1].args[0].input.Filters;
    assert.deepEqual(filters!.find((x) => x.Name === "accepter-vpc-info.cidr-block")!.Values, [
      "10.2.0.0/16",
    ]);

    ec2.on(DescribeVpcPeeringConnectionsCommand).resolves({ VpcPeeringConnections: [] });
    const all = notOk(await verify(dev));
    assert.deepEqual(
      all.map((x) => x.workload),
      ["workload-a", "workload-b", "workload-c"],
    );
  });

  it("transit gateway: an attachment not available", async () => {
    const tgw = healthy(
      environmentFromFile(
        editedDevFile((c) => (c["secrets-hub:connectivity"] = "transit-gateway")),
      ),
    );
    assert.deepEqual(notOk(await verify(tgw)), []);
    ec2.on(DescribeTransitGatewayAttachmentsCommand).resolves({
      TransitGatewayAttachments: [
        { TransitGatewayAttachmentId: "tgw-attach-1", State: "pendingAcceptance" },
      ],
    });
    const bad = notOk(await verify(tgw));
    assert.equal(bad.length, 3);
    assert.ok(bad.every((f) => f.check === "network-link" && /pendingAcceptance/.test(f.detail)));
  });

  it("an endpoint without private DNS", async () => {
    healthy(dev);
    ec2.on(DescribeVpcEndpointsCommand).resolves({
      VpcEndpoints: [{ VpcEndpointId: "vpce-0abc", State: "Available", PrivateDnsEnabled: false }],
    });
    const bad = notOk(await verify(dev));
    assert.equal(bad.length, 4);
    assert.ok(bad.every((f) => f.check === "endpoint" && /private DNS off/.test(f.detail)));
    const serviceNames = ec2
      .commandCalls(DescribeVpcEndpointsCommand)
      .map((c) => c.args[0].input.Filters!.find((x) => x.Name === "service-name")!.Values![0]);
    assert.ok(serviceNames.every((s) => s === "com.amazonaws.us-east-1.secretsmanager"));
  });

  it("function errors, an alarm in ALARM or missing, failed alert deliveries", async () => {
    const postgres = rotationFunctionName("dev", "postgres", "single-user");
    healthy(dev);
    cw.on(GetMetricDataCommand).callsFake((input) => ({
      MetricDataResults: input.MetricDataQueries.map((q: { Id: string }) => ({
        Id: q.Id,
        Values: q.Id === "f0" ? [2, 1] : [0],
      })),
    }));
    let f = only(await verify(dev), "function-errors");
    assert.equal(f.subject, postgres);
    assert.match(f.detail, /3 errors/);

    healthy(dev);
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { AlarmName: `${postgres}-errors`, StateValue: "ALARM", StateReason: "Threshold Crossed" },
      ],
    });
    const bad = notOk(await verify(dev));
    assert.deepEqual(
      bad.map((x) => [x.check, x.detail.split(" ")[0]]),
      [
        ["function-alarm", "in"],
        ["function-alarm", "missing"],
      ],
    );

    healthy(dev);
    cw.on(GetMetricDataCommand).callsFake((input) => ({
      MetricDataResults: input.MetricDataQueries.map((q: { Id: string }) => ({
        Id: q.Id,
        Values: q.Id === "rule" ? [4] : [],
      })),
    }));
    f = only(await verify(dev), "alert-delivery");
    assert.match(f.detail, /4 failed invocations/);
  });

  it("an active Access Analyzer finding on a secret or its key; others are not ours", async () => {
    healthy(dev);
    aa.on(ListFindingsV2Command).resolves({
      findings: [
        {
          id: "f-1",
          resource:
            "arn:aws:secretsmanager:us-west-2:111111111111:secret:dev/workload-a/orders-db-AbCdEf",
          resourceType: "AWS::SecretsManager::Secret",
          status: "ACTIVE",
          resourceOwnerAccount: "111111111111",
          analyzedAt: NOW,
          createdAt: NOW,
          updatedAt: NOW,
        },
        {
          id: "f-2",
          resource: "arn:aws:secretsmanager:us-east-1:111111111111:secret:someone-else-XyZ123",
          resourceType: "AWS::SecretsManager::Secret",
          status: "ACTIVE",
          resourceOwnerAccount: "111111111111",
          analyzedAt: NOW,
          createdAt: NOW,
          updatedAt: NOW,
        },
      ],
    });
    const bad = notOk(await verify(dev));
    // Both analyzers (us-east-1, us-west-2) answer with the replica's finding.
    assert.equal(bad.length, 2);
    assert.ok(bad.every((f) => f.check === "access-findings" && f.detail.includes("f-1")));
    assert.deepEqual(aa.commandCalls(ListFindingsV2Command)[0].args[0].input.filter!.status, {
      eq: ["ACTIVE"],
    });
  });

  it("an adopted secret awaiting its first value is waiting, not unhealthy (exit 0)", async () => {
    const adopt = healthy(environmentFromFile(ADOPT_FILE));
    const waiting = adopt.workloads.filter(
      (w) => w.databases[0].existing && !w.databases[0].existing.valuePut,
    );
    assert.ok(waiting.length > 0, "Pulumi.adopt.yaml has a secret awaiting its value");
    sm.on(DescribeSecretCommand).callsFake((input: { SecretId: string }) => ({
      ...healthySecret(input.SecretId),
      ...(waiting.some((w) => input.SecretId.startsWith(w.databases[0].secretName))
        ? { RotationEnabled: false }
        : {}),
    }));
    const findings = await verifyEnvironment(adopt, { sessions: SESSIONS(adopt), now: NOW });
    const bad = notOk(findings);
    assert.ok(bad.length > 0 && bad.every((f) => f.status === "waiting"), JSON.stringify(bad));
    assert.equal(exitStatus(findings), 0);
  });

  it("estate: a secret with rotation none is judged by its value's age, and adds no rotation function", async () => {
    const estate = healthy(
      environmentFromFile(path.join(__dirname, "..", "..", "Pulumi.estate.yaml")),
    );
    const unrotated = ["estate/payments/stripe-api-key", "estate/catalog/algolia-api-key"];
    const changed = { "estate/payments/stripe-api-key": "2026-10-01T00:00:00Z" } as const;
    sm.on(DescribeSecretCommand).callsFake((input: { SecretId: string }) =>
      unrotated.includes(input.SecretId)
        ? {
            ...healthySecret(input.SecretId),
            RotationEnabled: false,
            LastRotatedDate: undefined,
            NextRotationDate: undefined,
            LastChangedDate: new Date(
              changed[input.SecretId as keyof typeof changed] ?? "2026-05-01T00:00:00Z",
            ),
          }
        : healthySecret(input.SecretId),
    );
    const findings = await verifyEnvironment(estate, { sessions: SESSIONS(estate), now: NOW });
    // algolia's value is 214 days old, past the 90 the pack's secret-not-rotated allows.
    const bad = only(findings, "rotation-enabled");
    assert.equal(bad.subject, "estate/catalog/algolia-api-key");
    assert.match(
      bad.detail,
      /not rotated by design \(rotation: none\); value last changed 2026-05-01, 214 days ago/,
    );
    assert.match(bad.action!, /put-secret-value --secret-id estate\/catalog\/algolia-api-key/);
    const stripe = findings.find(
      (f) => f.check === "rotation-enabled" && f.subject === "estate/payments/stripe-api-key",
    )!;
    assert.equal(stripe.status, "ok");
    // Neither has a first-rotation finding; the functions are the database engines' only.
    assert.ok(!findings.some((f) => f.check === "first-rotation" && unrotated.includes(f.subject)));
    assert.deepEqual(cw.commandCalls(DescribeAlarmsCommand)[0].args[0].input.AlarmNames, [
      `${rotationFunctionName("estate", "postgres", "single-user")}-errors`,
      `${rotationFunctionName("estate", "postgres", "multi-user")}-errors`,
      `${rotationFunctionName("estate", "mysql", "multi-user")}-errors`,
      `${rotationFunctionName("estate", "mysql", "single-user")}-errors`,
    ]);
  });

  // aws-sdk-client-mock replaces the clients' send, so the SDK's own retries (standard
  // mode: throttling errors retried with backoff, maxAttempts 3) do not run here: this is
  // what verify does once the SDK gives up.
  it("throttling that outlasts the SDK's retries is reported as unknown (exit 1); the other checks still run", async () => {
    healthy(dev);
    sm.on(DescribeSecretCommand).rejects(error("ThrottlingException", "Rate exceeded"));
    const findings = await verify(dev);
    const bad = notOk(findings);
    assert.equal(bad.length, 3);
    assert.ok(bad.every((f) => f.status === "unknown" && /throttled/.test(f.detail)));
    assert.ok(findings.some((f) => f.check === "network-link" && f.status === "ok"));
    assert.equal(exitStatus(findings), 1);
  });

  it("a read the role may not make is denied (exit 2), naming the action and the account", async () => {
    healthy(dev);
    ec2
      .on(DescribeVpcEndpointsCommand)
      .rejects(error("UnauthorizedOperation", "You are not authorized to perform this operation."));
    const findings = await verify(dev);
    const denied = findings.filter((f) => f.status === "denied");
    assert.equal(denied.length, 4);
    assert.match(denied[0].action!, /allow ec2:DescribeVpcEndpoints to the central deploy role/);
    assert.equal(exitStatus(findings), 2);
  });

  describe("credentials", () => {
    it("no credentials: one CredentialsError, without trying any role", async () => {
      sts.reset();
      sts
        .on(GetCallerIdentityCommand)
        .rejects(
          error("CredentialsProviderError", "Could not load credentials from any providers"),
        );
      await assert.rejects(accountSessions(dev), (e: Error) => {
        assert.ok(e instanceof CredentialsError);
        assert.match(
          e.message,
          /^no usable AWS credentials \(CredentialsProviderError: Could not load credentials/,
        );
        return true;
      });
      assert.equal(sts.commandCalls(AssumeRoleCommand).length, 0);
    });

    it("assumes each account's deployRoleArn with a session name of the environment", async () => {
      sts.reset();
      sts.on(GetCallerIdentityCommand).resolves({ Account: "999999999999" });
      sts.on(AssumeRoleCommand).callsFake((input) => ({
        Credentials: {
          AccessKeyId: `AKIA${input.RoleArn.slice(13, 25)}`,
          SecretAccessKey: "s",
          SessionToken: "t",
          Expiration: NOW,
        },
      }));
      const sessions = await accountSessions(dev);
      assert.deepEqual(
        sts
          .commandCalls(AssumeRoleCommand)
          .map((c) => [c.args[0].input.RoleArn, c.args[0].input.RoleSessionName])
          .sort(),
        [
          ["arn:aws:iam::111111111111:role/secrets-hub-deploy", "secrets-hub-dev-central-verify"],
          [
            "arn:aws:iam::222222222222:role/secrets-hub-deploy",
            "secrets-hub-dev-workload-a-verify",
          ],
          [
            "arn:aws:iam::333333333333:role/secrets-hub-deploy",
            "secrets-hub-dev-workload-b-verify",
          ],
          [
            "arn:aws:iam::444444444444:role/secrets-hub-deploy",
            "secrets-hub-dev-workload-c-verify",
          ],
        ],
      );
      assert.equal(
        sessions.find((s) => s.account === "workload-b")!.credentials!.accessKeyId,
        "AKIA333333333333",
      );
    });

    it("a role that refuses: CredentialsError naming it; no role and other ambient account: refused", async () => {
      sts.reset();
      sts.on(GetCallerIdentityCommand).resolves({ Account: "999999999999" });
      sts
        .on(AssumeRoleCommand)
        .rejects(error("AccessDenied", "not authorized to perform: sts:AssumeRole"));
      await assert.rejects(
        accountSessions(dev),
        /cannot assume arn:aws:iam::\d{12}:role\/secrets-hub-deploy \(AccessDenied/,
      );
      const noRoles = environmentFromFile(
        editedDevFile((c) => {
          delete c["secrets-hub:central"].deployRoleArn;
          for (const w of c["secrets-hub:workloads"]) delete w.deployRoleArn;
        }),
      );
      await assert.rejects(
        accountSessions(noRoles),
        /no deployRoleArn and the ambient credentials are account 999999999999/,
      );
    });
  });

  it("@slow npm run verify: --help lists every check; without credentials exit 2 in seconds with one line", async () => {
    const help = await runScript("verify", ["--help"]);
    assert.equal(help.status, 0);
    for (const id of Object.keys(CHECKS)) assert.match(help.stdout, new RegExp(`^  ${id} `, "m"));
    const bare: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")),
    );
    const started = Date.now();
    const run = await runScript("verify", ["--env", "dev"], {
      env: {
        ...bare,
        AWS_CONFIG_FILE: "/nonexistent/config",
        AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
        AWS_EC2_METADATA_DISABLED: "true",
      },
    });
    const seconds = (Date.now() - started) / 1000;
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    assert.match(run.stderr, /^no usable AWS credentials/);
    assert.ok(seconds < 30, `${seconds} s`);
  });
});
