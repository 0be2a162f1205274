import * as assert from "node:assert/strict";
import { cidrRange, cidrsOverlap, isIpv4Cidr, subnetsFit } from "../../policy-pack/lib/cidr";

describe("cidr lib", () => {
  it("isIpv4Cidr: a VPC block, /16 to /28, written as its network address", () => {
    for (const ok of ["10.0.0.0/16", "172.16.0.0/28", "192.168.1.16/28"]) {
      assert.ok(isIpv4Cidr(ok), ok);
    }
    for (const bad of ["10.0.0.0/15", "10.0.0.0/29", "10.0.0.1/16", "10.0.0.0", "10.0.0/16", "x"]) {
      assert.ok(!isIpv4Cidr(bad), bad);
    }
  });

  it("cidrRange: the first and last address as integers", () => {
    assert.deepEqual(cidrRange("10.0.0.0/16"), { start: 0x0a000000, end: 0x0a00ffff, prefix: 16 });
    assert.equal(cidrRange("10.0.0.0/33"), undefined);
  });

  it("cidrsOverlap: nested or equal blocks overlap, adjacent ones do not", () => {
    assert.ok(cidrsOverlap("10.1.0.0/16", "10.1.128.0/17"));
    assert.ok(cidrsOverlap("10.1.128.0/17", "10.1.0.0/16"));
    assert.ok(cidrsOverlap("10.1.0.0/16", "10.1.0.0/16"));
    assert.ok(!cidrsOverlap("10.0.0.0/16", "10.1.0.0/16"));
    assert.ok(!cidrsOverlap("10.0.0.0/16", "nonsense"));
  });

  const fits: [string, number, number, boolean][] = [
    ["10.0.0.0/16", 20, 3, true],
    ["10.0.0.0/16", 17, 2, true],
    ["10.0.0.0/16", 17, 3, false],
    // A subnet as large as its VPC fits once (AWS allows it), never twice.
    ["10.0.0.0/16", 16, 1, true],
    ["10.0.0.0/16", 16, 2, false],
    ["10.0.0.0/16", 15, 1, false],
    ["10.0.0.0/27", 28, 2, true],
    ["10.0.0.0/27", 28, 3, false],
    ["10.0.0.0/16", 20.5, 1, false],
    ["10.0.0.0/16", 33, 1, false],
    ["nonsense", 20, 1, false],
  ];
  for (const [cidr, prefix, count, expected] of fits) {
    it(`subnetsFit: ${count} /${prefix} in ${cidr} ${expected ? "fit" : "do not fit"}`, () => {
      assert.equal(subnetsFit(cidr, prefix, count), expected);
    });
  }
});
