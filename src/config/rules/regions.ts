/**
 * Rules on the Regions and zones of the environment: each one exists (kernel/regions.ts),
 * and the rotation applications' version exists in the environment's partition.
 */
import { closest } from "fastest-levenshtein";
import { ENGINE_SPECS, ENGINES, ROTATION_STRATEGIES } from "../../../kernel/engines";
import { PARTITIONS, partitionOf } from "../../../kernel/partitions";
import {
  EXCLUDED_REGIONS,
  REGION_NAME_FORM,
  REGIONS,
  regionSpec,
  zoneNames,
} from "../../../kernel/regions";
import { keyPath, type Path } from "../keyPath";
import { accountsOf, type EnvironmentView } from "../view";
import type { Rule } from "./rule";

/** Every Region key of the environment: central, each workload, the replica Region. */
function regionKeys(env: EnvironmentView): { path: Path; region: string }[] {
  const keys: { path: Path; region?: string }[] = accountsOf(env).map((a) => ({
    path: [...a.path, "region"],
    region: a.region,
  }));
  keys.push({ path: ["replicaRegion"], region: env.replicaRegion });
  return keys.filter((k): k is { path: Path; region: string } => typeof k.region === "string");
}

/**
 * A Region that does not exist (`eu-west-4`), or of a partition the program does not deploy
 * to, is refused with the nearest Region's name: the provider would only fail at its first
 * call, after earlier stacks ran.
 */
export const regionsExist: Rule = {
  name: "regions-exist",
  check(env, report) {
    for (const { path, region } of regionKeys(env)) {
      if (!REGION_NAME_FORM.test(region) || regionSpec(region) !== undefined) continue;
      const excluded = EXCLUDED_REGIONS[region];
      if (excluded !== undefined) {
        report({
          path,
          input: region,
          message: `is a Region the program does not deploy to (${excluded}); it deploys to the partitions ${PARTITIONS.join(", ")} (docs/regions.md)`,
        });
        continue;
      }
      const near = closest(
        region,
        REGIONS.map((r) => r.name),
      );
      report({
        path,
        input: region,
        message: `is not an AWS Region; did you mean ${near}? (the Regions are listed in docs/regions.md)`,
      });
    }
  },
};

/**
 * A zone letter the Region has in no account (`eu-west-1d`) is refused, naming the
 * Region's zones. Which of those an account sees is the account's (`aws ec2
 * describe-availability-zones`): the plan cannot know it.
 */
export const zonesExist: Rule = {
  name: "zones-exist",
  check(env, report) {
    for (const account of accountsOf(env)) {
      const spec = account.region === undefined ? undefined : regionSpec(account.region);
      if (spec === undefined) continue;
      account.availabilityZones.forEach((zone, i) => {
        if (zone === undefined || !zone.startsWith(spec.name)) return;
        const letter = zone.slice(spec.name.length);
        if (letter.length === 1 && spec.zoneLetters.includes(letter)) return;
        report({
          path: [...account.path, "availabilityZones", i],
          input: zone,
          message: `is not a zone of ${spec.name}; its zones are ${zoneNames(spec).join(", ")} (which of them an account has: aws ec2 describe-availability-zones --region ${spec.name})`,
        });
      });
    }
  },
};

/**
 * `rotation.applicationVersion` is a version of the commercial partition's rotation
 * applications (the schema holds it to that partition's numbering). In aws-cn and
 * aws-us-gov AWS publishes the applications under other accounts with versions of their own
 * (kernel/engines.ts, from the AWS CDK's `additionalSemanticVersions`); the program deploys
 * the version the CDK pins there alongside the commercial pin it names, and refuses another
 * commercial version there, since which partition version goes with it is not known.
 */
export const rotationVersionInPartition: Rule = {
  name: "rotation-version-in-partition",
  check(env, report) {
    const region = env.central.region;
    const given = (env.given.rotation as Record<string, unknown> | undefined)?.applicationVersion;
    if (region === undefined || typeof given !== "string") return;
    const partition = partitionOf(region);
    if (partition === "aws") return;
    for (const engine of ENGINES) {
      for (const strategy of ROTATION_STRATEGIES) {
        const { name, versions } = ENGINE_SPECS[engine].rotationApplications[strategy];
        if (versions.aws === given) continue;
        report({
          path: ["rotation", "applicationVersion"],
          input: given,
          message: `names no version known in ${partition} (${keyPath(["central", "region"])} is ${region}): there the program deploys ${name} ${versions[partition]}, the AWS CDK's ${partition} pin that goes with ${versions.aws}; write ${versions.aws}`,
        });
        return;
      }
    }
  },
};

/**
 * One note per opt-in Region of the environment (not an error): each account deploying
 * there must enable the Region first (AWS Account Management reference guide, "Enable or
 * disable AWS Regions in your account"), or its stack fails at its first call.
 */
export function optInRegionNotes(env: EnvironmentView): string[] {
  const notes: string[] = [];
  for (const { path, region } of regionKeys(env)) {
    if (!regionSpec(region)?.optIn) continue;
    const account = path[0] === "replicaRegion" ? env.central : accountAt(env, path);
    notes.push(
      `${keyPath(path)}: ${region} is an opt-in Region: account ${account?.accountId ?? "(its account)"} must enable it first (aws account enable-region --region-name ${region})`,
    );
  }
  return notes;
}

function accountAt(env: EnvironmentView, path: Path) {
  return path[0] === "central" ? env.central : env.workloads[Number(path[1])];
}
