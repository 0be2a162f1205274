/**
 * `npm run verify`: reads each account of a deployed environment through the AWS SDK and
 * reports, per workload and per secret, whether rotation, replication, the network path and
 * the alerts really work (the checks of ./checks.ts). Every name it reads comes from the
 * environment file and src/names.ts, as the stacks derive them.
 *
 * Reads only: DescribeSecret (never GetSecretValue), ec2 Describe*, CloudWatch
 * GetMetricData / DescribeAlarms, Access Analyzer ListFindingsV2.
 */
import {
  AccessAnalyzerClient,
  ListFindingsV2Command,
  type FindingSummaryV2,
} from "@aws-sdk/client-accessanalyzer";
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import {
  DescribeTransitGatewayAttachmentsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcPeeringConnectionsCommand,
  EC2Client,
  type Filter,
} from "@aws-sdk/client-ec2";
import {
  DescribeSecretCommand,
  type DescribeSecretResponse,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { Engine, RotationStrategy } from "../../kernel/engines";
import type { Environment, Workload } from "../config/schema";
import { namePrefix, rotationFunctionName } from "../names";
import { accessAnalyzers, replicaRegions } from "../topology";
import { partitionOf, serviceEndpoint } from "../../kernel/partitions";
import { NOT_ROTATED_MAX_AGE_DAYS } from "../../policy-pack/lib/tags";
import { CheckId, Finding } from "./checks";
import { modeOf } from "../connectivity";
import type { Connectivity } from "../config/transitGateway";
import type { AccountSession } from "./credentials";

export { CHECKS, exitStatus } from "./checks";
export type { CheckId, Finding, Status } from "./checks";

/** A secret central owns, with what is expected of it. */
interface SecretSpec {
  workload: Workload;
  name: string;
  /** The AWS rotation application that rotates it; absent for a non-database secret. */
  rotatedBy?: { engine: Engine; strategy: RotationStrategy };
  /** A non-database secret with `rotation: none`: its value's age is checked instead. */
  unrotated?: boolean;
  /** Rotation is expected on now; otherwise why not yet. */
  waiting?: string;
}

function secretsOf(env: Environment): SecretSpec[] {
  const specs: SecretSpec[] = [];
  for (const w of env.workloads) {
    for (const db of w.databases) {
      const adoptedEmpty =
        db.existing && !db.existing.valuePut
          ? "an adopted database's secret rotates once its first value is put (set existing.valuePut: true and run central)"
          : undefined;
      const multiUser = db.rotationStrategy === "multi-user";
      specs.push({
        workload: w,
        name: db.secretName,
        rotatedBy: { engine: db.engine, strategy: db.rotationStrategy },
        waiting:
          // A multi-user application user is the program's to create (central's last phase).
          adoptedEmpty,
      });
      // The master secret of multi-user rotation (src/stacks/central.ts), rotated single-user.
      if (multiUser)
        specs.push({
          workload: w,
          name: `${db.secretName}/master`,
          rotatedBy: { engine: db.engine, strategy: "single-user" },
          waiting: adoptedEmpty,
        });
    }
    for (const plain of w.secrets) {
      const custom = plain.rotation !== "none";
      specs.push({
        workload: w,
        name: plain.secretName,
        unrotated: !custom,
        waiting:
          custom && !plain.valuePut
            ? "its custom rotation is switched on once its first value is put (set valuePut: true and run central)"
            : undefined,
      });
    }
  }
  return specs;
}

const ACCESS_DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "AuthorizationError",
  "UnrecognizedClientException",
]);
const THROTTLED = new Set([
  "ThrottlingException",
  "Throttling",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "LimitExceededException",
]);

export interface VerifyOptions {
  sessions: readonly AccountSession[];
  /** The time the dates are compared with. */
  now: Date;
  /** SDK attempts per call (the SDK retries throttling with backoff). Default 3. */
  maxAttempts?: number;
}

