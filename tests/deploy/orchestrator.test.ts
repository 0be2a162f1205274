import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import {
  DeployOptions,
  Mode,
  OperationOptions,
  PolicyOptions,
  StackOps,
  deployEnvironment,
  formatReport,
} from "../../src/deploy/orchestrator";
import { operationPhases } from "../../src/topology";
import { devEnvironment, editedDevFile } from "../harness";

interface Call {
  stack: string;
  op: string;
  start: number;
  end: number;
  opts: Record<string, unknown>;
}

/** A stand-in for the Automation API: records calls, takes time, fails where told. */
function fakeBackend(failOn?: { stack: string; op: string }) {
  const calls: Call[] = [];
  const created: string[] = [];
  let clock = 0;
  let running = 0;
  let maxRunning = 0;
  const factory = async (name: string): Promise<StackOps> => {
    created.push(name);
    const op = (kind: string) => async (options: OperationOptions & Partial<PolicyOptions>) => {
      const opts = options as unknown as Record<string, unknown>;
      const call: Call = { stack: name, op: kind, start: clock++, end: -1, opts };
      calls.push(call);
      running++;
      maxRunning = Math.max(maxRunning, running);
      (opts.onOutput as (s: string) => void)("Updating (" + name + ")\n");
      await new Promise((r) => setTimeout(r, 5));
      running--;
      call.end = clock++;
      if (failOn && failOn.stack === name && failOn.op === kind)
        throw new Error(`${kind} failed: AccessDenied\nmore`);
      return {};
    };
    return { name, up: op("up"), preview: op("preview"), destroy: op("destroy") };
  };
  return { factory, calls, created, maxRunning: () => maxRunning };
}

const env = devEnvironment();
const options = (mode: Mode, extra: Partial<DeployOptions> = {}): DeployOptions => ({
  mode,
  configFile: "/envs/Pulumi.dev.yaml",
  policyPack: "/repo/policy-pack",
  parallel: 2,
  ...extra,
});
const W = ["dev-workload-a", "dev-workload-b", "dev-workload-c"];

