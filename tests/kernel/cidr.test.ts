import * as assert from "node:assert/strict";
import { Address4 } from "ip-address";
import {
  aggregateCidrs,
  carveSubnets,
  defaultSubnetPrefix,
  formatBlock,
  isIpv4Cidr,
  readBlock,
  subnetsFit,
} from "../../kernel/cidr";

/** A deterministic pseudo-random sequence (the tests must not depend on luck). */
function random(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
}

describe("kernel cidr", () => {
  it("isIpv4Cidr: a VPC block, /16 to /28, written as its network address", () => {
    for (const ok of ["10.0.0.0/16", "172.16.0.0/28", "192.168.1.16/28"]) {
      assert.ok(isIpv4Cidr(ok), ok);
    }
    for (const bad of ["10.0.0.0/15", "10.0.0.0/29", "10.0.0.1/16", "10.0.0.0", "10.0.0/16", "x"]) {
      assert.ok(!isIpv4Cidr(bad), bad);
    }
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

  it("readBlock reads exactly what ip-address's Address4 reads, as it reads it", () => {
    const next = random(7);
    const samples = [
      "10.0.0.0/16",
      "10.0.0.1/16",
      "0.0.0.0/0",
      "255.255.255.255/32",
      "255.255.255.255",
      "10.0.0.0",
      "10.0.0.0/",
      "10.0.0.0/33",
      "10.0.0.0/123",
      "10.0.0.0/08",
      "010.0.0.0/16",
      "10.00.0.0/16",
      "256.0.0.0/8",
      "1.2.3/24",
      "1.2.3.4.5/24",
      " 10.0.0.0/16",
      "10.0.0.0/16 ",
      "10.0.0.0/16\n",
      "1e1.0.0.0/8",
      "+1.0.0.0/8",
      "10.0.0.0//16",
      "",
      "x",
      "10.0.0.0/-1",
      "١٠.0.0.0/8",
      "192.168.1.5/24",
    ];
    const parts = [
      "0",
      "00",
      "01",
      "9",
      "10",
      "99",
      "100",
      "199",
      "200",
      "249",
      "250",
      "255",
      "256",
      "300",
      "",
      "a",
    ];
    for (let i = 0; i < 3000; i++) {
      const octets = Array.from({ length: 4 }, () => parts[next() % parts.length]);
      const suffix = ["", "/", `/${next() % 40}`, `/0${next() % 10}`][next() % 4];
      samples.push(`${octets.join(".")}${suffix}`);
    }
    for (let i = 0; i < 3000; i++) {
      const address = next() * 2 + (next() % 2);
      const prefix = next() % 33;
      samples.push(
        `${[24, 16, 8, 0].map((s) => Math.floor(address / 2 ** s) % 256).join(".")}/${prefix}`,
      );
    }
    let valid = 0;
    for (const sample of samples) {
      const block = readBlock(sample);
      assert.equal(block !== undefined, Address4.isValid(sample), sample);
      if (block === undefined) continue;
      valid++;
      const theirs = new Address4(sample);
      assert.equal(block.start, Number(theirs.startAddress().bigInt()), sample);
      assert.equal(block.prefix, theirs.subnetMask, sample);
      assert.equal(
        formatBlock(block),
        `${theirs.startAddress().correctForm()}/${theirs.subnetMask}`,
      );
      // The VPC CIDR check as it was written on top of Address4.
      const vpc =
        /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(sample) &&
        theirs.subnetMask >= 16 &&
        theirs.subnetMask <= 28 &&
        theirs.startAddress().correctForm() === theirs.addressMinusSuffix;
      assert.equal(isIpv4Cidr(sample), vpc, sample);
    }
    assert.ok(valid > 3000, `only ${valid} valid samples`);
  });

  it("carveSubnets: the first blocks of the size, in address order; refuses what does not fit", () => {
    assert.deepEqual(carveSubnets("10.1.0.0/16", 20, 3), [
      "10.1.0.0/20",
      "10.1.16.0/20",
      "10.1.32.0/20",
    ]);
    assert.deepEqual(carveSubnets("10.1.0.0/16", 16, 1), ["10.1.0.0/16"]);
    assert.deepEqual(carveSubnets("192.168.255.240/28", 28, 1), ["192.168.255.240/28"]);
    assert.throws(
      () => carveSubnets("10.1.0.0/27", 28, 3),
      /3 \/28 subnets do not fit in 10.1.0.0\/27/,
    );
    assert.throws(() => carveSubnets("10.1.0.0/16", 15, 1), /do not fit/);
  });

  it("defaultSubnetPrefix: four bits below the VPC, at most /28", () => {
    assert.equal(defaultSubnetPrefix("10.0.0.0/16"), 20);
    assert.equal(defaultSubnetPrefix("10.0.0.0/26"), 28);
  });

  const aggregates: [string, string[], string[]][] = [
    ["two aligned /20 siblings become their /19", ["10.0.0.0/20", "10.0.16.0/20"], ["10.0.0.0/19"]],
    [
      "three /20 become a /19 and a /20",
      ["10.0.32.0/20", "10.0.0.0/20", "10.0.16.0/20"],
      ["10.0.0.0/19", "10.0.32.0/20"],
    ],
    [
      "adjacent /20 across a /19 boundary stay apart",
      ["10.0.16.0/20", "10.0.32.0/20"],
      ["10.0.16.0/20", "10.0.32.0/20"],
    ],
    ["a nested block disappears", ["10.0.0.0/16", "10.0.4.0/24", "10.0.0.0/16"], ["10.0.0.0/16"]],
    [
      "host bits are cleared, invalid blocks dropped",
      ["10.0.0.7/24", "nonsense", "10.0.1.0/24"],
      ["10.0.0.0/23"],
    ],
    ["the whole space", ["0.0.0.0/1", "128.0.0.0/1"], ["0.0.0.0/0"]],
    ["nothing", [], []],
    ["the last addresses", ["255.255.255.254/32", "255.255.255.255/32"], ["255.255.255.254/31"]],
  ];
  for (const [what, input, expected] of aggregates) {
    it(`aggregateCidrs: ${what}`, () => {
      assert.deepEqual(aggregateCidrs(input), expected);
    });
  }

  it("aggregateCidrs: covers exactly the addresses given, with the fewest blocks, on 300 random sets", () => {
    // Blocks inside 10.0.0.0/20 (4,096 addresses), so every address can be counted.
    const base = 10 * 2 ** 24;
    const SPACE = 4096;
    const next = random(11);
    for (let round = 0; round < 300; round++) {
      const given = new Uint8Array(SPACE);
      const cidrs = Array.from({ length: 1 + (next() % 12) }, () => {
        const prefix = 21 + (next() % 12);
        const size = 2 ** (32 - prefix);
        const start = (next() % (SPACE / size)) * size;
        given.fill(1, start, start + size);
        return formatBlock({ start: base + start, prefix });
      });
      const out = aggregateCidrs(cidrs);
      const covered = new Uint8Array(SPACE);
      let last = -1;
      for (const cidr of out) {
        const block = readBlock(cidr)!;
        const size = 2 ** (32 - block.prefix);
        assert.ok(block.start - base > last, `sorted and disjoint: ${out.join(" ")}`);
        last = block.start - base + size - 1;
        covered.fill(1, block.start - base, block.start - base + size);
      }
      assert.deepEqual(covered, given, cidrs.join(" "));
      // The fewest prefixes covering exactly a set: one for a block wholly in it, none for a
      // block outside it, else the fewest for each half.
      const fewest = (start: number, size: number): number => {
        const count = given.subarray(start, start + size).reduce((n, a) => n + a, 0);
        if (count === 0) return 0;
        if (count === size) return 1;
        return fewest(start, size / 2) + fewest(start + size / 2, size / 2);
      };
      assert.equal(out.length, fewest(0, SPACE), `${cidrs.join(" ")} -> ${out.join(" ")}`);
    }
  });
});