/** Runs every check of {@link CHECKS} and returns its findings. */
export async function verifyEnvironment(
  env: Environment,
  options: VerifyOptions,
): Promise<Finding[]> {
  const session = (account: string) => {
    const s = options.sessions.find((x) => x.account === account);
    if (!s) throw new Error(`no session for ${account}`);
    return s;
  };
  const config = (account: string, region: string) => ({
    region,
    credentials: session(account).credentials,
    maxAttempts: options.maxAttempts ?? 3,
  });
  const findings: Finding[] = [];
  const add = (f: Finding) => findings.push(f);

  /** Runs a read; a denied, throttled or failed read becomes a finding of its own. */
  async function read<T>(
    base: Omit<Finding, "status" | "detail" | "action">,
    action: string,
    call: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      const name = (error as { name?: string }).name ?? "";
      const message = error instanceof Error ? error.message : String(error);
      if (ACCESS_DENIED.has(name))
        add({
          ...base,
          status: "denied",
          detail: `${action} denied (${name})`,
          action: `allow ${action} to the ${base.account} deploy role (npm run deploy-policy prints its policies)`,
        });
      else if (THROTTLED.has(name))
        add({
          ...base,
          status: "unknown",
          detail: `${action} throttled after ${options.maxAttempts ?? 3} attempts (${name})`,
          action: "run npm run verify again in a few minutes",
        });
      else if (name === "ResourceNotFoundException")
        add({
          ...base,
          status: "unhealthy",
          detail: `not found (${action})`,
          action: "run npm run deploy: central creates the secret in its last phase",
        });
      else
        add({
          ...base,
          status: "unknown",
          detail: `${action} failed: ${name} ${message}`.trim(),
          action: "run again with --debug; check the Region and the account",
        });
      return undefined;
    }
  }

  const central = env.central;
  const prefix = namePrefix(env.environment);
  const replicas = replicaRegions(env);
  const secrets = secretsOf(env);
  const sm = new SecretsManagerClient(config("central", central.region));
  const described = new Map<string, DescribeSecretResponse>();

  // ------------------------------------------------------------------ secrets
  for (const spec of secrets) {
    const base = { account: "central", workload: spec.workload.name, subject: spec.name };
    const d = await read(
      { ...base, check: "rotation-enabled" },
      "secretsmanager:DescribeSecret",
      () => sm.send(new DescribeSecretCommand({ SecretId: spec.name })),
    );
    if (!d) continue;
    described.set(spec.name, d);
    checkRotation(spec, d, options.now, add);
    checkPending(base, d, add);
    checkReplication(base, d, replicas, add);
  }

  // ------------------------------------------------------------------ network
  const centralEc2 = new EC2Client(config("central", central.region));
  // Each mode's link, read as AWS reports it: a Record over the mode names, so a new mode
  // without its check is a compile error (src/connectivity/).
  type LinkBase = { check: CheckId; account: string; workload: string; subject: string };
  const linkChecks: Record<Connectivity, (w: Workload, base: LinkBase) => Promise<void>> = {
    "transit-gateway": async (w, base) => {
      const out = await read(
        { ...base, subject: "transit gateway attachment" },
        "ec2:DescribeTransitGatewayAttachments",
        () =>
          centralEc2.send(
            new DescribeTransitGatewayAttachmentsCommand({
              Filters: [
                { Name: "resource-owner-id", Values: [w.accountId] },
                { Name: "resource-type", Values: ["vpc"] },
              ],
            }),
          ),
      );
      if (!out) return;
      const states = (out.TransitGatewayAttachments ?? []).map((a) => ({
        id: a.TransitGatewayAttachmentId ?? "",
        state: a.State ?? "",
      }));
      const available = states.find((a) => a.state === "available");
      add(
        available
          ? { ...base, subject: available.id, status: "ok", detail: "available" }
          : {
              ...base,
              subject: states[0]?.id ?? "transit gateway attachment",
              status: "unhealthy",
              detail: states.length
                ? states.map((a) => `${a.id} ${a.state}`).join(", ")
                : `no attachment from account ${w.accountId}`,
              action: `run npm run deploy: the ${w.name} stack attaches its VPC, central associates it (pendingAcceptance: accept it in central)`,
            },
      );
    },
    peering: async (w, base) => {
      const out = await read(
        { ...base, subject: "peering connection" },
        "ec2:DescribeVpcPeeringConnections",
        () =>
          centralEc2.send(
            new DescribeVpcPeeringConnectionsCommand({
              Filters: [
                { Name: "requester-vpc-info.owner-id", Values: [central.accountId] },
                { Name: "requester-vpc-info.cidr-block", Values: [central.vpcCidr] },
                { Name: "accepter-vpc-info.owner-id", Values: [w.accountId] },
                { Name: "accepter-vpc-info.cidr-block", Values: [w.vpcCidr] },
              ],
            }),
          ),
      );
      if (!out) return;
      const connections = (out.VpcPeeringConnections ?? []).map((c) => ({
        id: c.VpcPeeringConnectionId ?? "",
        code: c.Status?.Code ?? "",
      }));
      const active = connections.find((c) => c.code === "active");
      const live = connections.filter((c) => c.code !== "deleted");
      add(
        active
          ? { ...base, subject: active.id, status: "ok", detail: "active" }
          : {
              ...base,
              subject: live[0]?.id ?? "peering connection",
              status: "unhealthy",
              detail: live.length
                ? live.map((c) => `${c.id} ${c.code}`).join(", ")
                : `no peering connection to account ${w.accountId} (${w.vpcCidr})`,
              action: live.some((c) => c.code === "pending-acceptance")
                ? `run the ${env.environment}-${w.name} stack (npm run deploy): it accepts the request, which expires 7 days after central made it`
                : live.some(
                      (c) => c.code === "expired" || c.code === "rejected" || c.code === "failed",
                    )
                  ? `run ${env.environment}-central then ${env.environment}-${w.name} (npm run deploy) to request and accept a new connection`
                  : "run npm run deploy: central requests the peering in its first phase",
            },
      );
    },
  };
  const checkLink = linkChecks[modeOf(env).name];
  for (const w of env.workloads) {
    const base = {
      check: "network-link" as CheckId,
      account: "central",
      workload: w.name,
      subject: "",
    };
    await checkLink(w, base);
  }

  // ---------------------------------------------------------------- endpoints
  const accounts: [string, string, Environment["central"]][] = [
    ["central", central.region, central],
    ...env.workloads.map((w): [string, string, Environment["central"]] => [w.name, w.region, w]),
  ];
  for (const [account, region, spec] of accounts) {
    const base = {
      check: "endpoint" as CheckId,
      account,
      ...(account === "central" ? {} : { workload: account }),
      subject: "Secrets Manager endpoint",
    };
    const existing = spec.existingVpc?.secretsManagerEndpointId;
    const filters: Filter[] = [
      { Name: "service-name", Values: [`com.amazonaws.${region}.secretsmanager`] },
    ];
    if (!existing) filters.push({ Name: "tag:secrets-hub:environment", Values: [env.environment] });
    const ec2 = account === "central" ? centralEc2 : new EC2Client(config(account, region));
    const out = await read(base, "ec2:DescribeVpcEndpoints", () =>
      ec2.send(
        new DescribeVpcEndpointsCommand({
          Filters: filters,
          ...(existing ? { VpcEndpointIds: [existing] } : {}),
        }),
      ),
    );
    if (!out) continue;
    const endpoints = out.VpcEndpoints ?? [];
    const good = endpoints.find(
      (e) => e.State?.toLowerCase() === "available" && e.PrivateDnsEnabled === true,
    );
    add(
      good
        ? {
            ...base,
            subject: good.VpcEndpointId ?? base.subject,
            status: "ok",
            detail: "available, private DNS on",
          }
        : {
            ...base,
            subject: endpoints[0]?.VpcEndpointId ?? base.subject,
            status: "unhealthy",
            detail: endpoints.length
              ? endpoints
                  .map(
                    (e) =>
                      `${e.VpcEndpointId} ${e.State}, private DNS ${e.PrivateDnsEnabled ? "on" : "off"}`,
                  )
                  .join("; ")
              : "none found",
            action: existing
              ? `turn private DNS on for ${existing} (the rotation resolves ${serviceEndpoint("secretsmanager", region)} through it)`
              : `run npm run deploy: the ${account} stack creates the endpoint in its first phase`,
          },
    );
  }

  // ------------------------------------------------ rotation functions, alerts
  const functions = [
    ...new Map(
      secrets
        .flatMap((s) => (!s.waiting && s.rotatedBy ? [s.rotatedBy] : []))
        .map(({ engine, strategy }) => {
          const fn = rotationFunctionName(env.environment, engine, strategy);
          return [fn, fn] as const;
        }),
    ).keys(),
  ];
  const rule = `${prefix}-rotation-failed`;
  const cw = new CloudWatchClient(config("central", central.region));
  const end = options.now;
  const start = new Date(end.getTime() - 24 * 3600 * 1000);
  const queries: MetricDataQuery[] = [
    ...functions.map((fn, i) => ({
      Id: `f${i}`,
      MetricStat: {
        Metric: {
          Namespace: "AWS/Lambda",
          MetricName: "Errors",
          Dimensions: [{ Name: "FunctionName", Value: fn }],
        },
        Period: 86400,
        Stat: "Sum",
      },
    })),
    {
      Id: "rule",
      MetricStat: {
        Metric: {
          Namespace: "AWS/Events",
          MetricName: "FailedInvocations",
          Dimensions: [{ Name: "RuleName", Value: rule }],
        },
        Period: 86400,
        Stat: "Sum",
      },
    },
  ];
  const metrics = await read(
    { check: "function-errors", account: "central", subject: "rotation functions" },
    "cloudwatch:GetMetricData",
    () =>
      cw.send(
        new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: start, EndTime: end }),
      ),
  );
  if (metrics) {
    const sum = (id: string) =>
      (metrics.MetricDataResults ?? [])
        .find((r) => r.Id === id)
        ?.Values?.reduce((a, b) => a + b, 0) ?? 0;
    functions.forEach((fn, i) => {
      const errors = sum(`f${i}`);
      add({
        check: "function-errors",
        account: "central",
        subject: fn,
        ...(errors > 0
          ? {
              status: "unhealthy" as const,
              detail: `${errors} errors in the last 24 hours`,
              action: `read the function's log group /aws/lambda/${fn}: a rotation step failed (network path, database rule, or credentials)`,
            }
          : { status: "ok" as const, detail: "no errors in the last 24 hours" }),
      });
    });
    const failed = sum("rule");
    add({
      check: "alert-delivery",
      account: "central",
      subject: rule,
      ...(failed > 0
        ? {
            status: "unhealthy" as const,
            detail: `${failed} failed invocations in the last 24 hours: rotation alerts are not delivered`,
            action:
              "check the alerts topic's policy (events.amazonaws.com may publish) and its key policy (EventBridge may use the key)",
          }
        : { status: "ok" as const, detail: "no failed invocations in the last 24 hours" }),
    });
  }
  if (functions.length > 0) {
    const alarms = functions.map((fn) => `${fn}-errors`);
    const out = await read(
      { check: "function-alarm", account: "central", subject: "rotation alarms" },
      "cloudwatch:DescribeAlarms",
      () => cw.send(new DescribeAlarmsCommand({ AlarmNames: alarms, AlarmTypes: ["MetricAlarm"] })),
    );
    if (out) {
      for (const name of alarms) {
        const alarm = (out.MetricAlarms ?? []).find((a) => a.AlarmName === name);
        add({
          check: "function-alarm",
          account: "central",
          subject: name,
          ...(!alarm
            ? {
                status: "unhealthy" as const,
                detail: "missing",
                action: "run npm run deploy: central creates the alarm with the function",
              }
            : alarm.StateValue === "ALARM"
              ? {
                  status: "unhealthy" as const,
                  detail:
                    `in ALARM since ${alarm.StateUpdatedTimestamp?.toISOString() ?? "?"}: ${alarm.StateReason ?? ""}`.trim(),
                  action: `read /aws/lambda/${name.slice(0, -"-errors".length)} for the failed rotation step`,
                }
              : { status: "ok" as const, detail: alarm.StateValue ?? "" }),
        });
      }
    }
  }

  // ------------------------------------------------------------ Access Analyzer
  await checkAccessAnalyzer(env, described, config, read, add);
  return findings;
}

