// The composition root as `pulumi up` runs it: what the CLI prints when the program fails.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../src/config";
import { StackRunError, runStack } from "../src/offline/runStack";
import { DEV_FILE, devEnvironment, editedDevFile, entryWithConfigOf, runStackOf } from "./harness";

// The language host's own rendering of an uncaught program error (internal to the SDK).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultErrorMessage } = require("@pulumi/pulumi/cmd/run/error") as {
  defaultErrorMessage(err: unknown): string;
};

/**
 * What the Node.js language host prints for an error the program throws: the message of a
 * RunError, else "Running program … failed with an unhandled exception" and the stack
 * (@pulumi/pulumi/cmd/run/run.js, uncaughtHandler).
 */
function printedByCli(error: unknown): string {
  if (pulumi.RunError.isInstance(error)) return (error as Error).message;
  return `Running program 'index.ts' failed with an unhandled exception:\n${defaultErrorMessage(error)}`;
}

async function failureOf(file: string, stack: string, peers = new Map()): Promise<unknown> {
  const entry = await entryWithConfigOf(file);
  try {
    const failure = await runStack({ project: PROJECT, stack, peers, program: entry }).then(
      () => assert.fail("the program succeeded"),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof StackRunError, String(failure));
    return failure.cause;
  } finally {
    pulumi.runtime.setAllConfig({});
  }
}

function assertClean(printed: string, expected: RegExp): void {
  assert.match(printed, expected);
  assert.doesNotMatch(printed, /unhandled exception/);
  assert.doesNotMatch(printed, /^\s+at /m, "no stack frame");
}

describe("index.ts under pulumi up", () => {
  it("prints an invalid environment file as its message, every problem, no stack trace", async () => {
    const file = editedDevFile((c) => {
      c["secrets-hub:central"].accountId = "1111111111111";
      c["secrets-hub:replicaRegion"] = "us-east-1";
    });
    const printed = printedByCli(await failureOf(file, "dev-central"));
    assertClean(printed, /^invalid secrets-hub configuration:\n {2}- /);
    assert.match(printed, /secrets-hub:central\.accountId: must be a 12-digit AWS account id/);
    assert.match(printed, /secrets-hub:replicaRegion: must differ from the central region/);
  });

  it("prints a stack the file does not describe as its message", async () => {
    const printed = printedByCli(await failureOf(DEV_FILE, "dev-workload-z"));
    assertClean(printed, /stack 'dev-workload-z' is not described by the environment file/);
  });

  it("prints a peer stack of another environment as its message", async () => {
    // Central's first run (no workload deployed yet) already exports its account and network.
    const central = await runStackOf(devEnvironment(), "dev-central");
    const peers = new Map([
      [
        "dev-central",
        {
          outputs: { ...central.outputs, accountId: "999999999999" },
          secretOutputNames: central.secretOutputNames,
        },
      ],
    ]);
    const printed = printedByCli(await failureOf(DEV_FILE, "dev-workload-a", peers));
    assertClean(printed, /dev-central exports account 999999999999 .* refusing to peer/);
  });

  it("a plain Error would be printed with its stack (the check above is not vacuous)", () => {
    assert.match(printedByCli(new Error("boom")), /unhandled exception:[\s\S]*\n\s+at /);
  });
});
