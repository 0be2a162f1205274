/**
 * The overlap rule of IPv4 blocks, which the program (config rules) and the pack (peered and
 * attached CIDRs disjoint) must apply alike; the program imports it one way. SDK-free: plain
 * functions over strings, on top of ip-address. Carving and aggregating blocks are the
 * program's alone: kernel/cidr.ts.
 */
import { Address4 } from "ip-address";

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

/** True when the two IPv4 blocks share any address; false when either is not a valid block. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = cidrRange(a);
  const y = cidrRange(b);
  // Two CIDR blocks are either disjoint or nested, so sharing one address means nesting.
  return x !== undefined && y !== undefined && x.start <= y.end && y.start <= x.end;
}