describe("deploy orchestrator", () => {
  it("creates every stack before any operation, then runs the phases of the topology in order", async () => {
    const backend = fakeBackend();
    const lines: string[] = [];
    const report = await deployEnvironment(
      env,
      backend.factory,
      options("up", { log: (l) => lines.push(l) }),
    );
    assert.equal(report.ok, true);
    assert.deepEqual([...backend.created].sort(), ["dev-central", ...W]);
    assert.deepEqual(
      backend.calls.map((c) => c.stack),
      [...W, "dev-central", ...W, "dev-central"],
    );
    const [firstCentral, secondCentral] = [backend.calls[3], backend.calls[7]];
    for (const c of backend.calls.slice(0, 3))
      assert.ok(c.end < firstCentral.start, "phase 1 ends before central starts");
    for (const c of backend.calls.slice(4, 7)) {
      assert.ok(c.start > firstCentral.end, "phase 3 starts after central");
      assert.ok(c.end < secondCentral.start, "phase 4 starts after every workload accepted");
    }
    assert.ok(
      lines.includes("[dev-workload-a] Updating (dev-workload-a)"),
      "progress is prefixed per stack",
    );
  });

  it("passes the environment file and the policy pack to every update and preview", async () => {
    for (const mode of ["up", "preview"] as const) {
      const backend = fakeBackend();
      await deployEnvironment(
        env,
        backend.factory,
        options(mode, { policyPackConfig: "/cfg/policy.json" }),
      );
      for (const c of backend.calls) {
        assert.equal(c.op, mode);
        assert.equal(c.opts.configFile, "/envs/Pulumi.dev.yaml");
        assert.deepEqual(c.opts.policyPacks, ["/repo/policy-pack"]);
        assert.deepEqual(c.opts.policyPackConfigs, ["/cfg/policy.json"]);
      }
    }
  });

  it("runs at most --parallel stacks of a phase at once", async () => {
    for (const parallel of [1, 2, 3]) {
      const backend = fakeBackend();
      await deployEnvironment(env, backend.factory, options("up", { parallel }));
      assert.equal(backend.maxRunning(), parallel);
    }
  });

  it("stops at the first failure: no later phase, a summary naming the failed stack", async () => {
    const backend = fakeBackend({ stack: "dev-central", op: "up" });
    const report = await deployEnvironment(env, backend.factory, options("up"));
    assert.equal(report.ok, false);
    assert.deepEqual(
      backend.calls.map((c) => c.stack),
      [...W, "dev-central"],
    );
    const failed = report.steps.filter((s) => s.status === "failed");
    assert.deepEqual(
      failed.map((s) => [s.phase, s.stack]),
      [[2, "dev-central"]],
    );
    assert.match(failed[0].error ?? "", /AccessDenied/);
    assert.deepEqual(
      report.steps.filter((s) => s.status === "skipped").map((s) => s.stack),
      [...W, "dev-central"],
    );
  });

  it("starts no further stack of a phase after a failure in it", async () => {
    const backend = fakeBackend({ stack: "dev-workload-a", op: "up" });
    const report = await deployEnvironment(env, backend.factory, options("up", { parallel: 1 }));
    assert.deepEqual(
      backend.calls.map((c) => c.stack),
      ["dev-workload-a"],
    );
    // b and c of phase 1, then central, the three workloads and central again.
    assert.equal(report.steps.filter((s) => s.status === "skipped").length, 7);
  });

  it("previews each stack once, and destroys central first, then the workloads, without policy packs", async () => {
    assert.deepEqual(
      operationPhases(env, "preview").map((p) => p.stacks),
      [W, ["dev-central"]],
    );
    const backend = fakeBackend();
    await deployEnvironment(env, backend.factory, options("destroy"));
    assert.deepEqual(
      backend.calls.map((c) => c.stack),
      ["dev-central", ...W],
    );
    for (const c of backend.calls) {
      assert.equal(c.op, "destroy");
      assert.equal("policyPacks" in c.opts, false);
      assert.equal(c.opts.configFile, "/envs/Pulumi.dev.yaml");
    }
  });

  it("passes --refresh and --expect-no-changes through, and reports each stack's changes", async () => {
    const seen: Record<string, unknown>[] = [];
    const factory = async (name: string): Promise<StackOps> => {
      const op = async (opts: object) => {
        seen.push(opts as Record<string, unknown>);
        return { summary: { resourceChanges: { create: 2, same: 40, update: 0 } } };
      };
      return {
        name,
        up: op,
        preview: async (opts: object) => {
          seen.push(opts as Record<string, unknown>);
          return { changeSummary: { same: 42 } };
        },
        destroy: op,
      };
    };
    const report = await deployEnvironment(
      env,
      factory,
      options("up", { refresh: true, expectNoChanges: true }),
    );
    for (const opts of seen) {
      assert.equal(opts.refresh, true);
      assert.equal(opts.expectNoChanges, true);
    }
    assert.deepEqual(report.steps[0].changes, { create: 2, same: 40, update: 0 });
    assert.match(formatReport(report), /dev-workload-a\s+succeeded \(2 create, 40 same\)/);
    const preview = await deployEnvironment(env, factory, options("preview"));
    assert.deepEqual(preview.steps[0].changes, { same: 42 });
    assert.equal("refresh" in seen.at(-1)!, false, "not passed unless asked");
  });

  it("refuses a bad --parallel", async () => {
    await assert.rejects(
      deployEnvironment(env, fakeBackend().factory, options("up", { parallel: 0 })),
      /--parallel/,
    );
  });
});

describe("@slow npm run deploy arguments", function () {
  this.timeout(60000);
  const deploy = (...args: string[]) =>
    spawnSync(
      process.execPath,
      ["--import", "tsx", path.join(__dirname, "..", "..", "scripts", "deploy.ts"), ...args],
      {
        encoding: "utf8",
      },
    );

  it("refuses --preview with --destroy, and a missing --env", () => {
    assert.equal(deploy("--env", "dev", "--preview", "--destroy").status, 2);
    assert.match(deploy().stderr, /required option .--env <name>. not specified/);
  });

  it("stops on an invalid environment file before touching any stack (exit 2, key path named)", () => {
    const file = editedDevFile((c) => (c["secrets-hub:key"].deletionWindowInDays = 3));
    const result = deploy("--env", "dev", "--config-file", file);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /secrets-hub:key\.deletionWindowInDays: must be from 7 to 30/);
    assert.ok(result.stderr.includes(file), "the error names the file");
  });

  it("refuses an environment file that describes another environment than --env", () => {
    const result = deploy(
      "--env",
      "prod",
      "--config-file",
      editedDevFile(() => undefined),
    );
    assert.equal(result.status, 2);
    assert.match(result.stderr, /secrets-hub:environment: is 'dev', but --env is 'prod'/);
  });
});
