/** Access: no public principals, public policies blocked, narrow cross-account key grants, size limits. */
import {
  Config,
  Finding,
  Props,
  asArray,
  isUnknown,
  parseDocument,
  resourcePolicy,
  unknownFinding,
} from "./model";
import { QUOTAS } from "../lib/quotas";
import {
  KEY,
  REPLICA_KEY,
  ROLE_POLICY,
  SECRET_POLICY,
  keyPolicyOf,
  secretPolicyOf,
} from "../lib/types";

/** AWS hard limits (lib/quotas.ts): secret resource policies in characters, key policies in bytes. */
export const SECRET_POLICY_MAX_CHARS = QUOTAS.secretPolicySize.maximum;
export const KEY_POLICY_MAX_BYTES = QUOTAS.keyPolicySize.maximum;
export const ROLE_INLINE_POLICIES_MAX_CHARS = QUOTAS.roleInlinePoliciesSize.maximum;

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

function principals(statement: Statement): string[] {
  const p = statement.Principal;
  if (p === "*") return ["*"];
  if (typeof p !== "object" || p === null) return [];
  return Object.values(p as Record<string, unknown>).flatMap((v) =>
    asArray(v as string | string[]).map(String),
  );
}

function statementsOf(document: unknown): Statement[] | "unknown" | "invalid" {
  const doc = parseDocument(document);
  if (doc === "invalid") return "invalid";
  if (doc === undefined) return isUnknown(document) ? "unknown" : [];
  return asArray(doc.Statement as Statement | Statement[]);
}

/**
 * Condition keys that narrow a wildcard principal to identities: the caller's account or
 * organization (IAM User Guide, "AWS global condition context keys"; KMS developer guide,
 * `kms:CallerAccount`), or, for a service acting on a resource's behalf, its source. A
 * condition on anything else (a network path, a tag, a time) leaves every AWS account in.
 */
const IDENTITY_CONDITION_KEYS = new Set([
  "aws:principalaccount",
  "aws:principalorgid",
  "aws:principalorgpaths",
  "aws:principalarn",
  "kms:calleraccount",
  "aws:sourceaccount",
  "aws:sourcearn",
  "aws:sourceorgid",
]);

function conditionKeys(s: Statement): string[] {
  return Object.values(s.Condition ?? {}).flatMap((c) =>
    c && typeof c === "object" ? Object.keys(c).map((k) => k.toLowerCase()) : [],
  );
}

/**
 * No Allow statement grants to `*` (or an AWS principal `*`) unless a condition narrows who:
 * the caller's account or organization, or a service's source.
 */
export function checkNoPublicPrincipal(document: unknown): Finding[] {
  const statements = statementsOf(document);
  if (statements === "unknown") return [unknownFinding("policy")];
  if (statements === "invalid") return [{ message: "policy is not valid JSON" }];
  return statements
    .filter(
      (s) =>
        s.Effect === "Allow" &&
        principals(s).some((p) => p === "*") &&
        !conditionKeys(s).some((k) => IDENTITY_CONDITION_KEYS.has(k)),
    )
    .map((s) => ({
      message: `statement ${s.Sid ?? "(no Sid)"} allows the wildcard principal "*" without a condition on who (${[...IDENTITY_CONDITION_KEYS].join(", ")})${s.Condition ? "" : ": it has no condition at all"}`,
    }));
}

