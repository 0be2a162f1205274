/** CIDR arithmetic on top of ip-address. */
import { Address4 } from "ip-address";

export { cidrsOverlap } from "../../policy-pack/lib/cidr";

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
