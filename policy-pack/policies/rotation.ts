/** Rotation: every secret rotates, often enough, by a function that runs in a VPC. */
import { readSchedule } from "../lib/schedule";
import {
  Config,
  Finding,
  PlainResource,
  Props,
  asArray,
  isUnknown,
  numberParam,
  resourcePolicy,
  stackPolicy,
  unknownFinding,
} from "./model";
import {
  NOT_ROTATED_MAX_AGE_DAYS,
  ROTATION_AWAITS_TAG,
  ROTATION_NONE,
  ROTATION_NONE_TAG,
} from "../lib/tags";
import {
  EVENT_RULE,
  EVENT_TARGET,
  LAMBDA,
  ROTATION,
  SAR_STACK,
  SECRET,
  SUBSCRIPTION,
  TOPIC,
} from "../lib/types";

function awaits(secret: PlainResource): string | undefined {
  const tags = secret.props.tags;
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) return undefined;
  const value = (tags as Record<string, unknown>)[ROTATION_AWAITS_TAG];
  return typeof value === "string" && !isUnknown(value) ? value : undefined;
}

/** True when the secret is tagged as not rotating by design (`rotation: none`). */
function notRotatedByDesign(secret: PlainResource): boolean {
  const tags = secret.props.tags;
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) return false;
  return (tags as Record<string, unknown>)[ROTATION_NONE_TAG] === ROTATION_NONE;
}

/**
 * Every secret has a rotation schedule (depending on it) with a rotation function, except
 * a secret whose rotation visibly waits for an operator (see `secret-rotation-awaits`) and
 * one that does not rotate by design (see `secret-not-rotated`).
 */
export function checkSecretsRotate(resources: PlainResource[]): Finding[] {
  const rotations = resources.filter((r) => ROTATION.includes(r.type));
  const findings: Finding[] = [];
  for (const secret of resources.filter((r) => SECRET.includes(r.type))) {
    if (awaits(secret) !== undefined || notRotatedByDesign(secret)) continue;
    const schedule = rotations.find((r) =>
      (r.propertyDependencies.secretId ?? []).includes(secret.urn),
    );
    if (!schedule) {
      findings.push({
        urn: secret.urn,
        message: `${secret.name}: no rotation schedule rotates this secret`,
      });
      continue;
    }
    const fn = schedule.props.rotationLambdaArn ?? schedule.props.hostedRotationLambda;
    if (fn === undefined || fn === "")
      findings.push({
        urn: schedule.urn,
        message: `${schedule.name}: rotation schedule has no rotation function`,
      });
  }
  return findings;
}

/** The rotation interval, from `automaticallyAfterDays`, `rate()` or `cron()`, is at most the maximum. */
export function checkRotationInterval(props: Props, config: Config): Finding[] {
  const max = Number(config.maxRotationDays ?? 90);
  const rules = (props.rotationRules ?? {}) as Props;
  if (isUnknown(rules)) return [unknownFinding("rotationRules")];
  const expression = rules.scheduleExpression;
  const days = rules.automaticallyAfterDays;
  if (isUnknown(expression) || isUnknown(days)) return [unknownFinding("rotationRules")];
  if (expression === undefined && days === undefined)
    return [{ message: "rotationRules set neither automaticallyAfterDays nor scheduleExpression" }];
  const reading = readSchedule(expression !== undefined ? String(expression) : Number(days));
  if (!reading.ok)
    return [
      { message: `rotation schedule ${String(expression ?? days)} is invalid: ${reading.reason}` },
    ];
  if (reading.maxIntervalDays > max) {
    const shown = Number.isFinite(reading.maxIntervalDays)
      ? `${Math.ceil(reading.maxIntervalDays)} days`
      : "never again after its last year";
    return [
      {
        message: `rotation schedule ${String(expression ?? days + " days")} rotates every ${shown}; the maximum is ${max} days`,
      },
    ];
  }
  return [];
}

