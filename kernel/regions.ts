/**
 * The AWS Regions the program can deploy to: each Region's partition, whether an account
 * must enable it first (an opt-in Region), and the letters its Availability Zones can have.
 * Plain data: the config rules, the docs and the tests read it; the kernel imports nothing
 * but its own files.
 *
 * Sources:
 * - Regions and opt-in: AWS Account Management reference guide, "Enable or disable AWS
 *   Regions in your account" (Regions introduced after 20 March 2019 are disabled until the
 *   account enables them) and the Region list of AWS General Reference, "AWS Regions";
 *   checked against the `Region` enum of `@pulumi/aws` 7.48.0 (types/enums/index.d.ts),
 *   see {@link EXCLUDED_REGIONS} for the enum's Regions this table leaves out.
 * - Zone letters: AWS "Regions and Zones" guide, "AWS Availability Zones"
 *   (docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html)
 *   lists each Region's AZ IDs; a zone's name is the Region and a letter. In the Regions
 *   AWS maps independently per account (az-ids.html, "Regions with independently mapped
 *   Availability Zones": accounts created before November 2025 in the oldest Regions), an
 *   account sees some of the letters below, not necessarily all: `describe-availability-
 *   zones` answers per account (observed letters, e.g. us-west-1 a-c with two per account,
 *   ap-northeast-1 and ca-central-1 a-d: jsonmaur/aws-regions readme, from
 *   `aws ec2 describe-availability-zones` in each Region). A letter outside this set exists
 *   in no account: `eu-west-1d` is no zone of any account.
 */
import type { Partition } from "./partitions";

/**
 * The form of a Region name the config accepts before asking whether it exists:
 * `<geo>-[gov-|iso…-]<direction>-<n>`.
 */
export const REGION_NAME_FORM = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** What the program knows of one Region. */
export interface RegionSpec {
  readonly name: string;
  readonly partition: Partition;
  /** Disabled in an account until the account enables it (Regions since March 2019). */
  readonly optIn: boolean;
  /** The letters the Region's zone names can end with, in order (`us-east-1a` … `f`). */
  readonly zoneLetters: string;
}

function region(
  name: string,
  partition: Partition,
  zoneLetters: string,
  optIn = false,
): RegionSpec {
  return { name, partition, optIn, zoneLetters };
}

const OPT_IN = true;

/** Every Region the program deploys to, by name. */
export const REGIONS: readonly RegionSpec[] = [
  // Commercial partition, enabled by default.
  region("us-east-1", "aws", "abcdef"),
  region("us-east-2", "aws", "abc"),
  region("us-west-1", "aws", "abc"),
  region("us-west-2", "aws", "abcd"),
  region("ca-central-1", "aws", "abcd"),
  region("sa-east-1", "aws", "abc"),
  region("eu-west-1", "aws", "abc"),
  region("eu-west-2", "aws", "abc"),
  region("eu-west-3", "aws", "abc"),
  region("eu-central-1", "aws", "abc"),
  region("eu-north-1", "aws", "abc"),
  region("ap-south-1", "aws", "abc"),
  region("ap-southeast-1", "aws", "abc"),
  region("ap-southeast-2", "aws", "abc"),
  region("ap-northeast-1", "aws", "abcd"),
  region("ap-northeast-2", "aws", "abcd"),
  region("ap-northeast-3", "aws", "abc"),
  // Commercial partition, opt-in.
  region("af-south-1", "aws", "abc", OPT_IN),
  region("ap-east-1", "aws", "abc", OPT_IN),
  region("ap-east-2", "aws", "abc", OPT_IN),
  region("ap-south-2", "aws", "abc", OPT_IN),
  region("ap-southeast-3", "aws", "abc", OPT_IN),
  region("ap-southeast-4", "aws", "abc", OPT_IN),
  region("ap-southeast-5", "aws", "abc", OPT_IN),
  region("ap-southeast-6", "aws", "abc", OPT_IN),
  region("ap-southeast-7", "aws", "abc", OPT_IN),
  region("ca-west-1", "aws", "abc", OPT_IN),
  region("eu-central-2", "aws", "abc", OPT_IN),
  region("eu-south-1", "aws", "abc", OPT_IN),
  region("eu-south-2", "aws", "abc", OPT_IN),
  region("il-central-1", "aws", "abc", OPT_IN),
  region("me-central-1", "aws", "abc", OPT_IN),
  region("me-south-1", "aws", "abc", OPT_IN),
  region("mx-central-1", "aws", "abc", OPT_IN),
  // China (operated by Sinnet and NWCD; accounts are separate from commercial ones).
  region("cn-north-1", "aws-cn", "abcd"),
  region("cn-northwest-1", "aws-cn", "abc"),
  // AWS GovCloud (US) (accounts are separate from commercial ones).
  region("us-gov-west-1", "aws-us-gov", "abc"),
  region("us-gov-east-1", "aws-us-gov", "abc"),
];

/**
 * Regions of the `@pulumi/aws` `Region` enum the program does not deploy to, and why: their
 * partitions are not among {@link PARTITIONS} (kernel/partitions.ts), so the program knows
 * neither their ARN partition nor where their rotation applications are published.
 */
export const EXCLUDED_REGIONS: Readonly<Record<string, string>> = {
  "eusc-de-east-1":
    "AWS European Sovereign Cloud (partition aws-eusc): no rotation application publisher known",
  "us-iso-east-1": "US ISO partition (aws-iso): not publicly documented",
  "us-iso-west-1": "US ISO partition (aws-iso): not publicly documented",
  "us-isob-east-1": "US ISOB partition (aws-iso-b): not publicly documented",
  "us-isob-west-1": "US ISOB partition (aws-iso-b): not publicly documented",
  "us-isof-east-1": "US ISOF partition (aws-iso-f): not publicly documented",
  "us-isof-south-1": "US ISOF partition (aws-iso-f): not publicly documented",
  "eu-isoe-west-1": "EU ISOE partition (aws-iso-e): not publicly documented",
};

const BY_NAME = new Map(REGIONS.map((r) => [r.name, r]));

/** The Region's record, or `undefined` for a Region the program does not know. */
export function regionSpec(name: string): RegionSpec | undefined {
  return BY_NAME.get(name);
}

/** The zone names a Region can have: `us-east-1a` … `us-east-1f`. */
export function zoneNames(spec: RegionSpec): string[] {
  return [...spec.zoneLetters].map((letter) => `${spec.name}${letter}`);
}
