// Bad inputs of issue 21 item 8, each refused in-process as the command lines refuse it: exit 2
// (scripts/lib/cli.ts `failure`), one line naming the key, flag or file and what is allowed.
import * as assert from "node:assert/strict";
import { guardPolicies } from "../../scripts/lib/policyConfigFile";
import { EXIT, failure } from "../../scripts/lib/cli";
import { environmentFromFile } from "../../src/config";
import { clip, quote } from "../../src/config/quote";
import { PolicyConfigError, reconcilePolicyConfig } from "../../src/policyConfig";
import { editedDevFile } from "../harness";

/** What the command prints for the error of `run`: exit 2, and the printed lines. */
function refusal(run: () => unknown): string[] {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, "accepted");
  const { status, text } = failure(error);
  assert.equal(status, EXIT.invalid, text);
  assert.doesNotMatch(text, /^\s+at /m, "no stack trace");
  return text.split("\n");
}

/** The one printed line about `key`. */
function lineAbout(lines: string[], key: string): string {
  const about = lines.filter((l) => l.includes(key));
  assert.equal(about.length, 1, `one line about ${key} in\n${lines.join("\n")}`);
  return about[0];
}

describe("bad input: quoting a user value", () => {
  it("clips a value at 80 characters and says how long it was", () => {
    assert.equal(clip("x".repeat(80)), "x".repeat(80));
    assert.equal(clip("x".repeat(81)), `${"x".repeat(80)}…(81 characters)`);
    assert.equal(quote("a\nb"), '"a\\nb"');
    assert.equal(clip("a\nb"), "a\\nb", "one line");
  });

  it("a huge value in the environment file is quoted clipped, on one line", () => {
    const huge = `eu-${"west-".repeat(20000)}1`;
    const lines = refusal(() =>
      environmentFromFile(editedDevFile((c) => (c["secrets-hub:replicaRegion"] = huge))),
    );
    const line = lineAbout(lines, "secrets-hub:replicaRegion:");
    assert.match(line, /\(got "eu-west-west-.{60,}…\(100006 characters\)\)/);
    assert.ok(line.length < 400, `${line.length} characters`);
  });

  it("a huge unknown key is named clipped", () => {
    const lines = refusal(() =>
      environmentFromFile(editedDevFile((c) => (c[`secrets-hub:${"k".repeat(5000)}`] = 1))),
    );
    assert.match(lineAbout(lines, "unknown key"), /^ {2}- secrets-hub:k{80}…\(5000 characters\): /);
  });
});

describe("bad input: policy config", () => {
  let policies: Awaited<ReturnType<typeof guardPolicies>>;
  before(async () => {
    policies = await guardPolicies();
  });

  it("refuses a misspelt parameter, naming the policy's parameters and the closest", () => {
    const lines = refusal(() =>
      reconcilePolicyConfig(
        policies,
        { "rotation-interval-max": { maxRotationDay: 30 } },
        "policy.json",
      ),
    );
    assert.equal(lines[0], "policy.json: invalid policy configuration:");
    assert.equal(
      lineAbout(lines, "rotation-interval-max.maxRotationDay"),
      "  - rotation-interval-max.maxRotationDay: no such parameter (did you mean maxRotationDays?); parameters of rotation-interval-max: enforcementLevel, maxRotationDays",
    );
  });

  it("refuses a parameter of a policy that takes none", () => {
    const plain = policies.find((p) => Object.keys(p.configSchema?.properties ?? {}).length === 0)!;
    assert.throws(
      () => reconcilePolicyConfig(policies, { [plain.name]: { limit: 3 } }),
      (error: PolicyConfigError) => {
        assert.equal(
          `${error.problems[0].key}: ${error.problems[0].message}`,
          `${plain.name}.limit: no such parameter; ${plain.name} takes no parameters, only enforcementLevel`,
        );
        return true;
      },
    );
  });

  it("refuses a huge policy name, clipped", () => {
    const lines = refusal(() => reconcilePolicyConfig(policies, { ["p".repeat(300)]: "advisory" }));
    assert.match(lineAbout(lines, "no such policy"), /^ {2}- p{80}…\(300 characters\): /);
  });
});
