// policy-pack/policies/model.ts reads the SDK's raw properties through the private key
// `__getSpecialProxyTarget` of @pulumi/policy's unknown-checking proxy (proxy.js: marked
// @internal; the public API has no way to read a property that is unknown without it
// throwing). These tests pin that against the installed @pulumi/policy: if an upgrade
// renames the key, the policies would see the proxy again, and an unknown value read by a
// check would throw instead of becoming a finding.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  unknownCheckingProxy,
  type ResourceValidation,
  type ResourceValidationArgs,
} from "@pulumi/policy";
import {
  UNKNOWN,
  resourcePolicy,
  stackPolicy,
  type PlainResource,
  type Props,
} from "../../policy-pack/policies/model";

const ROOT = path.join(__dirname, "..", "..");

describe("the pack's raw read of @pulumi/policy's proxied properties", () => {
  const props = { name: "orders-db", kmsKeyId: UNKNOWN, nested: { value: UNKNOWN } };

  it("the installed @pulumi/policy is the version the pack pins", () => {
    const pinned = (
      JSON.parse(fs.readFileSync(path.join(ROOT, "policy-pack", "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
      }
    ).dependencies["@pulumi/policy"];
    const installed = (
      JSON.parse(fs.readFileSync(require.resolve("@pulumi/policy/package.json"), "utf8")) as {
        version: string;
      }
    ).version;
    assert.equal(installed.replace(/^v/, ""), pinned);
  });

  it("the proxy throws on an unknown read, so the raw target is needed", () => {
    const proxied = unknownCheckingProxy(props) as Props;
    assert.throws(() => proxied.kmsKeyId, /can't be known during preview/);
  });

  it("a resource policy's check gets the raw object, unknowns included", () => {
    let seen: Props | undefined;
    const policy = resourcePolicy({
      name: "probe",
      description: "probe",
      types: ["aws:secretsmanager/secret:Secret"],
      check: (p) => {
        seen = p;
        return [];
      },
    });
    const args = {
      type: "aws:secretsmanager/secret:Secret",
      props: unknownCheckingProxy(props),
      getConfig: () => ({}),
    } as unknown as ResourceValidationArgs;
    void (policy.validateResource as ResourceValidation)(args, () =>
      assert.fail("no violation expected"),
    );
    assert.equal(seen, props, "the proxy's target itself");
    assert.equal(seen!.kmsKeyId, UNKNOWN);
  });

  it("a stack policy's check gets raw objects too", () => {
    let seen: PlainResource[] = [];
    const policy = stackPolicy({
      name: "probe",
      description: "probe",
      check: (resources) => {
        seen = resources;
        return [];
      },
    });
    const resource = {
      type: "aws:secretsmanager/secret:Secret",
      urn: "urn:pulumi:dev::secrets-hub::aws:secretsmanager/secret:Secret::orders-db",
      name: "orders-db",
      props: unknownCheckingProxy(props),
      propertyDependencies: {},
    };
    void policy.validateStack!({ resources: [resource], getConfig: () => ({}) } as never, () =>
      assert.fail("no violation expected"),
    );
    assert.equal(seen[0].props, props);
    assert.equal((seen[0].props.nested as Props).value, UNKNOWN);
  });
});
