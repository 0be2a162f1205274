// The kernel's Region table against the Regions @pulumi/aws knows (its `Region` enum).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PARTITIONS, partitionOf } from "../../kernel/partitions";
import { EXCLUDED_REGIONS, REGIONS, REGION_NAME_FORM, regionSpec } from "../../kernel/regions";

/** The Region names of `export declare const Region: { … }` in the installed provider. */
function pulumiAwsRegions(): string[] {
  const file = path.join(
    require.resolve("@pulumi/aws/package.json"),
    "..",
    "types",
    "enums",
    "index.d.ts",
  );
  const text = fs.readFileSync(file, "utf8");
  const block = /export declare const Region: \{([^}]*)\}/.exec(text)?.[1];
  assert.ok(block, `no Region enum in ${file}`);
  return [...block.matchAll(/: "([a-z0-9-]+)"/g)].map((m) => m[1]);
}

describe("kernel/regions.ts", () => {
  it("lists every Region of the @pulumi/aws Region enum, or excludes it with a reason", () => {
    const enumRegions = pulumiAwsRegions();
    assert.ok(enumRegions.length >= 40, `only ${enumRegions.length} Regions read`);
    const missing = enumRegions.filter((r) => !regionSpec(r) && !(r in EXCLUDED_REGIONS));
    assert.deepEqual(missing, []);
    for (const r of Object.keys(EXCLUDED_REGIONS)) {
      assert.ok(enumRegions.includes(r), `${r} is excluded but not in the enum`);
      assert.equal(regionSpec(r), undefined, `${r} is both listed and excluded`);
      assert.ok(EXCLUDED_REGIONS[r].length > 10, `${r} needs a reason`);
    }
  });

  it("places each Region in the partition partitionOf gives its name, in every known partition", () => {
    for (const r of REGIONS) {
      assert.equal(r.partition, partitionOf(r.name), r.name);
      assert.match(r.name, REGION_NAME_FORM);
    }
    assert.deepEqual([...new Set(REGIONS.map((r) => r.partition))].sort(), [...PARTITIONS].sort());
    assert.equal(new Set(REGIONS.map((r) => r.name)).size, REGIONS.length, "a Region twice");
  });

  it("gives each Region at least three zone letters, in order, none twice", () => {
    for (const r of REGIONS) {
      assert.match(r.zoneLetters, /^[a-f]{3,6}$/, r.name);
      assert.equal([...r.zoneLetters].sort().join(""), r.zoneLetters, r.name);
      assert.equal(new Set(r.zoneLetters).size, r.zoneLetters.length, r.name);
    }
    assert.equal(regionSpec("us-east-1")?.zoneLetters, "abcdef");
    assert.equal(regionSpec("eu-west-1")?.zoneLetters, "abc");
  });

  it("marks the Regions launched since March 2019 as opt-in, the older ones not", () => {
    for (const name of ["af-south-1", "ap-east-1", "eu-south-1", "me-south-1", "mx-central-1"])
      assert.equal(regionSpec(name)?.optIn, true, name);
    for (const name of ["us-east-1", "eu-west-1", "eu-north-1", "us-gov-west-1", "cn-north-1"])
      assert.equal(regionSpec(name)?.optIn, false, name);
  });
});
