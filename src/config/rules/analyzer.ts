/** Rules on `secrets-hub:accessAnalyzer`: the Regions its per-Region form may name. */
import type { EnvironmentView } from "../view";
import type { Rule } from "./rule";

/**
 * The Regions where central holds secrets, in the order the program creates analyzers:
 * the central Region, the replica Region, then each workload's other Region (as
 * `replicaRegions` in src/topology.ts gives them, here from the tolerant view). Each is
 * named with why it is one.
 */
export function analyzerRegionsOf(env: EnvironmentView): { region: string; why: string }[] {
  const regions: { region: string; why: string }[] = [];
  const add = (region: string | undefined, why: string) => {
    if (region !== undefined && !regions.some((r) => r.region === region))
      regions.push({ region, why });
  };
  add(env.central.region, "central.region");
  add(env.replicaRegion, "replicaRegion");
  for (const w of env.workloads) add(w.region, `workload ${w.name ?? "?"}'s Region`);
  return regions;
}

/**
 * A map form names only Regions where central holds secrets (it would otherwise configure
 * nothing, silently: most likely a typo, or a Region the environment left), and an
 * existing analyzer's ARN under a Region is of that Region: an account analyzer reports on
 * the resources of its own Region only (IAM User Guide, access-analyzer-create-external.html:
 * "You must create an external access analyzer in each Region in which you want to monitor
 * access to your resources").
 */
export const accessAnalyzerRegions: Rule = {
  name: "access-analyzer-regions",
  check(env, report) {
    const given = env.given.accessAnalyzer;
    if (given === null || typeof given !== "object" || Array.isArray(given)) return;
    const regions = analyzerRegionsOf(env);
    const allowed = regions.map((r) => `${r.region} (${r.why})`).join(", ");
    for (const [region, setting] of Object.entries(given as Record<string, unknown>)) {
      if (!regions.some((r) => r.region === region)) {
        report({
          path: ["accessAnalyzer", region],
          input: setting,
          message: `names ${region}, where central holds no secrets: the Regions of this environment are ${allowed}`,
        });
        continue;
      }
      if (typeof setting !== "string" || !setting.startsWith("arn:")) continue;
      const arnRegion = setting.split(":")[3];
      if (arnRegion !== undefined && arnRegion !== "" && arnRegion !== region) {
        report({
          path: ["accessAnalyzer", region],
          input: setting,
          message: `must be an analyzer of ${region} (this ARN's is ${arnRegion}): an analyzer reports on its own Region only`,
        });
      }
    }
  },
};
