/**
 * IPv4 CIDR reading and arithmetic on top of ip-address, shared by the pack (overlap checks)
 * and the program (config rules, subnet layout), which imports it one way; it imports
 * nothing of the program. SDK-free: plain functions over strings.
 */
import { Address4 } from "ip-address";

/** Prefix lengths AWS accepts for a VPC CIDR block (and for a subnet). */
export const VPC_PREFIX_MIN = 16;
export const VPC_PREFIX_MAX = 28;

/** An IPv4 block as an inclusive range of addresses, read once. */
export interface CidrRange {
  /** First address, as an unsigned 32-bit integer. */
  readonly start: number;
  /** Last address, as an unsigned 32-bit integer. */
  readonly end: number;
  /** Prefix length. */
  readonly prefix: number;
}

/** The addresses of an IPv4 block (host bits are ignored); undefined when it is not one. */
export function cidrRange(value: string): CidrRange | undefined {
  if (!Address4.isValid(value)) return undefined;
  const block = new Address4(value);
  return {
    start: Number(block.startAddress().bigInt()),
    end: Number(block.endAddress().bigInt()),
    prefix: block.subnetMask,
  };
}

/**
 * A VPC CIDR as AWS takes it: dotted quad, a prefix length from /16 to /28, and the network
 * address itself (10.0.0.0/16, not 10.0.0.1/16).
 */
export function isIpv4Cidr(value: string): boolean {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(value) || !Address4.isValid(value)) return false;
  const block = new Address4(value);
  return (
    block.subnetMask >= VPC_PREFIX_MIN &&
    block.subnetMask <= VPC_PREFIX_MAX &&
    block.startAddress().correctForm() === block.addressMinusSuffix
  );
}

/** True when the two IPv4 blocks share any address; false when either is not a valid block. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = cidrRange(a);
  const y = cidrRange(b);
  // Two CIDR blocks are either disjoint or nested, so sharing one address means nesting.
  return x !== undefined && y !== undefined && x.start <= y.end && y.start <= x.end;
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
  const block = cidrRange(cidr);
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
  const block = new Address4(cidr);
  const available = 2 ** (prefixLength - block.subnetMask);
  if (prefixLength < block.subnetMask || available < count) {
    throw new Error(`${count} /${prefixLength} subnets do not fit in ${cidr}`);
  }
  const base = block.startAddress().bigInt();
  const size = 1n << BigInt(32 - prefixLength);
  return Array.from(
    { length: count },
    (_, i) => `${Address4.fromBigInt(base + size * BigInt(i)).correctForm()}/${prefixLength}`,
  );
}

/** Default subnet size: four bits below the VPC (a /16 yields /20 subnets), at most /28. */
export function defaultSubnetPrefix(cidr: string): number {
  return Math.min(new Address4(cidr).subnetMask + 4, 28);
}

/**
 * The fewest CIDR blocks that cover exactly the addresses of `cidrs` (no address more):
 * sibling blocks merge into their parent, repeatedly. Two adjacent /20 subnets that start on
 * a /19 boundary become that /19; three become a /19 and a /20. Invalid blocks are dropped.
 */
export function summarizeCidrs(cidrs: readonly string[]): string[] {
  let blocks = cidrs
    .map(cidrRange)
    .filter((r): r is CidrRange => r !== undefined)
    .map((r) => ({ start: r.start, prefix: r.prefix }));
  for (let merged = true; merged;) {
    merged = false;
    blocks.sort((a, b) => a.start - b.start || a.prefix - b.prefix);
    // Drop blocks nested in an earlier one.
    blocks = blocks.filter((b, i) => {
      const outer = blocks.slice(0, i).find((o) => {
        const size = 2 ** (32 - o.prefix);
        return o.prefix <= b.prefix && b.start >= o.start && b.start < o.start + size;
      });
      return outer === undefined;
    });
    const next: { start: number; prefix: number }[] = [];
    for (let i = 0; i < blocks.length; i++) {
      const a = blocks[i];
      const b = blocks[i + 1];
      const size = 2 ** (32 - a.prefix);
      if (
        b !== undefined &&
        a.prefix === b.prefix &&
        a.prefix > 0 &&
        b.start === a.start + size &&
        a.start % (size * 2) === 0
      ) {
        next.push({ start: a.start, prefix: a.prefix - 1 });
        i++;
        merged = true;
      } else {
        next.push(a);
      }
    }
    blocks = next;
  }
  return blocks.map((b) => `${Address4.fromBigInt(BigInt(b.start)).correctForm()}/${b.prefix}`);
}
