/**
 * What `npm run verify` checks, and the shape of what it finds. SDK-free: `--help` lists
 * the checks without loading the AWS SDK.
 */

/** `ok`; `waiting`: not yet expected (e.g. an adopted secret awaiting its first value). */
export type Status = "ok" | "waiting" | "unhealthy" | "unknown" | "denied";

export interface Finding {
  /** A check id of {@link CHECKS}. */
  check: CheckId;
  /** `central` or the workload's name. */
  account: string;
  /** The workload the finding is about, when it is about one. */
  workload?: string;
  /** The secret, function, rule or resource it is about. */
  subject: string;
  status: Status;
  /** What was read, in a few words ("InSync", "last rotated 2026-11-30"). */
  detail: string;
  /** What to do about a finding that is not ok. */
  action?: string;
}

export const CHECKS = {
  "rotation-enabled":
    "each secret has rotation on (DescribeSecret RotationEnabled), last and next rotation dates, next not overdue",
  "first-rotation": "each rotated secret has rotated at least once (LastRotatedDate set)",
  "pending-version":
    "no version labelled AWSPENDING without AWSCURRENT (a stuck rotation; DescribeSecret VersionIdsToStages)",
  replication:
    "each secret has a replica in every replica Region, InSync (DescribeSecret ReplicationStatus)",
  "network-link":
    "central to each workload: the peering connection active, or the transit gateway attachment available (ec2 DescribeVpcPeeringConnections / DescribeTransitGatewayAttachments)",
  endpoint:
    "each account's Secrets Manager interface endpoint available with private DNS (ec2 DescribeVpcEndpoints)",
  "function-errors":
    "each rotation function's Errors in the last 24 hours (CloudWatch GetMetricData AWS/Lambda Errors)",
  "function-alarm":
    "each rotation function's <function>-errors alarm exists and is not in ALARM (CloudWatch DescribeAlarms)",
  "alert-delivery":
    "the rotation-failed rule's FailedInvocations in the last 24 hours (CloudWatch GetMetricData AWS/Events)",
  "access-findings":
    "IAM Access Analyzer's active findings on the secrets and their key (ListFindingsV2, status ACTIVE)",
} as const;

export type CheckId = keyof typeof CHECKS;

/** Exit status: 0 all healthy, 1 something unhealthy or unknown, 2 usage, credentials or missing read rights. */
export function exitStatus(findings: readonly Finding[]): 0 | 1 | 2 {
  if (findings.some((f) => f.status === "denied")) return 2;
  if (findings.some((f) => f.status === "unhealthy" || f.status === "unknown")) return 1;
  return 0;
}