function checkRotation(
  spec: SecretSpec,
  d: DescribeSecretResponse,
  now: Date,
  add: (f: Finding) => void,
) {
  const base = { account: "central", workload: spec.workload.name, subject: spec.name };
  const dates = `last rotated ${d.LastRotatedDate?.toISOString().slice(0, 10) ?? "never"}, next ${d.NextRotationDate?.toISOString().slice(0, 10) ?? "none"}`;
  if (spec.unrotated) {
    // Not rotated by design: the value's age against the pack's secret-not-rotated maximum.
    const changed = d.LastChangedDate ?? d.CreatedDate;
    const days = changed ? Math.floor((now.getTime() - changed.getTime()) / 86_400_000) : 0;
    const old = days > NOT_ROTATED_MAX_AGE_DAYS;
    add({
      ...base,
      check: "rotation-enabled",
      status: old ? "unhealthy" : "ok",
      detail: `not rotated by design (rotation: none); value last changed ${changed?.toISOString().slice(0, 10) ?? "never"}, ${days} days ago`,
      ...(old
        ? {
            action: `put a new value (aws secretsmanager put-secret-value --secret-id ${spec.name}) and update what uses it: it is older than ${NOT_ROTATED_MAX_AGE_DAYS} days`,
          }
        : {}),
    });
    return;
  }
  if (!d.RotationEnabled) {
    add(
      spec.waiting
        ? {
            ...base,
            check: "rotation-enabled",
            status: "waiting",
            detail: "rotation off, as expected for now",
            action: spec.waiting,
          }
        : {
            ...base,
            check: "rotation-enabled",
            status: "unhealthy",
            detail: "rotation off",
            action:
              "run npm run deploy: central turns rotation on in its last phase, once the workload accepted the network link",
          },
    );
    return;
  }
  const overdue = d.NextRotationDate !== undefined && d.NextRotationDate.getTime() < now.getTime();
  add(
    overdue
      ? {
          ...base,
          check: "rotation-enabled",
          status: "unhealthy",
          detail: `rotation on but overdue: ${dates}`,
          action:
            "a scheduled rotation did not run or did not finish: see function-errors and pending-version",
        }
      : { ...base, check: "rotation-enabled", status: "ok", detail: `rotation on, ${dates}` },
  );
  add(
    d.LastRotatedDate
      ? {
          ...base,
          check: "first-rotation",
          status: "ok",
          detail: `rotated ${d.LastRotatedDate.toISOString()}`,
        }
      : {
          ...base,
          check: "first-rotation",
          status: "unhealthy",
          detail: "rotation on but never succeeded",
          action:
            "the first rotation (started at once by the deploy) has not finished: see function-errors and the function's log group",
        },
  );
}

