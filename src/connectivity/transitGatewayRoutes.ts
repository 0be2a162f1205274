/**
 * What central routes to the transit gateway, shared by the mode (rotation egress) and its
 * resources (the routes). SDK-free, apart from both so that neither imports the other.
 */
import { aggregateCidrs } from "../../kernel/cidr";
import type { Environment } from "../config/schema";

/**
 * The prefixes central's private route tables send to the transit gateway: the summary
 * prefixes when given, else the exact aggregate of the workload CIDRs (the smallest set of
 * prefixes covering exactly them: it never covers the central CIDR, which no workload
 * overlaps). A workload added beside the others widens a prefix rather than adding one.
 */
export function centralDestinations(env: Environment): string[] {
  const prefixes = env.transitGateway.summaryPrefixes;
  return prefixes ? [...prefixes] : aggregateCidrs(env.workloads.map((w) => w.vpcCidr));
}
