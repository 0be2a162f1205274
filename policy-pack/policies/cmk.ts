/** CMK usage: secrets and every replica use a customer-managed, symmetric key. */
import {
  Config,
  Finding,
  PlainResource,
  Props,
  asArray,
  isUnknown,
  resourcePolicy,
  stackPolicy,
  unknownFinding,
} from "./model";
import { KEY, REPLICA_KEY, SECRET } from "../lib/types";

const AWS_MANAGED = /(^|:)alias\/aws\/|^aws\/secretsmanager$/;

/** Key references of a secret: the primary and each replica's, with where they sit. */
export function secretKeyRefs(
  type: string,
  props: Props,
): { where: string; value: unknown; input: string }[] {
  const native = type.startsWith("aws-native:");
  const replicas = asArray(props[native ? "replicaRegions" : "replicas"] as Props[] | undefined);
  return [
    { where: "kmsKeyId", value: props.kmsKeyId, input: "kmsKeyId" },
    ...replicas.map((r, i) => ({
      where: `${native ? "replicaRegions" : "replicas"}[${i}] (${String(r?.region)}).kmsKeyId`,
      value: r?.kmsKeyId,
      input: native ? "replicaRegions" : "replicas",
    })),
  ];
}

/** A secret (and each replica) names a customer-managed key, never aws/secretsmanager. */
export function checkSecretKey(props: Props, config: Config, type: string): Finding[] {
  const findings: Finding[] = [];
  const accounts = asArray(config.allowedKeyAccounts as string[] | undefined);
  for (const ref of secretKeyRefs(type, props)) {
    if (ref.value === undefined || ref.value === null || ref.value === "") {
      findings.push({
        message: `${ref.where} is not set: Secrets Manager would use the AWS-managed key aws/secretsmanager`,
      });
    } else if (isUnknown(ref.value)) {
      findings.push(unknownFinding(ref.where));
    } else if (AWS_MANAGED.test(String(ref.value))) {
      findings.push({
        message: `${ref.where} is the AWS-managed key ${String(ref.value)}; use the customer-managed key`,
      });
    } else if (accounts.length > 0) {
      const account = /^arn:aws[a-z-]*:kms:[^:]+:(\d{12}):/.exec(String(ref.value))?.[1];
      if (!account || !accounts.includes(account)) {
        findings.push({
          message: `${ref.where} ${String(ref.value)} is not a key of an allowed account (${accounts.join(", ")})`,
        });
      }
    }
  }
  return findings;
}

/**
 * Dependency-graph form of the same rule, decidable in a first preview: each key reference
 * whose value is unknown must come from a KMS key (primary) or replica key (replicas)
 * resource of the stack.
 */
export function checkSecretKeySources(resources: PlainResource[]): Finding[] {
  const types = new Map(resources.map((r) => [r.urn, r.type]));
  const findings: Finding[] = [];
  for (const secret of resources.filter((r) => SECRET.includes(r.type))) {
    for (const ref of secretKeyRefs(secret.type, secret.props)) {
      if (!isUnknown(ref.value) && ref.value !== undefined) continue; // judged by value in the resource policy
      const sources = (secret.propertyDependencies[ref.input] ?? []).map((u) => types.get(u) ?? "");
      const wanted = ref.input === "kmsKeyId" ? KEY : [...REPLICA_KEY, ...KEY];
      if (!sources.some((t) => wanted.includes(t))) {
        findings.push({
          urn: secret.urn,
          message: `${secret.name}: ${ref.where} ${ref.value === undefined ? "is not set" : "does not come from a KMS key resource of this stack"}; a customer-managed key is required`,
        });
      }
    }
  }
  return findings;
}

/** The key is symmetric ENCRYPT_DECRYPT. */
export function checkSymmetricKey(props: Props, _config: Config, type: string): Finding[] {
  const usage = props.keyUsage ?? "ENCRYPT_DECRYPT";
  const spec =
    (type.startsWith("aws-native:")
      ? props.keySpec
      : (props.customerMasterKeySpec ?? props.keySpec)) ?? "SYMMETRIC_DEFAULT";
  const findings: Finding[] = [];
  if (isUnknown(usage) || isUnknown(spec)) return [unknownFinding("keyUsage/keySpec")];
  if (usage !== "ENCRYPT_DECRYPT")
    findings.push({ message: `keyUsage is ${String(usage)}; secrets need ENCRYPT_DECRYPT` });
  if (spec !== "SYMMETRIC_DEFAULT")
    findings.push({ message: `key spec is ${String(spec)}; secrets need SYMMETRIC_DEFAULT` });
  return findings;
}

export const cmkPolicies = [
  resourcePolicy({
    name: "secret-uses-customer-managed-key",
    description:
      "Secrets and every replica are encrypted with a customer-managed KMS key, never aws/secretsmanager.",
    types: SECRET,
    configSchema: {
      properties: {
        allowedKeyAccounts: {
          type: "array",
          items: { type: "string", pattern: "^\\d{12}$" },
          default: [],
          description: "When not empty, key ARNs must belong to one of these accounts.",
        },
      },
    },
    check: checkSecretKey,
  }),
  stackPolicy({
    name: "secret-key-from-kms-resource",
    description:
      "A secret key reference unknown at preview must come from a KMS key (or replica key) resource: enforced in a first preview.",
    check: (resources) => checkSecretKeySources(resources),
  }),
  resourcePolicy({
    name: "cmk-symmetric-encrypt-decrypt",
    description: "KMS keys used for secrets are symmetric ENCRYPT_DECRYPT keys.",
    types: KEY,
    check: checkSymmetricKey,
  }),
];
