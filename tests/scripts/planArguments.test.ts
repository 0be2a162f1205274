// plan's file arguments, checked before any stack runs: --against (the plan JSON of the last
// deploy) and --output.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runScript, tempDir } from "../harness";

describe("plan file arguments", function () {
  this.timeout(60000);

  for (const [what, content, message] of [
    ["a file that is not JSON", "{ stacks", /^--against .*: not JSON: /m],
    ["JSON that is not a plan", '{"errors": []}', /^--against .*: not the JSON of a plan/m],
  ] as const) {
    it(`@slow refuses ${what} with exit 2, naming the flag`, async () => {
      const file = path.join(tempDir(), "missing.json");
      if (content !== undefined) fs.writeFileSync(file, content);
      const run = await runScript("plan", ["--env", "dev", "--against", file]);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stderr, /^\s+at /m);
    });
  }

  it("@slow refuses --format mermaid, which has no place for the comparison", async () => {
    const run = await runScript("plan", [
      "--env",
      "dev",
      "--format",
      "mermaid",
      "--against",
      "x.json",
    ]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /^--against reports in text or JSON, not in --format mermaid/m);
  });

  it("@slow refuses an --output that names a directory before any stack runs", async () => {
    const dir = tempDir();
    const run = await runScript("plan", ["--env", "dev", "--output", dir]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /^--output .*: is a directory; give a file path/m);
  });
});
