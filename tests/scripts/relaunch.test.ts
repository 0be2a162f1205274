// A large environment is planned in a child with a larger young generation
// (scripts/lib/relaunch.ts); a small one in the process the user started.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { generateEnvironmentFile } from "../../src/bench/generate";
import { RELAUNCH_WORKLOADS, relaunchedPlan } from "../../scripts/lib/relaunch";
import { tempDir } from "../harness";

const ROOT = path.join(__dirname, "..", "..");

/** Runs the plan with the bench's preload, which appends each plan process's peak RSS to a file. */
function planProcesses(
  args: string[],
): Promise<{ status: number; stdout: string; stderr: string; processes: number }> {
  const rss = path.join(tempDir(), "rss");
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [
        ...["--import", "tsx", "--require", path.join(ROOT, "scripts", "lib", "report-rss.cjs")],
        ...[path.join(ROOT, "scripts", "plan.ts"), ...args],
      ],
      { env: { ...process.env, BENCH_RSS_FILE: rss }, maxBuffer: 1 << 30 },
      (error, stdout, stderr) =>
        resolve({
          status: error ? Number(error.code) : 0,
          stdout,
          stderr,
          processes: fs.existsSync(rss)
            ? fs.readFileSync(rss, "utf8").trim().split("\n").length
            : 0,
        }),
    ),
  );
}

function largeFile(edit = (text: string) => text): string {
  const file = path.join(tempDir(), "Pulumi.large.yaml");
  fs.writeFileSync(file, edit(generateEnvironmentFile("large", RELAUNCH_WORKLOADS)));
  return file;
}

describe("plan relaunch", function () {
  this.timeout(120000);

  it("plans a small environment here, and a relaunched child plans where it is", () => {
    assert.equal(relaunchedPlan(path.join(ROOT, "Pulumi.dev.yaml")), undefined);
    process.env.SECRETS_HUB_PLAN_RELAUNCHED = "1";
    try {
      assert.equal(relaunchedPlan(largeFile()), undefined);
    } finally {
      delete process.env.SECRETS_HUB_PLAN_RELAUNCHED;
    }
  });

  it("@slow a large environment: the plan in a child, its JSON and exit status as the user's", async () => {
    const run = await planProcesses(["--env", "large", "--config-file", largeFile(), "--json"]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.processes, 2, "the plan and its relaunched child");
    assert.equal((JSON.parse(run.stdout) as { converged: boolean }).converged, true);
    const dev = await planProcesses(["--env", "dev", "--json"]);
    assert.equal(dev.status, 0, dev.stderr);
    assert.equal(dev.processes, 1);
  });

  it("@slow a large environment with a bad key: the child's one line and exit 2", async () => {
    const file = largeFile((t) => t.replace(/^(\s*secrets-hub:environment:).*$/m, "$1 Large!"));
    const run = await planProcesses(["--env", "large", "--config-file", file]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /secrets-hub:environment/);
    assert.doesNotMatch(run.stderr, /^\s+at /m);
  });
});
