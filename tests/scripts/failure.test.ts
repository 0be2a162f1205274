// How a command ends when a stack program refuses its input (a pulumi.RunError under the
// offline plan): exit 2 with the refusal as one line, no Node dump; and every child process
// (the policy-pack servers) ends with the command, on a failure and on a signal.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { EXIT, failure } from "../../scripts/lib/cli";
import { environmentFromFile } from "../../src/config";
import { liveChildren } from "../../src/offline/children";
import { planEnvironment } from "../../src/offline/plan";
import { runStack } from "../../src/offline/runStack";
import { DEV_FILE } from "../harness";

const FIXTURE = path.join(__dirname, "..", "fixtures", "failing-command.ts");
const REFUSAL =
  "secrets-hub:central.existingVpc.secretsManagerEndpointId vpce-0123456789abcdef0: is in another VPC";

/** Whether a process of that pid still runs. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs the fixture command; `onLine` sees each stdout line as it comes. */
function runFixture(
  mode: string,
  onLine: (line: string, child: ReturnType<typeof spawn>) => void = () => undefined,
): Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, "--mode", mode], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let pending = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    const lines = (pending + d.toString()).split("\n");
    pending = lines.pop()!;
    for (const line of lines) onLine(line, child);
  });
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on("exit", (status, signal) => resolve({ status, signal, stdout, stderr })),
  );
}

/** The pids the fixture printed as its children. */
const childPids = (stdout: string) =>
  (/^children: (.*)$/m.exec(stdout)?.[1] ?? "").split(" ").filter(Boolean).map(Number);

describe("a stack program's refusal", () => {
  it("ends the command with exit 2 and the RunError's message as one line", async () => {
    const error = await runStack({
      project: "secrets-hub",
      stack: "test-central",
      peers: new Map(),
      program: async () => {
        await Promise.resolve();
        throw new pulumi.RunError(`${REFUSAL}\n  (checked with ec2:DescribeVpcEndpoints)`);
      },
    }).then(
      () => assert.fail("the program ran"),
      (e: unknown) => e,
    );
    const { status, text, entries } = failure(error);
    assert.equal(status, EXIT.invalid);
    assert.equal(text, `${REFUSAL} (checked with ec2:DescribeVpcEndpoints)`);
    assert.equal(entries?.[0].key, "secrets-hub:central.existingVpc.secretsManagerEndpointId");
    // Any other error of a program stays unexpected.
    assert.equal(failure(new Error("boom")).status, EXIT.unexpected);
  });

  it("@slow exits 2 with one line, no Node dump, and leaves no policy-pack server", async () => {
    const run = await runFixture("refuse");
    assert.equal(run.status, EXIT.invalid, run.stderr);
    assert.equal(run.stderr, `${REFUSAL}\n`);
    const pids = childPids(run.stdout);
    assert.equal(pids.length, 1, run.stdout);
    assert.ok(!running(pids[0]), `policy-pack server ${pids[0]} still runs`);
  });

  it("@slow SIGTERM ends the command's policy-pack server with it", async () => {
    const run = await runFixture("hang", (line, child) => {
      if (line === "ready") child.kill("SIGTERM");
    });
    assert.equal(run.signal, "SIGTERM", run.stderr);
    const pids = childPids(run.stdout);
    assert.equal(pids.length, 1, run.stdout);
    // SIGTERM is sent, not awaited: give the server a moment to go.
    for (let i = 0; i < 50 && running(pids[0]); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(!running(pids[0]), `policy-pack server ${pids[0]} still runs`);
  });

  it("@slow a plan that fails stops its policy-pack server, even while it starts", async () => {
    const env = environmentFromFile(DEV_FILE);
    const before = new Set(liveChildren());
    await assert.rejects(
      planEnvironment(env, {
        progress: () => {
          throw new pulumi.RunError("refused after the first stack");
        },
      }),
      /refused after the first stack/,
    );
    assert.deepEqual(
      liveChildren().filter((c) => !before.has(c)),
      [],
      "every child of the plan has ended",
    );
  });
});
