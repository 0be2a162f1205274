// The offline plan's pass over all stacks together sends the pack only ENVIRONMENT_TYPES
// (src/offline/plan.ts). These hold the environment and transit gateway groups to reading no
// other type; tests/policy-pack/server.test.ts shows the findings are the same either way.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as types from "../../policy-pack/lib/types";
import { allPolicies } from "../../policy-pack/policies";
import { resourcePolicyTypes } from "../../policy-pack/policies/model";

const POLICIES = path.join(__dirname, "..", "..", "policy-pack", "policies");
const FILES = ["environment.ts", "transitGateway.ts", "counting.ts"];

describe("the types the policies read", () => {
  for (const file of FILES) {
    it(`${file} reads only types in ENVIRONMENT_TYPES`, () => {
      const source = fs.readFileSync(path.join(POLICIES, file), "utf8");
      const lists = types as unknown as Record<string, unknown>;
      const imported = [
        ...source.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*"\.\.\/lib\/types"/g),
      ].flatMap((m) =>
        m[1]
          .split(",")
          .map((n) => n.trim())
          .filter(Boolean),
      );
      for (const name of imported) {
        const list = lists[name];
        if (!Array.isArray(list)) continue; // a helper, not a list of types
        for (const type of list as string[])
          assert.ok(types.ENVIRONMENT_TYPES.includes(type), `${file} imports ${name}: ${type}`);
      }
      // And no type token written out in the file.
      for (const [literal] of source.matchAll(/"aws(?:-native)?:[\w/]+:\w+"/g))
        assert.ok(types.ENVIRONMENT_TYPES.includes(JSON.parse(literal)), `${file}: ${literal}`);
    });
  }

  it("every resource policy of the pack declares the types it checks", () => {
    const resource = allPolicies.filter((p) => "validateResource" in p);
    assert.ok(resource.length >= 10);
    for (const p of resource) assert.ok(resourcePolicyTypes(p.name)?.length, p.name);
    for (const p of allPolicies.filter((q) => !("validateResource" in q)))
      assert.equal(resourcePolicyTypes(p.name), undefined, p.name);
  });
});
