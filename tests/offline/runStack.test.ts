// runStack turns the SDK's per-promise debugging off while a program runs under mocks, and
// puts it back afterwards; these hold the SDK to the shape that relies on.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { debuggable, runStack } from "../../src/offline/runStack";

describe("runStack and the SDK's promise debugging", () => {
  it("the SDK wraps its promises through the debuggable module's export, looked up at each call", () => {
    assert.equal(typeof debuggable.debuggablePromise, "function");
    // Compiled as `debuggable_1.debuggablePromise(...)`: replacing the export reaches every call.
    const source = fs.readFileSync(require.resolve("@pulumi/pulumi/runtime/resource"), "utf8");
    assert.match(source, /debuggable_1\.debuggablePromise\(/);
    // And every resource asks its class for its stack trace: `Resource.stackTrace(4)`.
    const resource = fs.readFileSync(require.resolve("@pulumi/pulumi/resource"), "utf8");
    assert.match(resource, /= Resource\.stackTrace\(4\);/);
  });

  it("while a program runs: the wrapper is the identity, no stack frames; afterwards both as before", async () => {
    const wrapper = debuggable.debuggablePromise;
    const limit = Error.stackTraceLimit;
    let during: { identity: boolean; limit: number; positions: number } | undefined;
    const run = await runStack({
      project: "secrets-hub",
      stack: "t-central",
      peers: new Map(),
      program: async () => {
        const p = Promise.resolve(1);
        during = {
          identity: debuggable.debuggablePromise(p, "t") === p,
          limit: Error.stackTraceLimit,
          positions: (
            pulumi.Resource as unknown as { stackTrace(n: number): unknown[] }
          ).stackTrace(0).length,
        };
        new aws.sns.Topic("t", {});
        return {};
      },
    });
    assert.deepEqual(during, { identity: true, limit: 0, positions: 0 });
    // The program still registers through the wrapped calls.
    assert.deepEqual(
      run.resources.filter((r) => r.custom).map((r) => r.type),
      ["aws:sns/topic:Topic"],
    );
    assert.equal(debuggable.debuggablePromise, wrapper);
    assert.equal(Error.stackTraceLimit, limit);
    const trace = (pulumi.Resource as unknown as { stackTrace(n: number): unknown[] }).stackTrace(
      0,
    );
    assert.ok(trace.length > 0, "Resource.stackTrace put back");
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

  it("a peer's outputs reach the program in full, the response's debug text does not, and the references are recorded", async () => {
    // The SDK formats each response into a debug line it drops without an engine.
    const source = fs.readFileSync(require.resolve("@pulumi/pulumi/runtime/resource"), "utf8");
    assert.match(
      source,
      /ReadResource RPC finished: \$\{label\}; err: \$\{rpcError\}, resp: \$\{innerResponse\}/,
    );
    const big = Object.fromEntries([...Array(2000).keys()].map((i) => [`w${i}`, `arn:aws:x:${i}`]));
    let text: string | undefined;
    let read: unknown;
    const run = await runStack({
      project: "secrets-hub",
      stack: "t-workload",
      peers: new Map([["t-central", { outputs: { big, small: "s" }, secretOutputNames: [] }]]),
      program: async () => {
        const ref = new pulumi.StackReference("central-ref", {
          name: "organization/secrets-hub/t-central",
        });
        read = (await ref.getOutputDetails("big")).value;
        const monitor = settings.getMonitor() as unknown as {
          readResource(req: unknown, cb: (err: unknown, resp?: object) => void): void;
        };
        const req = new resproto.ReadResourceRequest();
        req.setType("pulumi:pulumi:StackReference");
        req.setName("direct");
        req.setId("organization/secrets-hub/t-central");
        req.setProperties(Struct.fromJavaScript({ name: "organization/secrets-hub/t-central" }));
        text = await new Promise<string>((resolve, reject) =>
          monitor.readResource(req, (err, resp) => (err ? reject(err) : resolve(`${resp}`))),
        );
        return {};
      },
    });
    assert.deepEqual(read, big);
    assert.equal(text, "[monitor response]");
    assert.deepEqual(run.references, ["t-central", "t-central"]);
  });
});
