/**
 * The offline plan of an environment (README, "The offline plan"): every stack under mocks in phase
 * order, a fixed-point pass, and the policy pack through its real server.
 */
import { styleText } from "node:util";
import { unknownValue as UNKNOWN } from "@pulumi/pulumi/runtime/rpc";
import {
  ENVIRONMENT_POLICIES,
  ENVIRONMENT_POLICY,
  PACK_NAME,
  QUOTA_PARAM,
} from "../../policy-pack/lib/names";
import { QUOTAS, quotaExceeded } from "../../policy-pack/lib/quotas";
import { ENVIRONMENT_TYPES, PEERING } from "../../policy-pack/lib/types";
import { allPolicies } from "../../policy-pack/policies";
import { resourcePolicyTypes } from "../../policy-pack/policies/model";
import { Environment } from "../config";
import { stackAccount, stackNames } from "../topology";
import { modeOf } from "../connectivity";
import { Step, runEnvironment } from "./environmentRun";
import { Level, PackConfig, PolicyServer, Violation } from "./policyServer";
import type { PolicyConfig } from "../policyConfig";
import { RecordedResource, StackRun, maskSecrets } from "./runStack";

export interface PlannedStack {
  name: string;
  account: string;
  accountId: string;
  region: string;
  resources: Pick<
    RecordedResource,
    "urn" | "type" | "name" | "inputs" | "protect" | "parent" | "provider" | "dependencies"
  >[];
  outputs: Record<string, unknown>;
  warnings: string[];
}

export interface Plan {
  environment: string;
  phases: string[][];
  /** How central reaches the workloads (the connectivity mode and, for a transit gateway, its share). */
  linkSummary: string;
  /** Every stack update in deploy order: what it creates, changes and deletes. */
  steps: Step[];
  converged: boolean;
  drift: string[];
  stacks: PlannedStack[];
  violations: (Violation & { stack: string })[];
}

export interface PlanOptions {
  preview?: boolean;
  policyConfig?: PackConfig;
  /**
   * The guard pack's server, started by the caller (who stops it), or its start: the plan
   * awaits it only once the stacks have run. Default: one started and stopped here.
   */
  server?: PolicyServer | Promise<PolicyServer>;
  /**
   * Further CrossGuard packs (`--policy-pack DIR`), started and configured by the caller,
   * evaluated after secrets-hub-guard on every stack, each through its own server.
   */
  packs?: readonly PolicyServer[];
  /** Progress lines (stack runs done, the policy pack), for a terminal's stderr. */
  progress?: (line: string) => void;
}

export async function planEnvironment(env: Environment, options: PlanOptions = {}): Promise<Plan> {
  // The pack process starts (and type-checks) while the stacks run; a plan that fails, at
  // any point, ends it (mid-start too), as it ends the plan's every child. A server the
  // caller gives stays the caller's to stop.
  const owned = options.server ? undefined : PolicyServer.owned();
  const serverStarting = owned?.server ?? Promise.resolve(options.server!);
  serverStarting.catch(() => undefined);
  const progress = options.progress;
  const order = stackNames(env);
  // The pack evaluates each stack's last run as soon as it exists, while the other stacks
  // and then the fixed-point pass run (that pass changes no run the plan reports): its
  // process works on the other core.
  const guard = new GuardEvaluation(serverStarting, options.policyConfig ?? {});
  try {
    const result = await runEnvironment(
      env,
      options.preview ?? false,
      (done, total, stack) => progress?.(`ran ${stack} (${done}/${total} stack runs)`),
      true,
      (runs) => guard.environment(order, runs),
      (stack, run) => guard.stack(stack, run),
    );
    progress?.(`evaluating the policy pack ${PACK_NAME}`);
    const { effective, violations } = await guard.findings(order, result.runs);
    const pending = ENVIRONMENT_POLICY.pendingPeeringRequestsQuota;
    violations.push(
      ...checkPendingPeeringSteps(
        result.steps,
        Number(effective[pending].properties[QUOTA_PARAM.pendingPeeringRequestsQuota]),
        // Mandatory here although the pack's own version is advisory: the steps tell what
        // the pack cannot. A level the user set for the policy (or for "all") applies to both.
        userLevel(options.policyConfig, pending) ?? "mandatory",
      ),
    );
    for (const pack of options.packs ?? []) {
      progress?.(`evaluating the policy pack ${pack.name}`);
      for (const stack of order) {
        const run = result.runs.get(stack)!;
        for (const v of await pack.analyzeAll(run.resources)) violations.push({ ...v, stack });
      }
    }
    const stacks = order.map((name): PlannedStack => {
      const run = result.runs.get(name)!;
      return {
        name,
        ...stackAccount(env, name),
        resources: run.resources.map((r) => ({
          urn: r.urn,
          type: r.type,
          name: r.name,
          inputs: r.inputs,
          protect: r.protect,
          parent: r.parent,
          provider: r.provider,
          dependencies: r.dependencies,
        })),
        outputs: maskedOutputs(run.outputs, run.secretOutputNames),
        warnings: run.warnings,
      };
    });
    return {
      environment: env.environment,
      phases: result.phases,
      linkSummary: modeOf(env).summary(env),
      steps: result.steps,
      converged: result.converged ?? false,
      drift: result.drift,
      stacks,
      violations,
    };
  } finally {
    await owned?.end();
  }
}

