/**
 * CIDR arithmetic on top of ip-address, shared by the pack (overlap checks) and the program
 * (config checks, subnet layout): one reading of a block.
 */
import { Address4 } from "ip-address";

/** True when the two IPv4 blocks share any address; false when either is not a valid block. */
export function cidrsOverlap(a: string, b: string): boolean {
  if (!Address4.isValid(a) || !Address4.isValid(b)) return false;
  const x = new Address4(a);
  const y = new Address4(b);
  return x.isInSubnet(y) || y.isInSubnet(x);
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