/** Grants to other accounts than the key owner: only Decrypt/DescribeKey, with kms:ViaService. */
export function checkCrossAccountKeyGrants(document: unknown): Finding[] {
  const statements = statementsOf(document);
  if (statements === "unknown") return [unknownFinding("key policy")];
  if (statements === "invalid") return [{ message: "key policy is not valid JSON" }];
  const owners = new Set(
    statements
      .filter((s) => asArray(s.Action).includes("kms:*"))
      .flatMap(principals)
      .map((p) => /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(p)?.[1])
      .filter((a): a is string => a !== undefined),
  );
  const findings: Finding[] = [];
  for (const s of statements.filter((s) => s.Effect === "Allow")) {
    const foreign = principals(s).filter((p) => {
      const account =
        /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(p)?.[1] ?? (/^\d{12}$/.test(p) ? p : undefined);
      return account !== undefined && !owners.has(account);
    });
    // A wildcard principal narrowed to accounts or an organization (no-public-principal) is a
    // grant to those accounts: held to the same rules, unless it names only the owner.
    const callers = conditionValues(s, ["kms:calleraccount", "aws:principalaccount"]);
    const wildcard =
      principals(s).includes("*") && (callers.length === 0 || callers.some((a) => !owners.has(a)));
    if (foreign.length === 0 && !wildcard) continue;
    const extra = asArray(s.Action).filter((a) => a !== "kms:Decrypt" && a !== "kms:DescribeKey");
    if (extra.length > 0)
      findings.push({
        message: `statement ${s.Sid ?? "(no Sid)"} grants ${extra.join(", ")} to another account; only kms:Decrypt and kms:DescribeKey are allowed`,
      });
    const via = Object.values(s.Condition ?? {}).some((c) => c && "kms:ViaService" in c);
    if (!via)
      findings.push({
        message: `statement ${s.Sid ?? "(no Sid)"} grants another account without a kms:ViaService condition`,
      });
  }
  return findings;
}

/** The values of the given condition keys (any operator), lower-case key match. */
function conditionValues(s: Statement, keys: string[]): string[] {
  return Object.values(s.Condition ?? {}).flatMap((c) =>
    c && typeof c === "object"
      ? Object.entries(c).flatMap(([k, v]) =>
          keys.includes(k.toLowerCase()) ? asArray(v as string | string[]).map(String) : [],
        )
      : [],
  );
}

export function checkPolicySize(
  document: unknown,
  limit: number,
  unit: "characters" | "bytes" | "characters without whitespace",
): Finding[] {
  if (document === undefined || isUnknown(document))
    return isUnknown(document) ? [unknownFinding("policy")] : [];
  const text = typeof document === "string" ? document : JSON.stringify(document);
  const size =
    unit === "bytes"
      ? Buffer.byteLength(text, "utf8")
      : unit === "characters"
        ? text.length
        : text.replace(/\s/g, "").length;
  return size > limit ? [{ message: `policy is ${size} ${unit}; the AWS limit is ${limit}` }] : [];
}

function policyDocument(props: Props, type: string): unknown {
  return SECRET_POLICY.includes(type) ? secretPolicyOf(type, props) : keyPolicyOf(type, props);
}

export const accessPolicies = [
  resourcePolicy({
    name: "no-public-principal",
    description:
      "Secret and key policies never allow the wildcard principal without a narrowing condition.",
    types: [...SECRET_POLICY, ...KEY, ...REPLICA_KEY],
    check: (props, _c, type) => checkNoPublicPrincipal(policyDocument(props, type)),
  }),
  resourcePolicy({
    name: "secret-policy-blocks-public",
    description: "Secret resource policies are written with blockPublicPolicy on.",
    types: SECRET_POLICY,
    check: (props) =>
      props.blockPublicPolicy === true ? [] : [{ message: "blockPublicPolicy is off" }],
  }),
  resourcePolicy({
    name: "cross-account-key-grants",
    description:
      "Key grants to other accounts are limited to kms:Decrypt/kms:DescribeKey with a kms:ViaService condition.",
    types: [...KEY, ...REPLICA_KEY],
    check: (props, _c, type) => checkCrossAccountKeyGrants(keyPolicyOf(type, props)),
  }),
  resourcePolicy({
    name: "policy-size-limits",
    description: `Secret policies stay under ${SECRET_POLICY_MAX_CHARS} characters, key policies under ${KEY_POLICY_MAX_BYTES} bytes, and an inline role policy under the ${ROLE_INLINE_POLICIES_MAX_CHARS} characters (without whitespace) IAM allows all inline policies of a role together.`,
    types: [...SECRET_POLICY, ...KEY, ...REPLICA_KEY, ...ROLE_POLICY],
    check: (props, _c: Config, type) =>
      ROLE_POLICY.includes(type)
        ? checkPolicySize(
            type.startsWith("aws-native:") ? props.policyDocument : props.policy,
            ROLE_INLINE_POLICIES_MAX_CHARS,
            "characters without whitespace",
          )
        : SECRET_POLICY.includes(type)
          ? checkPolicySize(policyDocument(props, type), SECRET_POLICY_MAX_CHARS, "characters")
          : checkPolicySize(policyDocument(props, type), KEY_POLICY_MAX_BYTES, "bytes"),
  }),
];
