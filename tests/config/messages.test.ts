// Config messages that help: unknown keys name the allowed keys at their level and the closest one.
import * as assert from "node:assert/strict";
import { ConfigError, environmentFromFile } from "../../src/config";
import { editedDevFile } from "../harness";

function problemsOf(edit: (config: Record<string, any>) => void): ConfigError {
  try {
    environmentFromFile(editedDevFile(edit));
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail("accepted");
}

describe("config messages", () => {
  it("an unknown nested key names the keys allowed at its level and the closest one", () => {
    const error = problemsOf((c) => {
      c["secrets-hub:workloads"][0].database.engin = "postgres";
      c["secrets-hub:central"].regoin = "us-east-1";
    });
    const engin = error.problems.find((p) =>
      p.startsWith("secrets-hub:workloads[0].database.engin:"),
    );
    assert.match(engin ?? "", /unknown key; allowed: engine, .*existing; did you mean engine\?$/);
    assert.ok(!engin?.includes("see Pulumi.yaml"));
    const regoin = error.problems.find((p) => p.startsWith("secrets-hub:central.regoin:"));
    assert.match(regoin ?? "", /allowed: accountId, region, vpcCidr.*; did you mean region\?$/);
  });

  it("a top-level typo suggests the namespaced key; an unrelated name suggests nothing", () => {
    const error = problemsOf((c) => {
      c["secrets-hub:rotaton"] = {};
      c["secrets-hub:zzzzzzzz"] = 1;
    });
    const typo = error.problems.find((p) => p.startsWith("secrets-hub:rotaton:"));
    assert.match(typo ?? "", /did you mean secrets-hub:rotation\?$/);
    const other = error.problems.find((p) => p.startsWith("secrets-hub:zzzzzzzz:"));
    assert.doesNotMatch(other ?? "", /did you mean/);
  });

  it("locates each problem in the file: line and column of its key's value", () => {
    const error = problemsOf((c) => (c["secrets-hub:central"].accountId = "1111111111111"));
    const entry = error.entries.find((e) => e.key === "secrets-hub:central.accountId");
    assert.ok(entry?.line && entry.column, JSON.stringify(entry));
    assert.ok(error.located.includes(`${error.source}:${entry.line}:${entry.column}`));
  });
});
