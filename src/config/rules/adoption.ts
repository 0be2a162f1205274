/**
 * Adoption rules: what an organization already has (existing VPCs and databases) must be
 * described consistently.
 */
import { cidrRange, cidrsOverlap } from "../../../policy-pack/lib/cidr";
import { Path, keyPath } from "../keyPath";
import { accountsOf } from "../view";
import type { Rule } from "./rule";

/**
 * An existing VPC's subnets: one per availability zone, in order, inside the VPC's CIDR
 * (AWS places a subnet only inside its VPC's blocks), and disjoint.
 */
export const existingVpcSubnets: Rule = {
  name: "existing-vpc-subnets",
  check(env, report) {
    for (const account of accountsOf(env)) {
      if (account.existingVpc === undefined) continue;
      const { subnets } = account.existingVpc;
      const zones = account.availabilityZones;
      const at: Path = [...account.path, "existingVpc", "subnets"];
      if (subnets.length > 0 && zones.length > 0 && subnets.length !== zones.length) {
        report({
          path: at,
          input: subnets.length,
          message: `lists ${subnets.length} subnets for ${zones.length} availability zones; give one subnet per zone, in the order of ${keyPath([...account.path, "availabilityZones"])}`,
        });
      }
      const vpc = account.vpcCidr === undefined ? undefined : cidrRange(account.vpcCidr);
      const seen: string[] = [];
      subnets.forEach(({ cidr }, i) => {
        const range = cidr === undefined ? undefined : cidrRange(cidr);
        if (cidr === undefined || range === undefined) return;
        if (vpc && (range.start < vpc.start || range.end > vpc.end)) {
          report({
            path: [...at, i, "cidr"],
            input: cidr,
            message: `is outside ${keyPath([...account.path, "vpcCidr"])} (${account.vpcCidr}); a subnet lies inside its VPC's CIDR`,
          });
        }
        const clash = seen.find((other) => cidrsOverlap(other, cidr));
        if (clash) {
          report({
            path: [...at, i, "cidr"],
            input: cidr,
            message: `overlaps another subnet of the VPC (${clash}); subnets of one VPC are disjoint`,
          });
        }
        seen.push(cidr);
      });
    }
  },
};

/**
 * An existing database lives in a VPC that exists: the workload must name that VPC
 * (`existingVpc`), or central would peer with a new, empty VPC and the rotation function
 * could never reach the database.
 */
export const existingDatabaseInExistingVpc: Rule = {
  name: "existing-database-in-existing-vpc",
  check(env, report) {
    for (const workload of env.workloads) {
      const existing = workload.databases.find((d) => d.existing);
      if (!existing || workload.existingVpc !== undefined) continue;
      report({
        path: [...workload.path, "existingVpc"],
        input: undefined,
        message: `is required with ${keyPath([...existing.path, "existing"])}: name the VPC the database runs in (vpcId, privateRouteTableIds, subnets), so that central peers with it and rotation can reach the database`,
      });
    }
  },
};
