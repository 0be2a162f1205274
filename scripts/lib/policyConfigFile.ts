/**
 * `--policy-config FILE` checked before any stack runs: read as the Pulumi CLI reads it and
 * validated against the policies of secrets-hub-guard, described by the pack's own modules
 * (policy-pack/policies: name, enforcementLevel, configSchema). That loads @pulumi/policy,
 * not the pack's server process.
 */
import { readUtf8File } from "../../src/config/textFile";
import {
  PackConfig,
  PolicyConfig,
  PolicyInfo,
  parsePolicyConfigText,
  reconcilePolicyConfig,
} from "../../src/policyConfig";

/** The policies of secrets-hub-guard as its server would describe them. */
export async function guardPolicies(): Promise<PolicyInfo[]> {
  const { allPolicies } = await import("../../policy-pack/policies");
  return allPolicies.map((p) => ({
    name: p.name,
    // A policy without a level of its own gets the pack's, the SDK's default "advisory".
    enforcementLevel: p.enforcementLevel ?? "advisory",
    configSchema: p.configSchema as PolicyInfo["configSchema"],
  }));
}

/** Reads a policy config file (an empty file is `{}`). Throws PolicyConfigError. */
export function readPolicyConfig(file: string): PackConfig {
  return parsePolicyConfigText(readUtf8File(file, `--policy-config ${file}`), file);
}

/** Reads and validates a config of secrets-hub-guard; throws one PolicyConfigError listing every problem. */
export async function checkGuardConfig(
  file: string | undefined,
): Promise<{ config: PackConfig; effective: Record<string, PolicyConfig> }> {
  const config = file ? readPolicyConfig(file) : {};
  return { config, effective: reconcilePolicyConfig(await guardPolicies(), config, file) };
}
