// runStack turns the SDK's per-promise debugging off while a program runs under mocks, and
// puts it back afterwards; these hold the SDK to the shape that relies on.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as aws from "@pulumi/aws";
import { debuggable, runStack } from "../../src/offline/runStack";

describe("runStack and the SDK's promise debugging", () => {
  it("the SDK wraps its promises through the debuggable module's export, looked up at each call", () => {
    assert.equal(typeof debuggable.debuggablePromise, "function");
    // Compiled as `debuggable_1.debuggablePromise(...)`: replacing the export reaches every call.
    const source = fs.readFileSync(require.resolve("@pulumi/pulumi/runtime/resource"), "utf8");
    assert.match(source, /debuggable_1\.debuggablePromise\(/);
  });

  it("while a program runs: the wrapper is the identity, no stack frames; afterwards both as before", async () => {
    const wrapper = debuggable.debuggablePromise;
    const limit = Error.stackTraceLimit;
    let during: { identity: boolean; limit: number } | undefined;
    const run = await runStack({
      project: "secrets-hub",
      stack: "t-central",
      peers: new Map(),
      program: async () => {
        const p = Promise.resolve(1);
        during = {
          identity: debuggable.debuggablePromise(p, "t") === p,
          limit: Error.stackTraceLimit,
        };
        new aws.sns.Topic("t", {});
        return {};
      },
    });
    assert.deepEqual(during, { identity: true, limit: 0 });
    // The program still registers through the wrapped calls.
    assert.deepEqual(
      run.resources.filter((r) => r.custom).map((r) => r.type),
      ["aws:sns/topic:Topic"],
    );
    assert.equal(debuggable.debuggablePromise, wrapper);
    assert.equal(Error.stackTraceLimit, limit);
  });

  it("a program that throws: its message kept, the wrapper and the stack limit put back", async () => {
    const wrapper = debuggable.debuggablePromise;
    const limit = Error.stackTraceLimit;
    await assert.rejects(
      runStack({
        project: "secrets-hub",
        stack: "t-central",
        peers: new Map(),
        program: async () => {
          throw new Error("the program refuses");
        },
      }),
      /the program refuses/,
    );
    assert.equal(debuggable.debuggablePromise, wrapper);
    assert.equal(Error.stackTraceLimit, limit);
  });
});
