// The deploy roles' policies (src/deployPolicy): every type the programs register has deploy
// rights, each document fits the managed-policy limit, and the scoping holds.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Environment, environmentFromFile } from "../../src/config";
import {
  AccountDeployPolicy,
  MANAGED_POLICY_MAX,
  UncoveredTypeError,
  deployPolicies,
  policySize,
  uncoveredTypes,
} from "../../src/deployPolicy";
import { Statement, packDocuments } from "../../src/deployPolicy/document";
import { INVOKE_RIGHTS } from "../../src/deployPolicy/rights";
import type { StackRun } from "../../src/offline/runStack";
import { DEV_FILE, deployed, editedDevFile, runScript } from "../harness";

const ROOT = path.join(__dirname, "..", "..");
const ADOPT_FILE = path.join(ROOT, "Pulumi.adopt.yaml");
const TRUST = { principals: [], githubEnvironments: ["dev"], githubRepository: "acme/secrets" };

/** Statements whose Sid says why the resource is "*" (the service has no resource type there). */
const NO_RESOURCE_TYPE = /(HasNoResourceType|HaveNoResourceType|HaveNoResourceLevelPermissions)/;

const environments: Record<string, () => Environment> = {
  dev: () => environmentFromFile(DEV_FILE),
  adopt: () => environmentFromFile(ADOPT_FILE),
  "@slow estate": () => environmentFromFile(path.join(ROOT, "Pulumi.estate.yaml")),
  "dev with a transit gateway": () =>
    environmentFromFile(editedDevFile((c) => (c["secrets-hub:connectivity"] = "transit-gateway"))),
};

const statements = (a: AccountDeployPolicy): Statement[] => a.policies.flatMap((p) => p.Statement);
const allowing = (a: AccountDeployPolicy, action: string) =>
  statements(a).filter((s) => s.Action.includes(action));

