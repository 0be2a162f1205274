import * as assert from "node:assert/strict";
import { environmentFromFile } from "../../src/config";
import {
  ConfirmRequest,
  DeployOptions,
  EngineEventLike,
  Mode,
  OperationOptions,
  PolicyOptions,
  StackOps,
  checkStackSelection,
  cliError,
  deployEnvironment,
  formatConfirmation,
  formatReport,
  lineSplitter,
  protectedUrns,
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
function fakeBackend(
  failOn?: { stack: string; op: string; error?: unknown },
  events: Record<string, EngineEventLike[]> = {},
) {
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
      // Output arrives in chunks that split lines.
      options.onOutput(`Updating (${name.slice(0, 4)}`);
      options.onOutput(`${name.slice(4)})\nView in`);
      for (const event of events[`${name}:${kind}`] ?? [])
        (opts.onEvent as (e: EngineEventLike) => void)(event);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      call.end = clock++;
      if (failOn && failOn.stack === name && failOn.op === kind)
        throw failOn.error ?? new Error(`${kind} failed: AccessDenied\nmore`);
      return { changeSummary: { create: 1, same: 2 } };
    };
    return {
      name,
      up: op("up"),
      preview: op("preview"),
      previewDestroy: op("previewDestroy"),
      destroy: op("destroy"),
    };
  };
  return { factory, calls, created, maxRunning: () => maxRunning };
}

