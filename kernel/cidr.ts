/**
 * IPv4 blocks as AWS takes them for VPCs and subnets, and the arithmetic the program does on
 * them: carving a VPC into subnets, and aggregating blocks into the fewest prefixes. The
 * kernel imports nothing, so the reading of a dotted quad is written out here; it accepts
 * exactly what the `ip-address` package's `Address4` accepts (tests/kernel/cidr.test.ts
 * compares them), which the policy pack's overlap rule (policy-pack/lib/cidr.ts) uses.
 */

/** Prefix lengths AWS accepts for a VPC CIDR block (and for a subnet). */
export const VPC_PREFIX_MIN = 16;
export const VPC_PREFIX_MAX = 28;

/** An IPv4 block: its first address as an unsigned 32-bit integer, and its prefix length. */
export interface Block {
  readonly start: number;
  readonly prefix: number;
}

/** One octet without a leading zero, as Address4 reads it. */
const OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const QUAD = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/**
 * Reads `a.b.c.d` or `a.b.c.d/n` (no prefix means /32); host bits are cleared, so
 * `10.0.0.1/16` reads as `10.0.0.0/16`. Undefined when it is not an IPv4 address or block.
 */
export function readBlock(value: string): (Block & { readonly address: number }) | undefined {
  const slash = /\/(\d{1,2})$/.exec(value);
  const prefix = slash ? Number(slash[1]) : 32;
  const quad = QUAD.exec(slash ? value.slice(0, slash.index) : value);
  if (prefix > 32 || quad === null) return undefined;
  const address = quad.slice(1, 5).reduce((n, octet) => n * 256 + Number(octet), 0);
  return { start: address - (address % size(prefix)), prefix, address };
}

/** Number of addresses of a /prefix block. */
function size(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** `a.b.c.d/n` of a block. */
export function formatBlock(block: Block): string {
  const { start, prefix } = block;
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
  return `${octets.join(".")}/${prefix}`;
}

/**
 * A VPC CIDR as AWS takes it: dotted quad, a prefix length from /16 to /28, and the network
 * address itself (10.0.0.0/16, not 10.0.0.1/16).
 */
export function isIpv4Cidr(value: string): boolean {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(value)) return false;
  const block = readBlock(value);
  return (
    block !== undefined &&
    block.prefix >= VPC_PREFIX_MIN &&
    block.prefix <= VPC_PREFIX_MAX &&
    block.start === block.address
  );
}

/**
 * True when `count` subnets of `/prefix` fit side by side in the block `cidr`.
 *
 * Edge: `prefix >= vpcPrefix`. AWS accepts a subnet as large as its VPC, so a /16 VPC holds
 * one /16 subnet, but never two (2 ** 0 = 1). The config check used to refuse
 * `prefix <= vpcPrefix` and carveSubnets only `prefix < vpcPrefix`; with one subnet per zone
 * and at least two zones both refuse a VPC-sized subnet, so the count decides there, and this
 * edge is also right for a single subnet. Only the geometry is stated here: the AWS bounds of
 * a subnet (/16 to /28) are the subnetPrefixLength field's own check.
 */
export function subnetsFit(cidr: string, prefix: number, count: number): boolean {
  const block = readBlock(cidr);
  return (
    block !== undefined &&
    Number.isInteger(prefix) &&
    prefix >= block.prefix &&
    prefix <= 32 &&
    2 ** (prefix - block.prefix) >= count
  );
}

/**
 * The first `count` blocks of `/prefixLength` inside `cidr`, in address order.
 * Throws when they do not fit; the config schema reports that case to the user first.
 */
export function carveSubnets(cidr: string, prefixLength: number, count: number): string[] {
  const block = readBlock(cidr);
  if (block === undefined) throw new Error(`${cidr} is not an IPv4 CIDR block`);
  if (prefixLength < block.prefix || 2 ** (prefixLength - block.prefix) < count) {
    throw new Error(`${count} /${prefixLength} subnets do not fit in ${cidr}`);
  }
  return Array.from({ length: count }, (_, i) =>
    formatBlock({ start: block.start + size(prefixLength) * i, prefix: prefixLength }),
  );
}

/**
 * The private subnets of a VPC this program creates: one per availability zone, carved in
 * zone order from the start of the VPC block, each `/prefixLength` (default
 * {@link defaultSubnetPrefix}). The Network component builds exactly these, and a workload
 * stack computes central's from the environment file alone (its database rules admit them
 * before central has run).
 */
export function privateSubnetLayout(
  cidr: string,
  zoneCount: number,
  prefixLength?: number,
): string[] {
  return carveSubnets(cidr, prefixLength ?? defaultSubnetPrefix(cidr), zoneCount);
}

/** Default subnet size: four bits below the VPC (a /16 yields /20 subnets), at most /28. */
export function defaultSubnetPrefix(cidr: string): number {
  const block = readBlock(cidr);
  if (block === undefined) throw new Error(`${cidr} is not an IPv4 CIDR block`);
  return Math.min(block.prefix + 4, VPC_PREFIX_MAX);
}

/**
 * The exact aggregate of `cidrs`: the fewest CIDR blocks that cover exactly their addresses,
 * never an address more. Two adjacent /20 subnets that start on a /19 boundary become that
 * /19; three become a /19 and a /20; a block nested in another disappears. Invalid blocks are
 * dropped. Sorted by address.
 *
 * The blocks are merged into disjoint address ranges (sorted once: O(n log n)), and each
 * range is cut into the largest aligned blocks from its start. That set is the smallest:
 * any set of prefixes covering exactly a range holds a block that starts at the range's start
 * and is at most the largest aligned one there, and so on from the block's end.
 */
export function aggregateCidrs(cidrs: readonly string[]): string[] {
  const ranges = cidrs
    .map(readBlock)
    .filter((b) => b !== undefined)
    .map((b) => ({ start: b.start, end: b.start + size(b.prefix) }))
    .sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  const out: string[] = [];
  for (const { start, end } of merged) {
    for (let at = start; at < end;) {
      // The largest block aligned at `at` that ends within the range.
      let prefix = 32;
      while (prefix > 0 && at % size(prefix - 1) === 0 && at + size(prefix - 1) <= end) prefix--;
      out.push(formatBlock({ start: at, prefix }));
      at += size(prefix);
    }
  }
  return out;
}
