import * as assert from "node:assert/strict";
import { cidrRange, cidrsOverlap } from "../../policy-pack/lib/cidr";

describe("cidr lib: the overlap rule", () => {
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
});
