/**
 * The tag keys the program itself puts on resources, beside the user's `secrets-hub:tags`:
 * the aws provider's defaultTags add `secrets-hub:environment` (src/providers.ts), workload
 * resources and per-workload central resources add `secrets-hub:workload`, and the network
 * components add `Name` and, on subnets, `tier`. A workload subnet carries all four. (The tag
 * the program and the policy pack agree on, `secrets-hub:rotation-awaits`, is the pack's:
 * policy-pack/lib/tags.ts.)
 */
export const TAG_KEYS = {
  environment: "secrets-hub:environment",
  workload: "secrets-hub:workload",
  name: "Name",
  tier: "tier",
} as const;

/** Every key of {@link TAG_KEYS}: what the config check counts against AWS's 50 tags. */
export const PROGRAM_TAG_KEYS: readonly string[] = Object.values(TAG_KEYS);
