// scripts/deploy.ts: its arguments and files checked before any stack is touched.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { editedDevFile } from "../harness";

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
