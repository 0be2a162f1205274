// Layer 2: the pack through its real gRPC server, on resources recorded from the real stacks.
import * as assert from "node:assert/strict";
import { allPolicies } from "../../policy-pack/policies";
import { ENVIRONMENT_POLICIES } from "../../policy-pack/lib/names";
import { ENVIRONMENT_TYPES } from "../../policy-pack/lib/types";
import { environmentFromFile } from "../../src/config";
import { deployed, devEnvironment, editedDevFile } from "../harness";
import { runEnvironment } from "../../src/offline/environmentRun";
import { guardResourceTypes } from "../../src/offline/plan";
import { PolicyServer, Violation } from "../../src/offline/policyServer";
import type { RecordedResource, StackRun } from "../../src/offline/runStack";

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const mandatory = (vs: Violation[]) =>
  vs.filter((v) => v.level === "mandatory").map((v) => v.policy);

describe("@slow policy pack over gRPC", function () {
  this.timeout(120000);
  let server: PolicyServer;
  let runs: Map<string, StackRun>;
  let previewRuns: Map<string, StackRun>;

  before(async () => {
    server = await PolicyServer.start();
    await server.configure();
    runs = (await deployed(devEnvironment())).runs;
    previewRuns = (await runEnvironment(devEnvironment(), true)).runs;
  });
  after(async () => server?.stop());

  const central = () => clone(runs.get("dev-central")!.resources);
  const find = (resources: RecordedResource[], type: string, name = "") =>
    resources.find((r) => r.type === type && r.name.includes(name))!;

  it("describes every policy with a default level and its config schema", () => {
    // The server (a separate process, as the CLI starts it) describes every policy the pack defines.
    assert.deepEqual(
      server.policies.map((p) => p.name).sort(),
      allPolicies.map((p) => p.name).sort(),
    );
    assert.ok(server.policies.length >= 22);
    const alerting = server.policies.find((p) => p.name === "rotation-failure-alerting")!;
    assert.equal(alerting.enforcementLevel, "advisory");
    const rotation = server.policies.find((p) => p.name === "rotation-interval-max")!;
    assert.equal(rotation.enforcementLevel, "mandatory");
    assert.equal(rotation.configSchema?.properties.maxRotationDays.default, 90);
  });

  it("the shipped dev environment has zero mandatory violations, deployed and in a first preview", async () => {
    for (const set of [runs, previewRuns]) {
      for (const [stack, run] of set)
        assert.deepEqual(mandatory(await server.analyzeAll(run.resources)), [], stack);
    }
  });

  const broken: [string, (r: RecordedResource[]) => void, string][] = [
    [
      "default key",
      (r) => delete find(r, "aws:secretsmanager/secret:Secret").inputs.kmsKeyId,
      "secret-uses-customer-managed-key",
    ],
    [
      "private DNS off",
      (r) => (find(r, "aws:ec2/vpcEndpoint:VpcEndpoint").inputs.privateDnsEnabled = false),
      "secretsmanager-endpoint-private-dns",
    ],
    [
      "400-day rotation",
      (r) =>
        (find(r, "aws:secretsmanager/secretRotation:SecretRotation").inputs.rotationRules = {
          automaticallyAfterDays: 400,
        }),
      "rotation-interval-max",
    ],
    [
      "no rotation",
      (r) => r.splice(r.indexOf(find(r, "aws:secretsmanager/secretRotation:SecretRotation")), 1),
      "secret-has-rotation",
    ],
    [
      "wildcard principal",
      (r) => {
        const policy = find(r, "aws:secretsmanager/secretPolicy:SecretPolicy");
        policy.inputs.policy = JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: "*",
              Action: "secretsmanager:GetSecretValue",
              Resource: "*",
            },
          ],
        });
      },
      "no-public-principal",
    ],
    [
      "oversize policy",
      (r) => {
        const policy = find(r, "aws:secretsmanager/secretPolicy:SecretPolicy");
        const doc = JSON.parse(String(policy.inputs.policy));
        doc.Statement[0].Principal.AWS = Array.from(
          { length: 400 },
          (_, i) => `arn:aws:iam::${String(200000000000 + i)}:role/some-application-role`,
        );
        policy.inputs.policy = JSON.stringify(doc);
      },
      "policy-size-limits",
    ],
    [
      "overlapping peered CIDRs",
      (r) =>
        (find(r, "aws:ec2/route:Route", "workload-b").inputs.destinationCidrBlock =
          "10.1.128.0/17"),
      "peered-cidrs-disjoint",
    ],
    [
      "public policy not blocked",
      (r) =>
        (find(r, "aws:secretsmanager/secretPolicy:SecretPolicy").inputs.blockPublicPolicy = false),
      "secret-policy-blocks-public",
    ],
    [
      "key rotation off",
      (r) => (find(r, "aws:kms/key:Key").inputs.enableKeyRotation = false),
      "kms-key-rotation",
    ],
  ];
  for (const [what, breakIt, policy] of broken) {
    it(`rejects ${what} with a mandatory ${policy}`, async () => {
      const resources = central();
      breakIt(resources);
      const violations = await server.analyzeAll(resources);
      assert.ok(mandatory(violations).includes(policy));
      // The plan's call, which skips resources no resource policy checks, finds the same.
      const resourceTypes = guardResourceTypes(server);
      assert.ok(resourceTypes && !resourceTypes.has("aws:ec2/route:Route"));
      assert.deepEqual(await server.analyzeAll(resources, { resourceTypes }), violations);
    });
  }

  it("rejects 51 peerings from one VPC at the default quota, and passes them at 125", async () => {
    const resources = central();
    const peering = find(resources, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
    for (let i = 0; i < 48; i++)
      resources.push({
        ...clone(peering),
        urn: `${peering.urn}-${i}`,
        name: `${peering.name}-${i}`,
      });
    assert.ok(mandatory(await server.analyzeStack(resources)).includes("peering-quota"));
    await server.configure({ "peering-quota": { maxPeeringsPerVpc: 125 } });
    try {
      assert.ok(!mandatory(await server.analyzeStack(resources)).includes("peering-quota"));
    } finally {
      await server.configure();
    }
  });

  it("the environment pass: from ENVIRONMENT_TYPES alone, the same environment findings as from every resource", async () => {
    // Every quota at its minimum, so that each quota policy fires; and a default route
    // through the peering or the transit gateway.
    const tight = Object.fromEntries(
      server.policies
        .filter((p) => ENVIRONMENT_POLICIES.includes(p.name))
        .map((p) => [
          p.name,
          Object.fromEntries(
            Object.entries(p.configSchema?.properties ?? {}).flatMap(([k, schema]) =>
              typeof schema.minimum === "number" ? [[k, schema.minimum]] : [],
            ),
          ),
        ]),
    );
    const tgw = environmentFromFile(
      editedDevFile((c) => (c["secrets-hub:connectivity"] = "transit-gateway")),
    );
    const findings = (violations: Violation[]) =>
      violations
        .filter((v) => ENVIRONMENT_POLICIES.includes(v.policy))
        .map((v) => `${v.policy} (${v.level}): ${v.message}`)
        .sort();
    await server.configure(tight);
    try {
      for (const set of [runs, (await deployed(tgw)).runs]) {
        const all = [...set.values()].flatMap((r) => clone(r.resources));
        const route = all.find((r) => r.type === "aws:ec2/route:Route")!;
        all.push({ ...clone(route), urn: `${route.urn}-default`, name: `${route.name}-default` });
        all.at(-1)!.inputs.destinationCidrBlock = "0.0.0.0/0";
        const judged = all.filter((r) => ENVIRONMENT_TYPES.includes(r.type));
        assert.ok(judged.length < all.length / 2, `${judged.length} of ${all.length}`);
        const expected = findings(await server.analyzeStack(all));
        assert.ok(new Set(expected.map((f) => f.split(" ")[0])).size >= 5, expected.join("\n"));
        assert.deepEqual(findings(await server.analyzeStack(judged)), expected);
      }
    } finally {
      await server.configure();
    }
  });

  it("validates config as the engine does", async () => {
    await assert.rejects(
      server.configure({ "peering-quota": { maxPeeringsPerVpc: 500 } }),
      /maxPeeringsPerVpc.*125/,
    );
    await assert.rejects(
      server.configure({ "no-such-policy": {} }),
      /no-such-policy: no such policy in the pack/,
    );
    await server.configure();
  });

  it("in a first preview, a secret with no customer-managed key is still mandatory", async () => {
    const resources = clone(previewRuns.get("dev-central")!.resources);
    const secret = find(resources, "aws:secretsmanager/secret:Secret");
    assert.equal(
      secret.inputs.kmsKeyId,
      "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      "kmsKeyId is unknown in preview",
    );
    // Unknown but from the CMK resource: advisory value check, no mandatory violation.
    assert.deepEqual(mandatory(await server.analyzeAll(resources)), []);
    // Key lookups that do not come from a KMS key resource (e.g. a data source) are refused.
    secret.propertyDependencies.kmsKeyId = [];
    assert.ok(
      mandatory(await server.analyzeAll(resources)).includes("secret-key-from-kms-resource"),
    );
    delete secret.inputs.kmsKeyId;
    assert.ok(
      mandatory(await server.analyzeAll(resources)).includes("secret-uses-customer-managed-key"),
    );
  });
});