interface GuardFindings {
  effective: Record<string, PolicyConfig>;
  violations: Plan["violations"];
}

/**
 * The types the guard pack's resource policies check, from the pack's own modules (the
 * server runs the same files): three quarters of a workload's resources are of none, and
 * each would cost a call. Undefined (every resource) unless the server describes exactly
 * the pack's policies and each of its resource policies declares its types.
 */
export function guardResourceTypes(server: PolicyServer): ReadonlySet<string> | undefined {
  const names = server.policies.map((p) => p.name).sort();
  if (JSON.stringify(names) !== JSON.stringify(allPolicies.map((p) => p.name).sort()))
    return undefined;
  const types = new Set<string>();
  for (const policy of allPolicies) {
    if (!("validateResource" in policy)) continue;
    const checked = resourcePolicyTypes(policy.name);
    if (!checked) return undefined;
    for (const t of checked) types.add(t);
  }
  return types;
}

/**
 * secrets-hub-guard over the runs: configured once, then each stack's resources as soon as
 * its run is final (all of a stack's requests in flight together), then the environment's
 * policies over all of them; the findings in stack order.
 */
class GuardEvaluation {
  private readonly configured: Promise<{
    server: PolicyServer;
    effective: Record<string, PolicyConfig>;
    resourceTypes: ReadonlySet<string> | undefined;
  }>;
  private readonly perStack = new Map<string, Promise<Violation[]>>();
  private result: Promise<GuardFindings> | undefined;

  constructor(serverStarting: Promise<PolicyServer>, policyConfig: PackConfig) {
    this.configured = serverStarting.then(async (server) => ({
      server,
      effective: await server.configure(policyConfig),
      resourceTypes: guardResourceTypes(server),
    }));
    this.configured.catch(() => undefined);
  }

  /** Starts the per-resource and stack policies on a stack's final run. */
  stack(stack: string, run: StackRun): void {
    const analysis = this.configured.then(({ server, resourceTypes }) =>
      server.analyzeAll(run.resources, { resourceTypes }),
    );
    analysis.catch(() => undefined);
    this.perStack.set(stack, analysis);
  }

  /** Starts the environment's policies once every stack's run is final; returns the findings. */
  environment(
    order: readonly string[],
    runs: ReadonlyMap<string, StackRun>,
  ): Promise<GuardFindings> {
    this.result ??= this.evaluate(order, runs);
    this.result.catch(() => undefined);
    return this.result;
  }

  /** The findings, once the stacks have run (started by `environment`, or now). */
  findings(order: readonly string[], runs: ReadonlyMap<string, StackRun>): Promise<GuardFindings> {
    return this.environment(order, runs);
  }

  private async evaluate(
    order: readonly string[],
    runs: ReadonlyMap<string, StackRun>,
  ): Promise<GuardFindings> {
    const { server, effective } = await this.configured;
    for (const stack of order) if (!this.perStack.has(stack)) this.stack(stack, runs.get(stack)!);
    const perStack = await Promise.all(
      order.map(async (stack) => (await this.perStack.get(stack)!).map((v) => ({ ...v, stack }))),
    );
    const violations: Plan["violations"] = perStack.flat();
    // The environment's policies read only these types (ENVIRONMENT_TYPES), and only their
    // findings are kept from this pass.
    const judged = new Set(ENVIRONMENT_TYPES);
    const everything = order.flatMap((s) =>
      runs.get(s)!.resources.filter((r) => judged.has(r.type)),
    );
    for (const v of await server.analyzeStack(everything)) {
      if (
        ENVIRONMENT_POLICIES.includes(v.policy) &&
        !violations.some((w) => w.policy === v.policy && w.message === v.message)
      ) {
        violations.push({ ...v, stack: "(environment)" });
      }
    }
    return { effective, violations };
  }
}

