/** Keys: rotation on and bounded, deletion window long enough, lockout check not bypassed. */
import {
  Config,
  Finding,
  Props,
  isUnknown,
  numberParam,
  resourcePolicy,
  unknownFinding,
} from "./model";
import { KEY, REPLICA_KEY } from "../lib/types";

export function checkKeyRotation(props: Props, config: Config): Finding[] {
  const max = Number(config.maxRotationPeriodDays ?? 365);
  if (isUnknown(props.enableKeyRotation) || isUnknown(props.rotationPeriodInDays))
    return [unknownFinding("key rotation")];
  if (props.enableKeyRotation !== true)
    return [{ message: "enableKeyRotation is off; turn automatic key rotation on" }];
  const period =
    props.rotationPeriodInDays === undefined ? 365 : Number(props.rotationPeriodInDays);
  return period > max
    ? [{ message: `rotationPeriodInDays is ${period}; the maximum is ${max}` }]
    : [];
}

export function checkDeletionWindow(props: Props, config: Config, type: string): Finding[] {
  const min = Number(config.minDeletionWindowDays ?? 7);
  const value = type.startsWith("aws-native:")
    ? props.pendingWindowInDays
    : props.deletionWindowInDays;
  if (isUnknown(value)) return [unknownFinding("deletion window")];
  const days = value === undefined ? 30 : Number(value);
  return days < min ? [{ message: `deletion window is ${days} days; the minimum is ${min}` }] : [];
}

export function checkLockout(props: Props): Finding[] {
  return props.bypassPolicyLockoutSafetyCheck === true
    ? [
        {
          message:
            "bypassPolicyLockoutSafetyCheck is on: a bad key policy could lock the account out of its key",
        },
      ]
    : [];
}

export const keyPolicies = [
  resourcePolicy({
    name: "kms-key-rotation",
    description: "Customer-managed keys rotate automatically, at most every maxRotationPeriodDays.",
    types: KEY,
    configSchema: {
      properties: {
        maxRotationPeriodDays: numberParam(
          "Longest allowed key rotation period, in days.",
          365,
          90,
          2560,
        ),
      },
    },
    check: (props, config) => checkKeyRotation(props, config),
  }),
  resourcePolicy({
    name: "kms-key-deletion-window",
    description: "Keys and replica keys wait at least minDeletionWindowDays before deletion.",
    types: [...KEY, ...REPLICA_KEY],
    configSchema: {
      properties: {
        minDeletionWindowDays: numberParam("Shortest allowed deletion window, in days.", 7, 7, 30),
      },
    },
    check: checkDeletionWindow,
  }),
  resourcePolicy({
    name: "kms-key-lockout-check",
    description: "Key policies are never written with the lockout safety check bypassed.",
    types: [...KEY, ...REPLICA_KEY],
    check: (props) => checkLockout(props),
  }),
];