/** Rotation functions run in a VPC (Lambda vpcConfig, or the rotation application's VPC parameters). */
export function checkRotationInVpc(props: Props, _config: Config, type: string): Finding[] {
  if (SAR_STACK.includes(type)) {
    if (isUnknown(props.applicationId)) return [unknownFinding("applicationId")];
    if (!/Rotation/.test(String(props.applicationId))) return [];
    const params = (props.parameters ?? {}) as Props;
    const missing = ["vpcSubnetIds", "vpcSecurityGroupIds"].filter(
      (k) => !params[k] || String(params[k]).trim() === "",
    );
    return missing.length
      ? [
          {
            message: `rotation application ${String(props.name)} runs outside a VPC: set ${missing.join(" and ")}`,
          },
        ]
      : [];
  }
  if (!/rotat/i.test(String(props.name ?? props.functionName ?? ""))) return [];
  const vpc = (props.vpcConfig ?? {}) as Props;
  const subnets = asArray(vpc.subnetIds as string[] | undefined);
  return subnets.length === 0
    ? [
        {
          message: `rotation function ${String(props.name ?? props.functionName)} runs outside a VPC: set vpcConfig.subnetIds`,
        },
      ]
    : [];
}

/**
 * Graph form of the same rule: every Lambda function a rotation schedule points at (through
 * `rotationLambdaArn`) has VPC subnets, whatever the function is called.
 */
export function checkRotationLambdasInVpc(resources: PlainResource[]): Finding[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const findings: Finding[] = [];
  for (const schedule of resources.filter((r) => ROTATION.includes(r.type))) {
    for (const urn of schedule.propertyDependencies.rotationLambdaArn ?? []) {
      const fn = byUrn.get(urn);
      if (!fn || !LAMBDA.includes(fn.type)) continue;
      const subnets = asArray(
        ((fn.props.vpcConfig ?? {}) as Props).subnetIds as string[] | undefined,
      );
      if (subnets.length === 0) {
        findings.push({
          urn: fn.urn,
          message: `${fn.name}: rotates ${schedule.name} but runs outside a VPC: set vpcConfig.subnetIds`,
        });
      }
    }
  }
  return findings;
}

/**
 * A stack that rotates secrets also tells someone when rotation fails: an EventBridge rule
 * on `RotationFailed` with a target, and where that target is a topic of the stack, the
 * topic is encrypted with a customer-managed key.
 */
export function checkRotationAlerting(resources: PlainResource[]): Finding[] {
  const rotations = resources.filter((r) => ROTATION.includes(r.type));
  if (rotations.length === 0) return [];
  const rules = resources.filter((r) => {
    if (!EVENT_RULE.includes(r.type)) return false;
    const pattern = r.props.eventPattern;
    return (
      isUnknown(pattern) ||
      JSON.stringify(typeof pattern === "string" ? pattern : (pattern ?? "")).includes(
        "RotationFailed",
      )
    );
  });
  const targets = resources.filter(
    (t) =>
      EVENT_TARGET.includes(t.type) &&
      rules.some((rule) => (t.propertyDependencies.rule ?? []).includes(rule.urn)),
  );
  if (targets.length === 0) {
    return [
      {
        urn: rotations[0].urn,
        message: `${rotations.length} secret rotation(s) but no EventBridge rule on Secrets Manager's RotationFailed event with a target: a failing rotation would go unnoticed (set secrets-hub:alerts, or disable this policy where alerts are routed organization-wide)`,
      },
    ];
  }
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const topics = targets.flatMap((t) =>
    (t.propertyDependencies.arn ?? [])
      .map((u) => byUrn.get(u))
      .filter((topic): topic is PlainResource => topic !== undefined && TOPIC.includes(topic.type)),
  );
  const unencrypted = topics
    .filter((topic) => {
      const key = topic.props.kmsMasterKeyId;
      return key === undefined || key === "" || String(key).endsWith("alias/aws/sns");
    })
    .map((topic) => ({
      urn: topic.urn,
      message: `${topic.name}: the rotation alerts topic is not encrypted with a customer-managed key (kmsMasterKeyId); aws/sns cannot be used by EventBridge and CloudWatch`,
    }));
  return [...unencrypted, ...unsubscribed(resources, topics)];
}

/**
 * Alerts topics of the stack that nobody is subscribed to, outside a sandbox: a sandbox is
 * an environment whose stateful resources are not protected
 * (`secrets-hub:protectStatefulResources: false`, which only a sandbox turns off), seen here
 * as the topic's key without `protect`. A subscription made outside the program (a chat
 * integration, a ticketing system) is not visible to the stack: hence advisory.
 */