function checkPending(
  base: { account: string; workload: string; subject: string },
  d: DescribeSecretResponse,
  add: (f: Finding) => void,
) {
  const stuck = Object.entries(d.VersionIdsToStages ?? {}).filter(
    ([, stages]) => stages.includes("AWSPENDING") && !stages.includes("AWSCURRENT"),
  );
  add(
    stuck.length === 0
      ? { ...base, check: "pending-version", status: "ok", detail: "no pending version" }
      : {
          ...base,
          check: "pending-version",
          status: "unhealthy",
          detail: `version ${stuck.map(([id]) => id).join(", ")} labelled AWSPENDING without AWSCURRENT: a rotation stopped half-way`,
          action: `fix the cause (function-errors), then remove the label: aws secretsmanager update-secret-version-stage --secret-id ${base.subject} --version-stage AWSPENDING --remove-from-version-id ${stuck[0][0]}, and rotate again`,
        },
  );
}

function checkReplication(
  base: { account: string; workload: string; subject: string },
  d: DescribeSecretResponse,
  replicas: readonly string[],
  add: (f: Finding) => void,
) {
  for (const region of replicas) {
    const r = (d.ReplicationStatus ?? []).find((x) => x.Region === region);
    add(
      r?.Status === "InSync"
        ? {
            ...base,
            check: "replication",
            subject: `${base.subject} in ${region}`,
            status: "ok",
            detail: "InSync",
          }
        : {
            ...base,
            check: "replication",
            subject: `${base.subject} in ${region}`,
            status: "unhealthy",
            detail: r
              ? `${r.Status}${r.StatusMessage ? `: ${r.StatusMessage}` : ""}`
              : "no replica",
            action: r
              ? "a replica fails when the replica key is missing or a secret of that name exists there: read StatusMessage, fix, then run npm run deploy"
              : "run npm run deploy: central replicates each secret to every replica Region",
          },
    );
  }
}

