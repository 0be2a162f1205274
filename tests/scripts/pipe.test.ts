// A command whose reader closes the pipe early (`npm run -s plan -- --json | head -c 100`).
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";

describe("command lines on a closed pipe", function () {
  this.timeout(120000);

  it("@slow plan --json | head -c 100 ends quietly with the plan's own exit status", async () => {
    const script = path.join(__dirname, "..", "..", "scripts", "plan.ts");
    const child = spawn(process.execPath, ["--import", "tsx", script, "--env", "dev", "--json"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let read = 0;
    // Read 100 bytes, then close the pipe as `head -c 100` does.
    child.stdout.on("data", (chunk: Buffer) => {
      read += chunk.length;
      if (read >= 100) child.stdout.destroy();
    });
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.ok(read >= 100, "the plan wrote its document");
    assert.doesNotMatch(stderr, /EPIPE|Unhandled 'error' event|^\s+at /m, stderr);
    assert.equal(status, 0, stderr);
  });
});