function unsubscribed(resources: PlainResource[], topics: PlainResource[]): Finding[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const subscribed = new Set(
    resources
      .filter((r) => SUBSCRIPTION.includes(r.type))
      .flatMap((r) => r.propertyDependencies.topic ?? r.propertyDependencies.topicArn ?? []),
  );
  return topics
    .filter((topic) => !subscribed.has(topic.urn))
    .filter((topic) =>
      (topic.propertyDependencies.kmsMasterKeyId ?? []).some((u) => byUrn.get(u)?.protect === true),
    )
    .map((topic) => ({
      urn: topic.urn,
      message: `${topic.name}: the rotation alerts topic has no subscription, so a failing rotation reaches no one: set secrets-hub:alerts.emails (or alerts.topicArn, a topic your team already watches)`,
    }));
}

/** Secrets whose rotation waits for an operator: reported until the operator has acted. */
export function checkRotationAwaits(resources: PlainResource[]): Finding[] {
  return resources
    .filter((r) => SECRET.includes(r.type) && awaits(r) !== undefined)
    .map((secret) => ({
      urn: secret.urn,
      message:
        awaits(secret) === "first-value"
          ? `${secret.name}: not rotated until its first value is put (aws secretsmanager put-secret-value) and database.existing.valuePut is set to true`
          : awaits(secret) === "first-value-secret"
            ? `${secret.name}: not rotated until its first value is put (aws secretsmanager put-secret-value) and the secret's valuePut is set to true`
            : `${secret.name}: not rotated until central creates the application user, once the workload has exported the database's first passwords (run the workload stack, then central)`,
    }));
}

/** Secrets that do not rotate by design, each with the age its value may reach. */
export function checkNotRotated(resources: PlainResource[], config: Config): Finding[] {
  const max = Number(config.maxAgeDays ?? NOT_ROTATED_MAX_AGE_DAYS);
  return resources
    .filter((r) => SECRET.includes(r.type) && notRotatedByDesign(r))
    .map((secret) => ({
      urn: secret.urn,
      message: `${secret.name}: not rotated (rotation: none): put a new value by hand at least every ${max} days (npm run verify reports its age), or give it a rotation function`,
    }));
}

export const rotationPolicies = [
  stackPolicy({
    name: "secret-not-rotated",
    description:
      "Reports secrets that do not rotate by design (a non-database secret with rotation: none, tag secrets-hub:rotation=none), with the age their value may reach (maxAgeDays). Advisory: the choice is explicit, the age must be kept by hand.",
    enforcementLevel: "advisory",
    configSchema: {
      properties: {
        maxAgeDays: numberParam(
          "Longest a value that does not rotate may stay, in days, before it is replaced by hand.",
          NOT_ROTATED_MAX_AGE_DAYS,
          1,
          1000,
        ),
      },
    },
    check: (resources, config) => checkNotRotated(resources, config),
  }),
  stackPolicy({
    name: "secret-rotation-awaits",
    description:
      "Reports secrets whose rotation waits for an operator (tag secrets-hub:rotation-awaits): an existing database's first value, a multi-user application user. Advisory: the wait is deliberate, but must not last.",
    enforcementLevel: "advisory",
    check: (resources) => checkRotationAwaits(resources),
  }),
  stackPolicy({
    name: "rotation-failure-alerting",
    description:
      "A stack that rotates secrets has an EventBridge rule on RotationFailed with a target; a topic it creates for that is encrypted with a customer-managed key and, outside a sandbox (its key not protected), has a subscription. Advisory by default: alerts may be routed organization-wide, or subscribed outside the stack, which a stack cannot see.",
    enforcementLevel: "advisory",
    check: (resources) => checkRotationAlerting(resources),
  }),
  stackPolicy({
    name: "secret-has-rotation",
    description: "Every secret has a rotation schedule with a rotation function.",
    check: (resources) => checkSecretsRotate(resources),
  }),
  resourcePolicy({
    name: "rotation-interval-max",
    description:
      "Secrets rotate at least every maxRotationDays (automaticallyAfterDays, rate() and cron() alike).",
    types: ROTATION,
    configSchema: {
      properties: {
        maxRotationDays: numberParam(
          "Longest allowed interval between rotations, in days.",
          90,
          1,
          1000,
        ),
      },
    },
    check: (props, config) => checkRotationInterval(props, config),
  }),
  stackPolicy({
    name: "rotation-lambda-in-vpc",
    description: "Every Lambda function used by a rotation schedule runs inside a VPC.",
    check: (resources) => checkRotationLambdasInVpc(resources),
  }),
  resourcePolicy({
    name: "rotation-function-in-vpc",
    description: "Rotation functions run inside a VPC.",
    types: [...LAMBDA, ...SAR_STACK],
    check: checkRotationInVpc,
  }),
];
