// scripts/plan.ts end to end: the offline plan as a user runs it, in its own process.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { editedDevFile, tempDir } from "../harness";
import { mermaidTopology } from "../../src/offline/mermaid";

describe("npm run plan", function () {
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

  it("@slow plans dev: four phases, four stacks, converged, exit 0, JSON per the contract, steps in deploy order, no temporary file left", () => {
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
        // The copy in the workload's own Region (us-east-1, central's: the primary).
        new RegExp(`dev_${w.replace("-", "_")}_reader0 -- reads --> dev_central_us_east_1_secret`),
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
    assert.equal(doc.stacks[1].outputs.databaseInitialPasswords, "[secret]");
    assert.deepEqual(
      doc.violations.filter((v: { level: string }) => v.level === "mandatory"),
      [],
    );
  });

  it("@slow exits 1 naming the rotation policy for a 400-day rotation, verdict first, written to --output", () => {
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

  it("@slow exits 2 naming the keys for overlapping CIDRs", () => {
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