/** What the Automation API throws when the CLI exits non-zero (automation/cmd.js `exec`). */
function commandError(stderr: string, stdout = "") {
  const execa = Object.assign(
    new Error(`Command failed with exit code 255: pulumi up --yes\n${stderr}`),
    {
      stderr,
      stdout,
      shortMessage: "Command failed with exit code 255: pulumi up --yes",
    },
  );
  return Object.assign(new Error(`code: -2\n stdout: \n stderr: ${execa.message}\n err?: Error`), {
    commandResult: { stdout: "", stderr: execa.message, code: -2, err: execa },
  });
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
const stacksOf = (calls: Call[], op: string) =>
  calls.filter((c) => c.op === op).map((c) => c.stack);

describe("deploy orchestrator", () => {
  it("creates every stack first, then previews and updates each phase of the topology in order", async () => {
    const backend = fakeBackend();
    const lines: string[] = [];
    const report = await deployEnvironment(
      env,
      backend.factory,
      options("up", { log: (l) => lines.push(l) }),
    );
    assert.equal(report.ok, true);
    assert.deepEqual([...backend.created].sort(), ["dev-central", ...W]);
    assert.deepEqual(stacksOf(backend.calls, "up"), [...W, "dev-central", ...W, "dev-central"]);
    // Every update follows a preview of its stack in the same phase, after the phase before ended.
    const ups = backend.calls.filter((c) => c.op === "up");
    for (const up of ups) {
      const preview = backend.calls
        .filter((c) => c.op === "preview" && c.stack === up.stack && c.end < up.start)
        .at(-1);
      assert.ok(preview, `${up.stack}: up at ${up.start} follows a preview`);
      assert.equal(preview.opts.diff, true);
    }
    const [firstCentral, secondCentral] = ups.filter((c) => c.stack === "dev-central");
    for (const c of ups.slice(0, 3)) assert.ok(c.end < firstCentral.start, "phase 1 before 2");
    for (const c of ups.slice(4, 7)) {
      assert.ok(c.start > firstCentral.end, "phase 3 starts after central");
      assert.ok(c.end < secondCentral.start, "phase 4 starts after every workload accepted");
    }
    assert.ok(
      lines.includes("[dev-workload-a] Updating (dev-workload-a)"),
      "whole lines, prefixed",
    );
    assert.ok(lines.includes("[dev-workload-a] View in"), "the unfinished last line is flushed");
    assert.equal(lines.filter((l) => l === "[dev-workload-a] Updating (dev-").length, 0);
  });

  it("asks once per phase that changes something, and applies nothing of a phase not confirmed", async () => {
    const backend = fakeBackend();
    const asked: ConfirmRequest[] = [];
    const report = await deployEnvironment(
      env,
      backend.factory,
      options("up", { confirm: async (r) => (asked.push(r), asked.length < 2) }),
    );
    assert.deepEqual(
      asked.map((r) => [r.mode, r.phases.map((p) => p.number), r.previews.map((p) => p.stack)]),
      [
        ["up", [1], W],
        ["up", [2], ["dev-central"]],
      ],
    );
    assert.deepEqual(stacksOf(backend.calls, "up"), W, "phase 2 was declined");
    assert.equal(report.ok, false);
    assert.match(formatReport(report), /stopped: phase 2 not confirmed/);
    assert.match(formatConfirmation(asked[0]).join("\n"), /dev-workload-a\s+1 create, 2 same/);
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
        assert.ok(c.op === mode || c.op === "preview");
        assert.equal(c.opts.configFile, "/envs/Pulumi.dev.yaml");
        assert.equal(c.opts.suppressProgress, true);
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

  it("stops at the first failure with the CLI's own stderr in the summary, not `code: -2`", async () => {
    const error = commandError(
      "error: update failed\n  aws:kms:Key secrets-key: AccessDeniedException: not authorized to perform kms:CreateKey",
      "Diagnostics:\n  error: operation CREATE failed with AccessDenied\n",
    );
    const backend = fakeBackend({ stack: "dev-central", op: "up", error });
    const report = await deployEnvironment(env, backend.factory, options("up"));
    assert.equal(report.ok, false);
    assert.deepEqual(stacksOf(backend.calls, "up"), [...W, "dev-central"]);
    const failed = report.steps.filter((s) => s.status === "failed");
    assert.deepEqual(
      failed.map((s) => [s.phase, s.stack, s.operation]),
      [[2, "dev-central", "up"]],
    );
    const summary = formatReport(report);
    assert.match(summary, /stopped: dev-central failed \(up\)/);
    assert.match(summary, /not authorized to perform kms:CreateKey/);
    assert.match(summary, /error: operation CREATE failed with AccessDenied/);
    assert.doesNotMatch(summary, /code: -2|Command failed/);
    // Every later stack is reported as skipped, with the reason.
    const skipped = report.steps.filter((s) => s.status === "skipped");
    assert.equal(skipped.filter((s) => s.operation === "up").length, 4);
    assert.ok(skipped.every((s) => /dev-central failed/.test(s.reason ?? "")));
  });

  it("starts no further stack of a phase after a failure in it, and says so for each", async () => {
    const backend = fakeBackend({ stack: "dev-workload-a", op: "preview" });
    const report = await deployEnvironment(env, backend.factory, options("up", { parallel: 1 }));
    assert.deepEqual(
      backend.calls.map((c) => [c.stack, c.op]),
      [["dev-workload-a", "preview"]],
    );
    const phase1 = report.steps.filter((s) => s.phase === 1);
    assert.deepEqual(
      phase1.map((s) => [s.stack, s.operation, s.status]),
      [
        ["dev-workload-a", "preview", "failed"],
        ["dev-workload-b", "preview", "skipped"],
        ["dev-workload-c", "preview", "skipped"],
        ["dev-workload-a", "up", "skipped"],
        ["dev-workload-b", "up", "skipped"],
        ["dev-workload-c", "up", "skipped"],
      ],
    );
    assert.match(phase1[1].reason!, /not started: dev-workload-a failed in the same phase/);
  });

  it("--stack runs only the selected stacks, in phase order, and refuses an unknown one", async () => {
    const backend = fakeBackend();
    await deployEnvironment(env, backend.factory, options("up", { stacks: ["dev-workload-b"] }));
    assert.deepEqual(backend.created, ["dev-workload-b"]);
    assert.deepEqual(
      backend.calls.map((c) => `${c.op} ${c.stack}`),
      [
        "preview dev-workload-b",
        "up dev-workload-b",
        "preview dev-workload-b",
        "up dev-workload-b",
      ],
    );
    const both = fakeBackend();
    await deployEnvironment(
      env,
      both.factory,
      options("up", { stacks: ["dev-central", "dev-workload-c"] }),
    );
    assert.deepEqual(stacksOf(both.calls, "up"), [
      "dev-workload-c",
      "dev-central",
      "dev-workload-c",
      "dev-central",
    ]);
    assert.throws(
      () => checkStackSelection(env, ["dev-workload-z"]),
      /--stack dev-workload-z: not a stack of 'dev'; allowed stacks: dev-central, dev-workload-a, dev-workload-b, dev-workload-c/,
    );
  });

  it("previews each stack once; destroys after previewing every deletion and asking once", async () => {
    assert.deepEqual(
      operationPhases(env, "preview").map((p) => p.stacks),
      [W, ["dev-central"]],
    );
    const events = {
      "dev-central:previewDestroy": [
        { resourcePreEvent: { metadata: { op: "delete", urn: "urn:a", type: "t" } } },
      ],
    };
    const backend = fakeBackend(undefined, events);
    const asked: ConfirmRequest[] = [];
    await deployEnvironment(
      env,
      backend.factory,
      options("destroy", { confirm: async (r) => (asked.push(r), true) }),
    );
    assert.deepEqual(
      backend.calls.map((c) => `${c.op} ${c.stack}`),
      [
        "previewDestroy dev-central",
        ...W.map((w) => `previewDestroy ${w}`),
        "destroy dev-central",
        ...W.map((w) => `destroy ${w}`),
      ],
    );
    assert.equal(asked.length, 1);
    assert.deepEqual(asked[0].previews[0].deletes, ["urn:a"]);
    for (const c of backend.calls) {
      assert.equal("policyPacks" in c.opts, false);
      assert.equal(c.opts.configFile, "/envs/Pulumi.dev.yaml");
    }
  });

  it("a destroy that would delete protected resources names them and deletes nothing", async () => {
    const urn = "urn:pulumi:dev-workload-a::secrets-hub::aws:rds/instance:Instance::db";
    const refusal = commandError(
      `error: resource "${urn}" cannot be deleted\nbecause it is protected. To unprotect the resource, ...`,
    );
    const events = {
      "dev-workload-b:previewDestroy": [
        {
          resourcePreEvent: {
            metadata: { op: "delete", urn: "urn:b", type: "t", old: { protect: true } },
          },
        },
      ],
    };
    const backend = fakeBackend(
      { stack: "dev-workload-a", op: "previewDestroy", error: refusal },
      events,
    );
    const report = await deployEnvironment(env, backend.factory, options("destroy"));
    assert.equal(report.ok, false);
    assert.deepEqual(stacksOf(backend.calls, "destroy"), []);
    const summary = formatReport(report);
    assert.match(
      summary,
      /protected resources block the destroy of dev-workload-a, dev-workload-b/,
    );
    assert.ok(summary.includes(`protected: ${urn}`));
    assert.ok(summary.includes("protected: urn:b"));
  });

  it("destroys every workload before central in transit gateway mode", async () => {
    const tgw = environmentFromFile(
      editedDevFile((c) => (c["secrets-hub:connectivity"] = "transit-gateway")),
    );
    const backend = fakeBackend();
    const report = await deployEnvironment(
      tgw,
      backend.factory,
      options("destroy", { parallel: 3 }),
    );
    assert.equal(report.ok, true);
    const destroys = backend.calls.filter((c) => c.op === "destroy");
    const central = destroys.find((c) => c.stack === "dev-central")!;
    assert.deepEqual(destroys.at(-1)!.stack, "dev-central");
    for (const w of destroys.filter((c) => c.stack !== "dev-central"))
      assert.ok(w.end < central.start, `${w.stack} is destroyed before central starts`);
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
        previewDestroy: op,
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
    const firstUp = report.steps.find((s) => s.operation === "up")!;
    assert.deepEqual(firstUp.changes, { create: 2, same: 40, update: 0 });
    assert.match(formatReport(report), /dev-workload-a\s+up\s+succeeded \(2 create, 40 same\)/);
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

  it("splits output into whole lines and reads the CLI's error from what the SDK throws", () => {
    const lines: string[] = [];
    const split = lineSplitter((l) => lines.push(l));
    split.write("a");
    split.write("b\r\nc\n\nd");
    split.flush();
    assert.deepEqual(lines, ["ab", "c", "d"]);
    assert.equal(cliError(commandError("error: boom")), "error: boom");
    assert.equal(cliError(new Error("plain")), "plain");
    assert.deepEqual(
      protectedUrns('resource "urn:pulumi:s::p::t::n" cannot be deleted\nbecause it is protected'),
      ["urn:pulumi:s::p::t::n"],
    );
  });
});
