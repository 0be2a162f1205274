/** CIDR overlap, shared by the pack and the program's config checks (one reading of a block). */
import { Address4 } from "ip-address";

/** True when the two IPv4 blocks share any address; false when either is not a valid block. */
export function cidrsOverlap(a: string, b: string): boolean {
  if (!Address4.isValid(a) || !Address4.isValid(b)) return false;
  const x = new Address4(a);
  const y = new Address4(b);
  return x.isInSubnet(y) || y.isInSubnet(x);
}