/**
 * The plan of `env` as far as its diagram (src/offline/mermaid.ts) reads it, from its
 * cheapest correct source: the stacks run in phase order under mocks, without the fixed-point
 * pass and the policy pack (the diagram reads the stacks' registrations and, for an adopted
 * VPC's id and CIDR, their outputs).
 */
export async function diagramPlan(env: Environment): Promise<Plan> {
  const run = await runEnvironment(env, false, undefined, false);
  return {
    environment: env.environment,
    phases: run.phases,
    linkSummary: "",
    steps: run.steps,
    converged: true,
    drift: [],
    violations: [],
    stacks: stackNames(env).map((name) => ({
      name,
      ...stackAccount(env, name),
      resources: run.runs.get(name)!.resources,
      outputs: run.runs.get(name)!.outputs as Record<string, unknown>,
      warnings: [],
    })),
  };
}

/** The resource type token of a URN (the last type of its parent chain). */
function typeOf(urn: string): string {
  return urn.split("::")[2]?.split("$").pop() ?? urn;
}

/**
 * Outstanding peering requests (AWS quota L-DC9F7029) from the deployment steps: no stack
 * update adds more peering requests than the quota. Each central round's requests are
 * accepted by the workload updates that follow it, before central's next update (README,
 * "Deployment order"), so what one update adds is what is pending at once.
 */
export function checkPendingPeeringSteps(
  steps: Step[],
  limit: number,
  level: Level,
): Plan["violations"] {
  if (level === "disabled") return [];
  return steps.flatMap((step) => {
    const added = step.adds.filter((urn) => PEERING.includes(typeOf(urn)));
    if (added.length <= limit) return [];
    return [
      {
        pack: PACK_NAME,
        policy: ENVIRONMENT_POLICY.pendingPeeringRequestsQuota,
        level,
        stack: step.stack,
        urn: added[0],
        message: quotaExceeded(
          QUOTAS.pendingPeeringRequests,
          added.length,
          limit,
          `phase ${step.phase}, ${step.stack}: ${added.length} peering requests added in one update`,
        ),
      },
    ];
  });
}

function maskedOutputs(
  outputs: Record<string, unknown>,
  secret: string[],
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(outputs).map(([k, v]) => [k, secret.includes(k) ? "[secret]" : maskSecrets(v)]),
  );
}

const UNKNOWN_TEXT = "(known after deploy)";

/** Terminal styles, applied only when asked (a terminal without NO_COLOR). */
type Style = "bold" | "green" | "red" | "yellow" | "dim";

/**
 * The one-line verdict the plan opens with:
 * `dev: OK — 4 stacks, 8 stack updates, converged, 0 mandatory / 0 advisory violations`.
 */
export function verdict(plan: Plan): string {
  const mandatory = plan.violations.filter((v) => v.level === "mandatory").length;
  const advisory = plan.violations.length - mandatory;
  const ok = mandatory === 0 && plan.converged;
  return `${plan.environment}: ${ok ? "OK" : "FAILED"} — ${plan.stacks.length} stacks, ${plan.steps.length} stack updates, ${plan.converged ? "converged" : "does not converge"}, ${mandatory} mandatory / ${advisory} advisory violations`;
}

/** A value as the text plan shows it: JSON, with unknowns as "(known after deploy)". */
function show(value: unknown): string {
  return JSON.stringify(value).replaceAll(`"${UNKNOWN}"`, UNKNOWN_TEXT);
}

