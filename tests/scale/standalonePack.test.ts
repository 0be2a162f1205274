// The pack as `pulumi policy publish` ships it: policy-pack/ alone (no node_modules, no
// repository around it), its own dependencies installed, started as the CLI starts it. Run by
// `npm run test:slow`, not `npm test`: the install takes 15-20 s even from the npm cache.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { allPolicies } from "../../policy-pack/policies";
import { PolicyServer } from "../../src/offline/policyServer";
import { tempDir } from "../harness";

const PACK = path.join(__dirname, "..", "..", "policy-pack");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

describe("@slow secrets-hub-guard on its own", function () {
  this.timeout(300000);

  it("installs from its own package.json and serves every policy", async () => {
    const dir = tempDir();
    fs.cpSync(PACK, dir, {
      recursive: true,
      filter: (source) => path.basename(source) !== "node_modules",
    });
    const started = Date.now();
    await promisify(execFile)(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
      cwd: dir,
    });
    const installed = Date.now() - started;
    // The pack's own TypeScript and SDK, not the repository's.
    for (const dependency of ["typescript", "@pulumi/policy", "@pulumi/pulumi", "@types/node"])
      assert.ok(fs.existsSync(path.join(dir, "node_modules", dependency)), dependency);
    const server = await PolicyServer.start(dir);
    try {
      assert.deepEqual(
        server.policies.map((p) => p.name).sort(),
        allPolicies.map((p) => p.name).sort(),
      );
    } finally {
      await server.stop();
    }
    console.log(
      `      (npm install ${installed} ms, start ${Date.now() - started - installed} ms)`,
    );
  });
});
