// Layer 2: the pack through its real gRPC server, on resources recorded from the real stacks.
import * as assert from "node:assert/strict";
import { allPolicies } from "../../policy-pack/policies";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { devEnvironment, editedDevFile, tempDir } from "../harness";
import { runEnvironment } from "../../src/offline/environmentRun";
import { mermaidTopology } from "../../src/offline/mermaid";
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
    runs = (await runEnvironment(devEnvironment())).runs;
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
      assert.ok(mandatory(await server.analyzeAll(resources)).includes(policy));
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

describe("@slow npm run plan", function () {
  this.timeout(180000);
  const plan = (...args: (string | NodeJS.ProcessEnv)[]) =>
    spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(__dirname, "..", "..", "scripts", "plan.ts"),
        ...args.filter((a) => typeof a === "string"),
      ],
      {
        encoding: "utf8",
        env: { ...process.env, ...args.find((a) => typeof a === "object") },
      },
    );

  it("plans dev: four phases, four stacks, converged, exit 0, JSON per the contract, steps in deploy order, no temporary file left", () => {
    // The plan's own TMPDIR: whatever it (or the pack process) leaves would show here. It
    // starts with only the compile caches of tsx and ts-node, linked to the shared ones
    // (named by user and by a hash of the configuration, reused across runs).
    const tmp = tempDir();
    const caches = fs
      .readdirSync(os.tmpdir())
      .filter((f) => f === `tsx-${process.getuid?.() ?? 0}` || /^ts-node-[0-9a-f]{64}$/.test(f));
    for (const c of caches) fs.symlinkSync(path.join(os.tmpdir(), c), path.join(tmp, c));
    const result = plan("--env", "dev", "--json", { TMPDIR: tmp, TMP: tmp, TEMP: tmp });
    assert.equal(result.status, 0, result.stderr);
    const left = fs
      .readdirSync(tmp)
      .filter((f) => !caches.includes(f) && !/^(tsx-\d+|ts-node-[0-9a-f]{64})$/.test(f));
    assert.deepEqual(left, [], "the plan leaves nothing in the temporary directory");
    const doc = JSON.parse(result.stdout);
    assert.deepEqual(doc.phases, [
      ["dev-workload-a", "dev-workload-b", "dev-workload-c"],
      ["dev-central"],
      ["dev-workload-a", "dev-workload-b", "dev-workload-c"],
      ["dev-central"],
    ]);
    // One step per stack update, in deploy order.
    assert.deepEqual(
      doc.steps.map((s: { phase: number; stack: string }) => [s.phase, s.stack]),
      doc.phases.flatMap((stacks: string[], i: number) => stacks.map((s) => [i + 1, s])),
    );
    // No workload's rotation is added before the step that adds its peering accepter and
    // return routes: the first rotation finds its network path.
    const stepOf = (match: (urn: string) => boolean) =>
      doc.steps.findIndex((s: { adds: string[] }) => s.adds.some(match));
    for (const w of ["workload-a", "workload-b", "workload-c"]) {
      const rotation = stepOf(
        (u) => u.includes("SecretRotation::") && u.includes(`::${w}-db-rotation`),
      );
      const accepter = stepOf(
        (u) => u.includes("VpcPeeringConnectionAccepter::") && u.includes(`::${w}-peering`),
      );
      const secret = stepOf(
        (u) => u.includes("secretsmanager/secret:Secret::") && u.includes(`::${w}-db-secret`),
      );
      assert.ok(
        accepter >= 0 && rotation > accepter,
        `${w}: rotation step ${rotation}, accepter step ${accepter}`,
      );
      assert.equal(secret, rotation, `${w}: the secret comes with its rotation, never without`);
      assert.equal(doc.steps[accepter].stack, `dev-${w}`);
      assert.ok(doc.steps[accepter].adds.some((u: string) => u.includes("aws:ec2/route:Route::")));
    }
    assert.equal(doc.steps.at(-1).stack, "dev-central");
    assert.equal(doc.converged, true);
    // --format mermaid draws the same plan: every account (its id) and every workload.
    const chart = mermaidTopology(doc);
    assert.match(chart, /^flowchart LR\n/);
    for (const stack of doc.stacks as { account: string; accountId: string }[]) {
      assert.ok(chart.includes(`${stack.account} — account ${stack.accountId}`), stack.account);
    }
    for (const w of ["workload-a", "workload-b", "workload-c"]) {
      assert.match(
        chart,
        new RegExp(`dev_central_vpc <-->\\|peering\\| dev_${w.replace("-", "_")}_vpc`),
      );
      assert.match(
        chart,
        new RegExp(`dev_${w.replace("-", "_")}_role0 -- reads --> dev_central_secret`),
      );
    }
    assert.deepEqual(
      doc.stacks.map((s: { name: string }) => s.name),
      ["dev-central", "dev-workload-a", "dev-workload-b", "dev-workload-c"],
    );
    for (const key of [
      "urn",
      "type",
      "name",
      "inputs",
      "protect",
      "parent",
      "provider",
      "dependencies",
    ])
      assert.ok(key in doc.stacks[0].resources[1], key);
    assert.equal(doc.stacks[1].outputs.databaseInitialPassword, "[secret]");
    assert.deepEqual(
      doc.violations.filter((v: { level: string }) => v.level === "mandatory"),
      [],
    );
  });

  it("exits 1 naming the rotation policy for a 400-day rotation, verdict first, written to --output", () => {
    const file = editedDevFile((c) => (c["secrets-hub:rotation"].schedule = 400));
    const output = path.join(path.dirname(file), "plan.txt");
    const result = plan("--env", "dev", "--config-file", file, "--output", output);
    assert.equal(result.status, 1, result.stderr);
    assert.equal(result.stdout, "", "--output: nothing on stdout");
    result.stdout = fs.readFileSync(output, "utf8");
    assert.match(
      result.stdout.split("\n")[0],
      /^dev: FAILED — 4 stacks, 8 stack updates, converged, [1-9]\d* mandatory \/ \d+ advisory violations$/,
    );
    assert.match(result.stdout, /\[mandatory\] rotation-interval-max/);
    assert.ok(!result.stdout.includes("\u001b["), "no colour off a terminal");
  });

  it("exits 2 naming the keys for overlapping CIDRs", () => {
    const file = editedDevFile((c) => (c["secrets-hub:workloads"][2].vpcCidr = "10.2.0.0/17"));
    const result = plan("--env", "dev", "--config-file", file);
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /secrets-hub:workloads\[2\]\.vpcCidr: overlaps secrets-hub:workloads\[1\]\.vpcCidr/,
    );
    // Where the key is in the file: the line of workloads[2].vpcCidr.
    const line = fs
      .readFileSync(file, "utf8")
      .split("\n")
      .findIndex((l) => l.includes("10.2.0.0/17"));
    assert.ok(
      result.stderr.includes(`${file}:${line + 1}:`),
      `no ${file}:${line + 1}: in\n${result.stderr}`,
    );
  });
});
