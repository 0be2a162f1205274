/**
 * Network and Region rules: VPC CIDRs that do not overlap, zones of the account's Region,
 * subnets that fit their VPC, one partition, a replica Region of its own.
 */
import { VPC_PREFIX_MAX, defaultSubnetPrefix, subnetsFit } from "../../../kernel/cidr";
import { partitionOf } from "../../../kernel/partitions";
import { cidrRange } from "../../../policy-pack/lib/cidr";
import { Path, keyPath } from "../keyPath";
import { accountsOf } from "../view";
import type { Rule } from "./rule";

export const replicaRegionDiffers: Rule = {
  name: "replica-region-differs",
  check(env, report) {
    if (env.replicaRegion !== undefined && env.replicaRegion === env.central.region) {
      report({
        path: ["replicaRegion"],
        input: env.replicaRegion,
        message: `must differ from the central region (${keyPath(["central", "region"])} is ${env.central.region})`,
      });
    }
  },
};

/**
 * Peered VPCs need disjoint CIDRs. Each block is read once into an address range; sorted by
 * start (larger first on a tie), the blocks still open at a block's start are exactly those
 * it overlaps, because two CIDR blocks are either disjoint or nested: O(n log n) plus one
 * step per overlapping pair. Each pair is reported on the later-listed block, naming the
 * earlier one, in file order.
 */
export const vpcCidrsDisjoint: Rule = {
  name: "vpc-cidrs-disjoint",
  check(env, report) {
    const blocks = accountsOf(env).flatMap((account, order) => {
      const range = account.vpcCidr === undefined ? undefined : cidrRange(account.vpcCidr);
      return range === undefined ? [] : [{ account, order, ...range }];
    });
    blocks.sort((a, b) => a.start - b.start || b.end - a.end);
    const open: typeof blocks = [];
    const pairs: [earlier: (typeof blocks)[number], later: (typeof blocks)[number]][] = [];
    for (const block of blocks) {
      // The open blocks nest, innermost on top: close those that end before this one starts.
      while (open.length > 0 && open[open.length - 1].end < block.start) open.pop();
      for (const other of open)
        pairs.push(other.order < block.order ? [other, block] : [block, other]);
      open.push(block);
    }
    pairs.sort(([a, b], [c, d]) => a.order - c.order || b.order - d.order);
    for (const [earlier, later] of pairs) {
      report({
        path: [...later.account.path, "vpcCidr"],
        input: later.account.vpcCidr,
        message: `overlaps ${keyPath([...earlier.account.path, "vpcCidr"])} (${earlier.account.vpcCidr}); peered VPCs need disjoint CIDRs`,
      });
    }
  },
};

export const zonesInRegion: Rule = {
  name: "zones-in-region",
  check(env, report) {
    for (const account of accountsOf(env)) {
      const region = account.region;
      if (region === undefined) continue;
      account.availabilityZones.forEach((zone, i) => {
        if (zone !== undefined && !zone.startsWith(region)) {
          report({
            path: [...account.path, "availabilityZones", i],
            input: zone,
            message: `must be a zone of ${region}`,
          });
        }
      });
    }
  },
};

export const zonesDistinct: Rule = {
  name: "zones-distinct",
  check(env, report) {
    for (const account of accountsOf(env)) {
      const zones = account.availabilityZones.filter((z) => z !== undefined);
      if (new Set(zones).size !== zones.length) {
        report({
          path: [...account.path, "availabilityZones"],
          input: account.availabilityZones,
          message: "must not repeat a zone",
        });
      }
    }
  },
};

/** One private subnet per zone must fit in the VPC, at the configured or default size. */
export const subnetsFitVpc: Rule = {
  name: "subnets-fit-vpc",
  check(env, report) {
    for (const account of accountsOf(env)) {
      const cidr = account.vpcCidr;
      if (cidr === undefined) continue;
      const zones = account.availabilityZones.length;
      const prefix = account.subnetPrefixLength ?? defaultSubnetPrefix(cidr);
      if (subnetsFit(cidr, prefix, zones)) continue;
      const largest = cidrRange(cidr)!.prefix + Math.ceil(Math.log2(Math.max(zones, 2)));
      report({
        path: [...account.path, "subnetPrefixLength"],
        input: prefix,
        message:
          largest <= VPC_PREFIX_MAX
            ? `/${prefix} subnets do not fit ${zones} zones in ${cidr}; allowed: /${largest} to /${VPC_PREFIX_MAX}`
            : `no subnet size fits ${zones} zones in ${cidr} (subnets are /${VPC_PREFIX_MAX} at the smallest); use a larger VPC CIDR or fewer zones`,
      });
    }
  },
};

/**
 * Every Region of the environment is in the central Region's partition: KMS multi-Region
 * keys replicate, Secrets Manager replicates and VPC peering connects only within a
 * partition (aws, aws-cn, aws-us-gov), and one set of accounts lives in one partition.
 */
export const onePartition: Rule = {
  name: "one-partition",
  check(env, report) {
    const central = env.central.region;
    if (central === undefined) return;
    const partition = partitionOf(central);
    const regions: { path: Path; region?: string }[] = [
      { path: ["replicaRegion"], region: env.replicaRegion },
      ...env.workloads.map((w) => ({ path: [...w.path, "region"], region: w.region })),
    ];
    for (const { path, region } of regions) {
      if (region === undefined || partitionOf(region) === partition) continue;
      report({
        path,
        input: region,
        message: `is in partition ${partitionOf(region)}, but ${keyPath(["central", "region"])} (${central}) is in ${partition}; multi-Region keys, secret replicas and VPC peering do not cross partitions: use a Region of ${partition}`,
      });
    }
  },
};