async function checkAccessAnalyzer(
  env: Environment,
  described: ReadonlyMap<string, DescribeSecretResponse>,
  config: (account: string, region: string) => { region: string; maxAttempts: number },
  read: <T>(
    base: Omit<Finding, "status" | "detail" | "action">,
    action: string,
    call: () => Promise<T>,
  ) => Promise<T | undefined>,
  add: (f: Finding) => void,
) {
  const central = env.central;
  const partition = partitionOf(central.region);
  const { create, existing } = accessAnalyzers(env);
  const analyzers = [
    ...create.map(
      (r) =>
        `arn:${partition}:access-analyzer:${r}:${central.accountId}:analyzer/${namePrefix(env.environment)}-account`,
    ),
    ...existing,
  ];
  if (analyzers.length === 0) {
    add({
      check: "access-findings",
      account: "central",
      subject: "Access Analyzer",
      status: "ok",
      detail:
        "not checked: secrets-hub:accessAnalyzer is none (your organization's analyzer reports these)",
    });
    return;
  }
  const secretArns = [...described.values()].map((d) => d.ARN ?? "").filter(Boolean);
  const keys = [...new Set([...described.values()].map((d) => d.KmsKeyId ?? "").filter(Boolean))];
  const ours = (f: FindingSummaryV2) => {
    const resource = f.resource ?? "";
    // A replica's ARN differs from the primary's only in its Region.
    const sameSecret = (arn: string) =>
      resource.replace(/:secretsmanager:[^:]+:/, ":") ===
      arn.replace(/:secretsmanager:[^:]+:/, ":");
    const keyId = (arn: string) => arn.split("/").pop() ?? arn;
    return secretArns.some(sameSecret) || keys.some((k) => keyId(resource) === keyId(k));
  };
  for (const analyzerArn of analyzers) {
    const region = analyzerArn.split(":")[3];
    const client = new AccessAnalyzerClient(config("central", region));
    const base = { check: "access-findings" as CheckId, account: "central", subject: analyzerArn };
    const found: FindingSummaryV2[] = [];
    let nextToken: string | undefined;
    let failed = false;
    do {
      const page = await read(base, "access-analyzer:ListFindingsV2", () =>
        client.send(
          new ListFindingsV2Command({
            analyzerArn,
            filter: {
              status: { eq: ["ACTIVE"] },
              resourceType: { eq: ["AWS::SecretsManager::Secret", "AWS::KMS::Key"] },
            },
            nextToken,
          }),
        ),
      );
      if (!page) {
        failed = true;
        break;
      }
      found.push(...(page.findings ?? []).filter(ours));
      nextToken = page.nextToken;
    } while (nextToken);
    if (failed) continue;
    if (found.length === 0)
      add({ ...base, status: "ok", detail: "no active findings on the secrets or their key" });
    for (const f of found)
      add({
        ...base,
        subject: f.resource ?? analyzerArn,
        status: "unhealthy",
        detail: `active finding ${f.id} (${f.findingType ?? "external access"}): shared outside the account`,
        action:
          "review it in IAM Access Analyzer: a principal outside the environment may read it; fix the policy, or archive the finding if intended",
      });
  }
}