describe("deploy policies", () => {
  for (const [name, load] of Object.entries(environments)) {
    describe(name, () => {
      let env: Environment;
      let runs: Map<string, StackRun>;
      let accounts: AccountDeployPolicy[];
      before(async () => {
        env = load();
        runs = (await deployed(env)).runs;
        accounts = deployPolicies(env, runs, TRUST);
      });

      it("covers every resource type the stacks register", () => {
        assert.deepEqual(uncoveredTypes(runs.values()), []);
        for (const a of accounts) {
          const registered = new Set(
            runs
              .get(a.stack)!
              .resources.filter((r) => r.custom)
              .map((r) => r.type),
          );
          assert.deepEqual(a.resourceTypes, [...registered].sort());
        }
      });

      it("one entry per account, each document within 6,144 characters, valid JSON", () => {
        assert.deepEqual(
          accounts.map((a) => a.stack),
          [
            `${env.environment}-central`,
            ...env.workloads.map((w) => `${env.environment}-${w.name}`),
          ],
        );
        for (const a of accounts) {
          assert.ok(a.policies.length >= 1);
          for (const p of a.policies) {
            assert.ok(policySize(p) <= MANAGED_POLICY_MAX, `${a.stack}: ${policySize(p)}`);
            assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
          }
        }
      });

      it('no "*" action, no wildcard action, "Resource": "*" only where the Sid says the service has no resource type', () => {
        for (const a of accounts) {
          for (const s of statements(a)) {
            assert.match(s.Sid, /^[A-Za-z0-9]+$/);
            for (const action of s.Action)
              assert.match(action, /^[a-z0-9-]+:[A-Za-z0-9]+$/, action);
            if (s.Resource.includes("*")) {
              assert.match(s.Sid, NO_RESOURCE_TYPE, `${a.stack} ${s.Sid}`);
              assert.deepEqual(s.Resource, ["*"]);
            }
            for (const r of s.Resource.filter((x) => x !== "*"))
              assert.match(r, /^arn:aws:/, `${s.Sid}: ${r}`);
          }
        }
      });

      it("iam:PassRole and iam:PutRolePolicy only on the roles the program manages", () => {
        const prefix = `secrets-hub-${env.environment}`;
        for (const a of accounts) {
          for (const action of [
            "iam:PassRole",
            "iam:PutRolePolicy",
            "iam:CreateRole",
            "iam:DeleteRole",
          ]) {
            for (const s of allowing(a, action)) {
              for (const r of s.Resource) {
                const role = /^arn:aws:iam::\d{12}:role\/(.+)$/.exec(r)?.[1];
                assert.ok(role, `${a.stack} ${action} on ${r}`);
                // An existing reader role gets an inline policy, never created or deleted.
                const existing = env.workloads.some((w) =>
                  w.readers.some((x) => {
                    const name = x.roleArn?.split("/").pop();
                    return name !== undefined && (role === name || role === `*/${name}`);
                  }),
                );
                const managed =
                  role === "serverlessrepo-*" // the rotation roles CloudFormation names
                    ? s.Condition !== undefined
                    : role === `${prefix}-application-user` // the multi-user setup function's
                      ? a.stack.endsWith("-central") &&
                        (action !== "iam:PassRole" ||
                          s.Condition?.StringEquals?.["iam:PassedToService"] ===
                            "lambda.amazonaws.com")
                      : existing
                        ? action === "iam:PutRolePolicy"
                        : env.workloads.some((w) =>
                            w.readers.some(
                              (x) =>
                                !x.roleArn &&
                                role ===
                                  (x.shorthand
                                    ? `${prefix}-${w.name}-app`
                                    : `${prefix}-${w.name}-${x.name}`),
                            ),
                          );
                assert.ok(managed, `${a.stack} ${action} on ${r}`);
              }
            }
          }
        }
      });

      it("central: the secrets by name, the rotation path, lambda:GetFunction; workloads: none of it", () => {
        const [central, ...workloads] = accounts;
        const secrets = allowing(central, "secretsmanager:CreateSecret").flatMap((s) => s.Resource);
        for (const w of env.workloads)
          assert.ok(
            secrets.some((r) => r.endsWith(`:secret:${w.databases[0].secretName}-??????`)),
            w.databases[0].secretName,
          );
        assert.ok(
          secrets.every(
            (r) =>
              r.startsWith(`arn:aws:secretsmanager:`) && r.includes(`:${env.central.accountId}:`),
          ),
        );
        // The rotation functions by prefix; the multi-user setup function by name, in the
        // central Region (environments with a multi-user database).
        const setup = env.workloads.some((w) =>
          w.databases.some((d) => d.rotationStrategy === "multi-user"),
        )
          ? [
              `arn:aws:lambda:${env.central.region}:${env.central.accountId}:function:secrets-hub-${env.environment}-application-user`,
            ]
          : [];
        assert.deepEqual(
          [...allowing(central, "lambda:GetFunction").flatMap((s) => s.Resource)].sort(),
          [
            `arn:aws:lambda:${env.central.region}:${env.central.accountId}:function:secrets-hub-${env.environment}-*`,
          ]
            .concat(
              [...new Set([env.replicaRegion, ...env.workloads.map((w) => w.region)])]
                .filter((r) => r !== env.central.region)
                .map(
                  (r) =>
                    `arn:aws:lambda:${r}:${env.central.accountId}:function:secrets-hub-${env.environment}-*`,
                ),
            )
            .concat(setup)
            .sort(),
        );
        for (const action of [
          "serverlessrepo:CreateCloudFormationChangeSet",
          "serverlessrepo:GetApplication",
          "serverlessrepo:CreateCloudFormationTemplate",
        ])
          for (const r of allowing(central, action).flatMap((s) => s.Resource))
            assert.match(
              r,
              /^arn:aws:serverlessrepo:us-east-1:297356227824:applications\/SecretsManagerRDS/,
            );
        assert.ok(
          allowing(central, "cloudformation:ExecuteChangeSet")
            .flatMap((s) => s.Resource)
            .every((r) => r.includes(`:stack/serverlessrepo-secrets-hub-${env.environment}-*/*`)),
        );
        assert.ok(
          allowing(central, "s3:GetObject")
            .flatMap((s) => s.Resource)
            .includes("arn:aws:s3:::awsserverlessrepo-changesets*"),
        );
        for (const w of workloads) {
          for (const action of [
            "secretsmanager:CreateSecret",
            "lambda:GetFunction",
            "kms:CreateKey",
            "serverlessrepo:GetApplication",
          ])
            assert.deepEqual(allowing(w, action), [], `${w.stack} ${action}`);
          assert.ok(
            allowing(w, "rds:CreateDBInstance").length > 0 ||
              env.workloads.find((x) => `${env.environment}-${x.name}` === w.stack)?.databases[0]
                .existing,
          );
        }
      });

      it("central may make the reads of npm run verify", () => {
        const central = accounts[0];
        for (const action of [
          "secretsmanager:DescribeSecret",
          "ec2:DescribeVpcEndpoints",
          "cloudwatch:GetMetricData",
          "cloudwatch:DescribeAlarms",
          env.connectivity === "transit-gateway"
            ? "ec2:DescribeTransitGatewayAttachments"
            : "ec2:DescribeVpcPeeringConnections",
          ...(env.accessAnalyzer === "none" ? [] : ["access-analyzer:ListFindingsV2"]),
        ])
          assert.ok(allowing(central, action).length > 0, action);
        for (const w of accounts.slice(1))
          assert.ok(allowing(w, "ec2:DescribeVpcEndpoints").length > 0, w.stack);
      });

      it("trust: the account's Identity Center roles, the role itself, GitHub OIDC of the repository's environment", () => {
        for (const a of accounts) {
          const [people, ...rest] = a.trustPolicy.Statement;
          assert.deepEqual(people.Condition, {
            ArnLike: {
              "aws:PrincipalArn": `arn:aws:iam::${a.accountId}:role/aws-reserved/sso.amazonaws.com/*`,
            },
          });
          const oidc = rest.find((s) => "Federated" in s.Principal)!;
          assert.deepEqual(oidc.Principal, {
            Federated: `arn:aws:iam::${a.accountId}:oidc-provider/token.actions.githubusercontent.com`,
          });
          assert.deepEqual(oidc.Condition, {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:sub": "repo:acme/secrets:environment:dev",
            },
          });
          if (a.roleArn)
            assert.ok(
              rest.some((s) => JSON.stringify(s.Condition).includes(a.roleArn!)),
              "the providers assume the role again from its own session",
            );
        }
      });
    });
  }

  it("a registered type without deploy rights fails", async () => {
    const env = environmentFromFile(DEV_FILE);
    const runs = new Map((await deployed(env)).runs);
    const central = runs.get("dev-central")!;
    const extra = { ...central.resources[0], type: "aws:s3/bucket:Bucket", custom: true };
    runs.set("dev-central", { ...central, resources: [...central.resources, extra] });
    assert.deepEqual(uncoveredTypes(runs.values()), ["aws:s3/bucket:Bucket"]);
    assert.throws(() => deployPolicies(env, runs, TRUST), UncoveredTypeError);
  });

  it("--state-bucket: every account may read and write the state, nothing else of S3 beyond the rotation templates", async () => {
    const env = environmentFromFile(DEV_FILE);
    const accounts = deployPolicies(env, (await deployed(env)).runs, TRUST, "acme-state");
    for (const a of accounts) {
      assert.deepEqual(
        allowing(a, "s3:PutObject").flatMap((s) => s.Resource),
        ["arn:aws:s3:::acme-state/*"],
      );
      assert.deepEqual(
        allowing(a, "s3:ListBucket").flatMap((s) => s.Resource),
        ["arn:aws:s3:::acme-state"],
      );
      for (const s of allowing(a, "iam:CreateServiceLinkedRole")) {
        assert.ok(s.Resource.every((r) => r.includes(":role/aws-service-role/")));
        assert.ok(s.Condition?.StringEquals["iam:AWSServiceName"]);
      }
    }
    assert.deepEqual(
      allowing(accounts[1], "iam:CreateServiceLinkedRole").flatMap((s) => s.Resource),
      ["arn:aws:iam::222222222222:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS"],
    );
  });

  it("every invoke the mock engine answers has deploy rights", () => {
    const source = fs.readFileSync(path.join(ROOT, "src", "offline", "mockCloud.ts"), "utf8");
    const body = source.slice(source.indexOf("export function mockInvoke"));
    const tokens = [...body.matchAll(/case "([^"]+)":/g)].map((m) => m[1]);
    assert.ok(tokens.length >= 2);
    assert.deepEqual(
      tokens.filter((t) => !(t in INVOKE_RIGHTS)),
      [],
    );
  });

  it("GovCloud and China accounts get their partition in every ARN", async () => {
    const env = environmentFromFile(DEV_FILE);
    const gov = {
      ...env,
      central: { ...env.central, region: "us-gov-west-1" },
      replicaRegion: "us-gov-east-1",
      workloads: env.workloads.map((w, i) => ({
        ...w,
        region: i === 0 ? "cn-north-1" : "us-gov-west-1",
      })),
    };
    const accounts = deployPolicies(gov, (await deployed(env)).runs, TRUST);
    // The rotation applications' ARNs come from the registrations (components/engines.ts).
    const arnsOf = (a: AccountDeployPolicy) =>
      statements(a)
        .flatMap((s) => s.Resource)
        .filter((r) => r.startsWith("arn:") && !r.includes(":serverlessrepo:"));
    assert.ok(
      arnsOf(accounts[0]).every((r) => r.startsWith("arn:aws-us-gov:")),
      "central",
    );
    assert.ok(
      arnsOf(accounts[1]).every((r) => r.startsWith("arn:aws-cn:")),
      "workload-a",
    );
    assert.equal(
      accounts[1].trustPolicy.Statement[0]
        .Condition!.ArnLike["aws:PrincipalArn"].toString()
        .slice(0, 11),
      "arn:aws-cn:",
    );
  });

  it("packs statements into documents within the limit, splitting one that is too large", () => {
    const many: Statement[] = Array.from({ length: 40 }, (_, i) => ({
      Sid: `S${i}`,
      Effect: "Allow",
      Action: ["secretsmanager:DescribeSecret"],
      Resource: Array.from(
        { length: 30 },
        (_, j) => `arn:aws:secretsmanager:us-east-1:111111111111:secret:s${i}-${j}-??????`,
      ),
    }));
    const documents = packDocuments(many);
    assert.ok(documents.length > 1);
    for (const d of documents) assert.ok(policySize(d) <= MANAGED_POLICY_MAX);
    const resources = documents.flatMap((d) => d.Statement.flatMap((s) => s.Resource));
    assert.deepEqual(resources.sort(), many.flatMap((s) => s.Resource).sort());
    assert.equal(
      policySize({ Version: "2012-10-17", Statement: [] }),
      '{"Version":"2012-10-17","Statement":[]}'.length,
    );
  });

  it("@slow npm run deploy-policy -- --env dev --json: one entry per account; a bad repository exits 2", async () => {
    const run = await runScript("deploy-policy", [
      "--env",
      "dev",
      "--json",
      "--github-repository",
      "acme/secrets",
    ]);
    assert.equal(run.status, 0, run.stderr);
    const document = JSON.parse(run.stdout) as { accounts: AccountDeployPolicy[] };
    assert.equal(document.accounts.length, 4);
    const bad = await runScript("deploy-policy", ["--env", "dev", "--github-repository", "acme"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--github-repository must be owner\/name/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  });
});
