// transitGateway.share: whom the transit gateway's RAM share names, refused where it cannot
// work, and said by the plan.
import * as assert from "node:assert/strict";
import { ConfigError, environmentFromFile } from "../../src/config";
import { modeOf } from "../../src/connectivity";
import { editedDevFile } from "../harness";

const ORG = "arn:aws:organizations::111111111111:organization/o-abcdef1234";

function load(settings: Record<string, unknown>, connectivity = "transit-gateway") {
  const file = editedDevFile((c) => {
    c["secrets-hub:connectivity"] = connectivity;
    c["secrets-hub:transitGateway"] = settings;
  });
  try {
    return { env: environmentFromFile(file), problems: [] as string[] };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { env: undefined, problems: [...error.problems] };
  }
}

describe("transit gateway share mode", () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [
      {},
      /with each workload account inside the organization \(transitGateway\.share: organization-accounts\): no invitation, no external principals/,
    ],
    [
      { organizationArn: ORG },
      /with the organization \(transitGateway\.share: organization\): no invitation/,
    ],
    [{ share: "organization-accounts", organizationArn: ORG }, /inside the organization/],
    [
      { share: "external-accounts" },
      /as an external principal \(transitGateway\.share: external-accounts\): each workload accepts its invitation in phase 3/,
    ],
  ];
  for (const [settings, said] of cases) {
    it(`${JSON.stringify(settings)}: the plan says whom it shares with`, () => {
      const { env, problems } = load(settings);
      assert.deepEqual(problems, []);
      assert.match(modeOf(env!).summary(env!), said);
    });
  }

  const refused: [Record<string, unknown>, string, RegExp][] = [
    [
      { share: "organization" },
      "secrets-hub:transitGateway.organizationArn",
      /is required with secrets-hub:transitGateway\.share: organization/,
    ],
    [
      { share: "external-accounts", organizationArn: ORG },
      "secrets-hub:transitGateway.share",
      /cannot go with secrets-hub:transitGateway\.organizationArn: the secrets key grants by that organization/,
    ],
    [
      { share: "everyone" },
      "secrets-hub:transitGateway.share",
      /must be one of organization, organization-accounts, external-accounts/,
    ],
  ];
  for (const [settings, key, message] of refused) {
    it(`refuses ${JSON.stringify(settings)}, naming ${key}`, () => {
      const { problems } = load(settings);
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.ok(problems[0].startsWith(`${key}: `), problems[0]);
      assert.match(problems[0], message);
    });
  }

  it("refuses a share mode in peering mode", () => {
    const { problems } = load({ share: "external-accounts" }, "peering");
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(
      problems[0],
      /^secrets-hub:transitGateway\.share: applies only with secrets-hub:connectivity: transit-gateway/,
    );
  });
});
