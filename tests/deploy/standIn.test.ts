// `npm run deploy` end to end against a stand-in `pulumi` first on PATH
// (tests/fixtures/stand-in-pulumi/pulumi), which records every call and does to config
// files what the real CLI does. Each case spawns the deploy script and dozens of CLI calls:
// @slow.
import * as assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { DEV_FILE, tempDir } from "../harness";

const ROOT = path.join(__dirname, "..", "..");
const STAND_IN = path.join(ROOT, "tests", "fixtures", "stand-in-pulumi");
const W = ["dev-workload-a", "dev-workload-b", "dev-workload-c"];

interface Call {
  argv: string[];
  cwd: string;
  stack?: string;
  passphrase: string;
}

interface Sandbox {
  dir: string;
  file: string;
  log: string;
  state: string;
}

/** A fresh state backend, call log and copy of an environment file. */
function sandbox(text = fs.readFileSync(DEV_FILE, "utf8")): Sandbox {
  const dir = tempDir();
  const state = path.join(dir, "state");
  fs.mkdirSync(state);
  const file = path.join(dir, "Pulumi.dev.yaml");
  fs.writeFileSync(file, text);
  return { dir, file, log: path.join(dir, "calls.log"), state };
}

function deploy(
  box: Sandbox,
  args: string[],
  extraEnv: Record<string, string | undefined> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${STAND_IN}${path.delimiter}${process.env.PATH}`,
    STANDIN_LOG: box.log,
    STANDIN_STATE: box.state,
    PULUMI_CONFIG_PASSPHRASE: "correct horse battery staple",
    PULUMI_CONFIG_PASSPHRASE_FILE: undefined,
    ...extraEnv,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(ROOT, "scripts", "deploy.ts"),
        "--env",
        "dev",
        "--config-file",
        box.file,
        ...args,
      ],
      { env, cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ status: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

function calls(box: Sandbox): Call[] {
  if (!fs.existsSync(box.log)) return [];
  return fs
    .readFileSync(box.log, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Call);
}

/** `up`, `preview`, `destroy`, `destroy-preview` calls in order, as "op stack". */
function operations(box: Sandbox): string[] {
  return calls(box)
    .filter((c) => ["up", "preview", "destroy"].includes(c.argv[0]))
    .map((c) => {
      const op =
        c.argv[0] === "destroy" && c.argv.includes("--preview-only")
          ? "destroy-preview"
          : c.argv[0];
      return `${op} ${c.stack}`;
    });
}

describe("npm run deploy with a stand-in pulumi CLI @slow", function () {
  this.timeout(600000);

  it("previews every stack before each update, and leaves the environment file byte-identical after its first initialization @slow", async () => {
    const box = sandbox();
    const original = fs.readFileSync(box.file, "utf8");
    const first = await deploy(box, ["--yes"]);
    assert.equal(first.status, 0, first.stderr + first.stdout);

    // Every up of a stack follows a preview of that stack, after its previous up.
    const ops = operations(box);
    const ups = ops.filter((o) => o.startsWith("up "));
    // Phase order; the workloads of a phase run in parallel, in any order among themselves.
    assert.deepEqual(
      [ups.slice(0, 3).sort(), ups[3], ups.slice(4, 7).sort(), ups[7]],
      [W.map((w) => `up ${w}`), "up dev-central", W.map((w) => `up ${w}`), "up dev-central"],
    );
    ops.forEach((op, i) => {
      if (!op.startsWith("up ")) return;
      const stack = op.slice(3);
      const before = ops.slice(0, i);
      const lastUp = before.lastIndexOf(`up ${stack}`);
      assert.ok(before.lastIndexOf(`preview ${stack}`) > lastUp, `${op} at ${i} follows a preview`);
    });
    for (const c of calls(box).filter((c) => ["up", "preview"].includes(c.argv[0]))) {
      assert.ok(c.argv.includes("--config-file") && c.argv.includes(box.file), c.argv.join(" "));
      assert.ok(c.argv.includes("--policy-pack"), c.argv.join(" "));
    }
    assert.ok(
      calls(box).some((c) => c.argv[0] === "preview" && c.argv.includes("--diff")),
      "previews show the diff",
    );

    // The file got its provider once, appended: everything before it, comments included, is intact.
    const initialized = fs.readFileSync(box.file, "utf8");
    assert.ok(initialized.startsWith(original), "the original text is kept byte for byte");
    assert.match(initialized.slice(original.length), /^# .*\nencryptionsalt: "v1:[^"]+"\n$/);
    assert.ok(!fs.existsSync(path.join(ROOT, "Pulumi.dev-central.yaml")), "no stack file left");
    // Progress lines are whole lines, each prefixed with its stack.
    for (const line of first.stdout.split("\n").filter((l) => l.startsWith("[")))
      assert.match(line, /^\[dev-(central|workload-[abc])\] .*\S/);

    // A second run (one workload) rewrites nothing, and touches only that stack.
    fs.rmSync(box.log);
    const second = await deploy(box, ["--yes", "--stack", "dev-workload-b"]);
    assert.equal(second.status, 0, second.stderr + second.stdout);
    assert.equal(fs.readFileSync(box.file, "utf8"), initialized, "byte-identical");
    const stackCalls = calls(box).filter((c) => c.stack !== undefined);
    assert.ok(stackCalls.length >= 4);
    assert.deepEqual([...new Set(stackCalls.map((c) => c.stack))], ["dev-workload-b"]);
    assert.deepEqual(operations(box), [
      "preview dev-workload-b",
      "up dev-workload-b",
      "preview dev-workload-b",
      "up dev-workload-b",
    ]);
  });

  it("the stand-in does what the CLI does to a file without provider settings (so the test above can fail) @slow", () => {
    const box = sandbox();
    fs.writeFileSync(path.join(box.state, "dev-central.json"), '{"deployed":false,"history":[]}');
    const before = fs.readFileSync(box.file, "utf8");
    const run = spawnSync(
      path.join(STAND_IN, "pulumi"),
      ["preview", "--stack", "dev-central", "--config-file", box.file],
      { env: { ...process.env, STANDIN_STATE: box.state, PULUMI_CONFIG_PASSPHRASE: "x" } },
    );
    assert.equal(run.status, 0, String(run.stderr));
    const after = fs.readFileSync(box.file, "utf8");
    assert.notEqual(after, before);
    assert.doesNotMatch(after, /^#/m, "re-saved without its comments");
    assert.ok((YAML.parse(after) as { encryptionsalt?: string }).encryptionsalt);
  });

  it("a stack failing with an error on stderr shows that error in the summary, exit 1 @slow", async () => {
    const box = sandbox();
    const message =
      "error: operation CREATE failed: AccessDeniedException: User: arn:aws:sts::333333333333:assumed-role/deploy is not authorized to perform: kms:CreateGrant";
    const run = await deploy(box, ["--yes", "--stack", "dev-workload-b"], {
      STANDIN_FAIL: "dev-workload-b:up",
      STANDIN_FAIL_STDERR: message,
    });
    assert.equal(run.status, 1, run.stderr + run.stdout);
    const summary = run.stdout.slice(run.stdout.indexOf("up: stopped"));
    assert.match(summary, /phase 1\s+dev-workload-b\s+up\s+failed/);
    assert.ok(summary.includes(message), summary);
    assert.doesNotMatch(summary, /code: -2|Command failed with exit code/);
    assert.match(summary, /phase 3\s+dev-workload-b\s+up\s+skipped: dev-workload-b failed/);
  });

  it("an empty passphrase on a file backend exits 2 before any stack is created or run @slow", async () => {
    const box = sandbox();
    const original = fs.readFileSync(box.file, "utf8");
    const run = await deploy(box, ["--yes"], { PULUMI_CONFIG_PASSPHRASE: "" });
    assert.equal(run.status, 2, run.stderr + run.stdout);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    assert.match(run.stderr, /PULUMI_CONFIG_PASSPHRASE is empty/);
    assert.deepEqual(
      calls(box).map((c) => c.argv[0]),
      ["version", "whoami"],
      "nothing but the CLI's version and backend was asked",
    );
    assert.equal(fs.readFileSync(box.file, "utf8"), original);
    assert.deepEqual(fs.readdirSync(box.state), []);
  });

  it("--destroy --yes in transit gateway mode destroys every workload stack before central @slow", async () => {
    const document = YAML.parseDocument(fs.readFileSync(DEV_FILE, "utf8"));
    document.setIn(["config", "secrets-hub:connectivity"], "transit-gateway");
    const box = sandbox(document.toString());
    // Deployed first, so that the destroy has something to delete.
    for (const s of ["dev-central", ...W])
      fs.writeFileSync(path.join(box.state, `${s}.json`), '{"deployed":true,"history":[]}');
    const run = await deploy(box, ["--destroy", "--yes"]);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    const destroys = operations(box).filter((o) => o.startsWith("destroy "));
    assert.deepEqual(destroys.slice(-1), ["destroy dev-central"]);
    assert.deepEqual(
      [...destroys.slice(0, 3)].sort(),
      W.map((w) => `destroy ${w}`),
    );
    // What it deletes is shown before anything is deleted.
    const firstDestroy = operations(box).indexOf(destroys[0]);
    assert.equal(
      operations(box)
        .slice(0, firstDestroy)
        .filter((o) => o.startsWith("destroy-preview")).length,
      4,
    );
    assert.match(run.stdout, /\[dev-central\] deletes urn:pulumi:dev-central::secrets-hub::/);
  });
});