/** The readable summary; `color` styles it for a terminal. */
export function formatPlan(plan: Plan, options: { color?: boolean } = {}): string {
  const paint = (style: Style, text: string) =>
    options.color ? styleText(style, text, { validateStream: false }) : text;
  const ok = plan.converged && !plan.violations.some((v) => v.level === "mandatory");
  const lines: string[] = [
    paint(ok ? "green" : "red", verdict(plan)),
    "",
    paint("bold", `Environment ${plan.environment}`),
    `Connectivity: ${plan.linkSummary}`,
    "Phases:",
  ];
  plan.phases.forEach((phase, i) => lines.push(`  ${i + 1}. ${phase.join(", ")}`));
  lines.push(
    "",
    "Steps (each stack update in deploy order, compared with that stack's previous update):",
  );
  for (const step of plan.steps) lines.push(`  ${describeStep(step)}`);
  for (const stack of plan.stacks) {
    const custom = stack.resources.filter(
      (r) => !r.type.startsWith("secrets-hub:") && r.type !== "pulumi:pulumi:Stack",
    );
    lines.push(
      "",
      paint(
        "bold",
        `Stack ${stack.name} (account ${stack.accountId}, ${stack.region}): ${custom.length} resources`,
      ),
    );
    const counts = new Map<string, number>();
    for (const r of custom) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    for (const [type, n] of [...counts].sort()) lines.push(`  ${String(n).padStart(4)}  ${type}`);
    lines.push("  outputs:");
    for (const [k, v] of Object.entries(stack.outputs)) lines.push(`    ${k}: ${show(v)}`);
    for (const w of stack.warnings) lines.push(paint("yellow", `  warning: ${w}`));
  }
  lines.push(
    "",
    `Converged (a further pass changes nothing): ${plan.converged ? "yes" : `no: ${plan.drift.join("; ")}`}`,
  );
  const mandatory = plan.violations.filter((v) => v.level === "mandatory");
  lines.push(
    `Policy violations: ${mandatory.length} mandatory, ${plan.violations.length - mandatory.length} advisory`,
  );
  for (const v of plan.violations)
    lines.push(
      paint(
        v.level === "mandatory" ? "red" : "yellow",
        `  [${v.level}] ${v.policy} (${v.pack}; ${v.stack}) ${v.urn.split("::").pop() ?? ""}: ${v.message}`,
      ),
    );
  return lines.join("\n");
}

/** "phase 3, dev-workload-a: adds peering accepter, 2 routes, identity policy". */
export function describeStep(step: Step): string {
  const parts = (
    [
      ["adds", step.adds],
      ["changes", step.changes],
      ["removes", step.removes],
    ] as const
  )
    .filter(([, urns]) => urns.length > 0)
    .map(([verb, urns]) => `${verb} ${summarize(urns)}`);
  return `phase ${step.phase}, ${step.stack}: ${parts.length > 0 ? parts.join("; ") : "no change"}`;
}

/** Readable names of the resource types a step touches, by type token. */
const LABELS: Record<string, string> = {
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": "peering request",
  "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": "peering accepter",
  "aws:iam/rolePolicy:RolePolicy": "identity policy",
  "aws:secretsmanager/secretRotation:SecretRotation": "rotation",
  "aws:secretsmanager/secretVersion:SecretVersion": "secret value",
  "aws:secretsmanager/secretPolicy:SecretPolicy": "secret policy",
  "aws:serverlessrepository/cloudFormationStack:CloudFormationStack": "rotation application",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "ingress rule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "egress rule",
  "aws:kms/replicaKey:ReplicaKey": "replica key",
  "aws:kms/key:Key": "key",
  "aws:rds/instance:Instance": "database",
};

function label(type: string): string {
  if (LABELS[type]) return LABELS[type];
  if (type.startsWith("pulumi:providers:")) return `${type.split(":").pop()} provider`;
  const name = type.split(":").pop() ?? type;
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

function summarize(urns: string[]): string {
  const counts = new Map<string, number>();
  for (const urn of urns) {
    const name = label(typeOf(urn));
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([name, n]) => (n === 1 ? name : `${n} ${plural(name)}`)).join(", ");
}

function plural(name: string): string {
  if (/(s|x|ch|sh)$/.test(name)) return `${name}es`;
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  return `${name}s`;
}

/** The enforcement level the user's policy config sets for a policy, if it sets one. */
function userLevel(config: PackConfig | undefined, policy: string): Level | undefined {
  for (const key of [policy, "all"]) {
    const given = config?.[key];
    if (typeof given === "string") return given as Level;
    if (given && typeof given.enforcementLevel === "string") return given.enforcementLevel as Level;
  }
  return undefined;
}
