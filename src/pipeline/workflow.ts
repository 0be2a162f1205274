/**
 * The GitHub Actions workflows of an environment, generated from the same topology as the
 * orchestrator (`src/topology.ts`): one job per phase, the phase's stacks as the job's
 * matrix, each job needing the one before. Pure functions returning plain objects; the
 * CLI (`scripts/pipeline.ts`) serializes them with `workflowYaml`.
 *
 * SDK-free, like the topology: generating a workflow loads no Pulumi program.
 */
import YAML from "yaml";
import type { Environment } from "../config/schema";
import {
  Operation,
  Phase,
  centralStack,
  destroyOrder,
  operationPhases,
  resolveStack,
} from "../topology";

/** GitHub refuses a matrix of more than 256 jobs: a larger phase becomes consecutive jobs. */
export const MATRIX_LIMIT = 256;

/** Actions, pinned to their major version. */
export const ACTIONS = {
  checkout: "actions/checkout@v4",
  setupNode: "actions/setup-node@v4",
  pulumi: "pulumi/actions@v6",
  awsCredentials: "aws-actions/configure-aws-credentials@v4",
} as const;

export interface WorkflowOptions {
  /**
   * The environment file, relative to the repository root (forward slashes), passed as
   * `--config-file` to every stack operation.
   */
  configFile: string;
  /** Stack jobs of one matrix running at once. Default: 4. */
  maxParallel?: number;
  /** Folder of the policy pack, relative to the repository root. Default: `policy-pack`. */
  policyPack?: string;
  /** Node.js major version for `actions/setup-node`. Default: `20`. */
  nodeVersion?: string;
}

export type Step = Record<string, unknown> & { name: string };

export interface MatrixEntry {
  stack: string;
  /** The account id: the fallback role is read from `vars.DEPLOY_ROLE_<account>`. */
  account: string;
  region: string;
  /** `deployRoleArn` from the environment file, or "" to use the repository variable. */
  role: string;
}

export interface Job {
  name: string;
  "runs-on": string;
  needs?: string[];
  if?: string;
  environment?: string;
  strategy?: {
    "fail-fast": boolean;
    "max-parallel": number;
    matrix: { include: MatrixEntry[] };
  };
  steps: Step[];
}

export interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency: { group: string; "cancel-in-progress": boolean };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

/** One stack job of a chain: the stacks of (part of) a phase. */
export interface StackJob {
  id: string;
  operation: Operation;
  phase: Phase;
  /** 1-based part of the phase, when the phase has more stacks than `MATRIX_LIMIT`. */
  part: number;
  parts: number;
  stacks: string[];
}

/**
 * The chain of stack jobs of an operation: one per phase, in phase order, a phase of more
 * than `MATRIX_LIMIT` stacks split into consecutive parts. Job ids: `<operation>-<phase>`,
 * or `<operation>-<phase>-part<k>` for a split phase.
 */
export function stackJobChain(env: Environment, operation: Operation): StackJob[] {
  return operationPhases(env, operation).flatMap((phase) => {
    const chunks = chunk(phase.stacks, MATRIX_LIMIT);
    return chunks.map((stacks, i) => ({
      id:
        chunks.length === 1
          ? `${operation}-${phase.number}`
          : `${operation}-${phase.number}-part${i + 1}`,
      operation,
      phase,
      part: i + 1,
      parts: chunks.length,
      stacks,
    }));
  });
}

/** The repository variable that holds an account's deploy role when the file names none. */
export function deployRoleVariable(accountId: string): string {
  return `DEPLOY_ROLE_${accountId}`;
}

/** The matrix entry of a stack: its account, region and deploy role. */
export function matrixEntry(env: Environment, stack: string): MatrixEntry {
  const target = resolveStack(env, stack);
  const account = target.kind === "central" ? env.central : target.workload;
  return {
    stack,
    account: account.accountId,
    region: account.region,
    role: account.deployRoleArn ?? "",
  };
}

// Pulumi Cloud takes the organization from the stack name; a self-managed backend only
// knows `organization`, which is also what the programs' stack references use there.
const STACK_REF = `"$PULUMI_ORGANIZATION/\${{ matrix.stack }}"`;
const ROLE = `matrix.role || vars[format('DEPLOY_ROLE_{0}', matrix.account)]`;

/**
 * The deploy workflow of an environment, run by hand (`workflow_dispatch`) with an
 * operation: `preview` and `up` run their phases after an `init` job that creates the
 * missing stacks; `destroy` runs its own chain (in the connectivity mode's order) and only when the input
 * `confirm-destroy` is the environment's name.
 */
export function deployWorkflow(env: Environment, options: WorkflowOptions): Workflow {
  const maxParallel = options.maxParallel ?? 4;
  if (!Number.isInteger(maxParallel) || maxParallel < 1 || maxParallel > MATRIX_LIMIT)
    throw new Error(
      `max-parallel must be a whole number from 1 to ${MATRIX_LIMIT}, got ${maxParallel}`,
    );
  const name = env.environment;
  const jobs: Record<string, Job> = {
    init: initJob(env),
    "confirm-destroy": {
      name: "Refuse an unconfirmed destroy",
      "runs-on": "ubuntu-latest",
      if: `inputs.operation == 'destroy' && inputs.confirm-destroy != '${name}'`,
      steps: [
        {
          name: "Refuse",
          run: `echo "::error::destroy needs the input confirm-destroy set to '${name}'"\nexit 1`,
        },
      ],
    },
  };
  const gates: Record<Operation, { if: string; needs: string[] }> = {
    preview: { if: "inputs.operation == 'preview'", needs: ["init"] },
    up: { if: "inputs.operation == 'up'", needs: ["init"] },
    destroy: {
      if: `inputs.operation == 'destroy' && inputs.confirm-destroy == '${name}'`,
      needs: [],
    },
  };
  for (const operation of ["preview", "up", "destroy"] as const) {
    let previous: string | undefined;
    for (const job of stackJobChain(env, operation)) {
      jobs[job.id] = stackJob(env, job, options, maxParallel, {
        // A job whose `if` names no status function also needs its `needs` to succeed.
        if: gates[operation].if,
        needs: previous ? [previous] : gates[operation].needs,
      });
      previous = job.id;
    }
  }
  return {
    name: `secrets-hub ${name}: deploy`,
    on: {
      workflow_dispatch: {
        inputs: {
          operation: {
            description: "What to run over every stack of the environment, in phase order",
            type: "choice",
            options: ["preview", "up", "destroy"],
            default: "preview",
            required: true,
          },
          "confirm-destroy": {
            description: `Type '${name}' to allow destroy (${destroyOrder(env)})`,
            type: "string",
            required: false,
            default: "",
          },
        },
      },
    },
    permissions: { "id-token": "write", contents: "read" },
    // Two runs on one environment would race on the same stacks: queue them instead.
    concurrency: { group: `secrets-hub-${name}`, "cancel-in-progress": false },
    env: {
      PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
      PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL }}",
      PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
      PULUMI_ORGANIZATION: "${{ vars.PULUMI_ORGANIZATION || 'organization' }}",
    },
    jobs,
  };
}

/** The pull-request check: the offline plan (no cloud), its diagram and report in the job summary. */
export function pullRequestWorkflow(env: Environment, options: WorkflowOptions): Workflow {
  const name = env.environment;
  const planArgs = [
    `--env ${name}`,
    ...(options.configFile === defaultConfigFile(name)
      ? []
      : [`--config-file ${options.configFile}`]),
  ].join(" ");
  return {
    name: `secrets-hub ${name}: plan`,
    on: { pull_request: {} },
    permissions: { contents: "read" },
    concurrency: {
      group: `secrets-hub-${name}-plan-\${{ github.ref }}`,
      "cancel-in-progress": true,
    },
    jobs: {
      plan: {
        name: `Offline plan of ${name}`,
        "runs-on": "ubuntu-latest",
        steps: [
          ...nodeSteps(options),
          {
            name: "Topology (Mermaid) to the job summary",
            run: `npm run -s plan -- ${planArgs} --format mermaid >> "$GITHUB_STEP_SUMMARY" || true`,
          },
          {
            // bash (not the default `bash -e`) adds pipefail: tee must not hide the plan's exit code.
            name: "Offline plan (fails on mandatory violations)",
            shell: "bash",
            run: `npm run plan -- ${planArgs} | tee plan.txt`,
          },
          {
            name: "Plan report to the job summary",
            if: "always()",
            shell: "bash",
            run: [
              `if [ -f plan.txt ]; then`,
              `  { echo '### Offline plan of ${name}'; echo '\`\`\`'; cat plan.txt; echo '\`\`\`'; } >> "$GITHUB_STEP_SUMMARY"`,
              `fi`,
            ].join("\n"),
          },
        ],
      },
    },
  };
}

/** `Pulumi.<env>.yaml`, the file the CLIs read when no `--config-file` is given. */
export function defaultConfigFile(environment: string): string {
  return `Pulumi.${environment}.yaml`;
}

/** The workflow as YAML, under a comment saying how it was generated. */
export function workflowYaml(workflow: Workflow, command: string): string {
  const body = YAML.stringify(workflow, { lineWidth: 0, aliasDuplicateObjects: false });
  return `# Generated by \`${command}\`: edit the environment file and regenerate, not this file.\n${body}`;
}

/**
 * Creates every stack that does not exist yet, one at a time: parallel first runs race on
 * the backend and on the passphrase salt. Runs before preview and up, never before destroy.
 */
function initJob(env: Environment): Job {
  const stacks = [...new Set(operationPhases(env, "up").flatMap((p) => p.stacks))];
  const central = matrixEntry(env, centralStack(env));
  return {
    name: "Create missing stacks",
    "runs-on": "ubuntu-latest",
    if: "inputs.operation != 'destroy'",
    environment: env.environment,
    steps: [
      { name: "Check out", uses: ACTIONS.checkout },
      { name: "Install the Pulumi CLI", uses: ACTIONS.pulumi },
      {
        // Only an S3 state backend needs AWS credentials to list and create stacks.
        name: "AWS credentials for an S3 state backend (central deploy role)",
        if: "startsWith(vars.PULUMI_BACKEND_URL, 's3://')",
        uses: ACTIONS.awsCredentials,
        with: {
          "role-to-assume": central.role || `\${{ vars.${deployRoleVariable(central.account)} }}`,
          "aws-region": central.region,
          "role-session-name": `secrets-hub-\${{ github.run_id }}-${central.account}`,
        },
      },
      {
        name: "Create missing stacks",
        run: stacks
          .map(
            (s) =>
              `pulumi stack select --create --non-interactive --stack "$PULUMI_ORGANIZATION/${s}"`,
          )
          .join("\n"),
      },
    ],
  };
}

function stackJob(
  env: Environment,
  job: StackJob,
  options: WorkflowOptions,
  maxParallel: number,
  gate: { if: string; needs: string[] },
): Job {
  const part = job.parts > 1 ? ` (part ${job.part} of ${job.parts})` : "";
  return {
    name: `${job.operation} ${job.phase.number}${part}: \${{ matrix.stack }}`,
    "runs-on": "ubuntu-latest",
    ...(gate.needs.length > 0 ? { needs: gate.needs } : {}),
    if: gate.if,
    environment: env.environment,
    strategy: {
      // Mirrors the orchestrator: the first failure stops the rest of the phase and the chain.
      "fail-fast": true,
      "max-parallel": maxParallel,
      matrix: { include: job.stacks.map((s) => matrixEntry(env, s)) },
    },
    steps: [
      ...nodeSteps(options),
      { name: "Install the Pulumi CLI", uses: ACTIONS.pulumi },
      {
        name: "Refuse an account without a deploy role",
        if: `\${{ !(${ROLE}) }}`,
        run: [
          `echo "::error::no deploy role for account \${{ matrix.account }} (\${{ matrix.stack }}): set deployRoleArn in ${options.configFile} or the variable DEPLOY_ROLE_\${{ matrix.account }}"`,
          "exit 1",
        ].join("\n"),
      },
      {
        name: "AWS credentials (OIDC) for the account's deploy role",
        uses: ACTIONS.awsCredentials,
        with: {
          "role-to-assume": `\${{ ${ROLE} }}`,
          "aws-region": "${{ matrix.region }}",
          // At most 64 characters: a stack name can be long, an account id cannot.
          "role-session-name": "secrets-hub-${{ github.run_id }}-${{ matrix.account }}",
        },
      },
      { name: `pulumi ${job.operation}`, run: pulumiCommand(job.operation, options) },
    ],
  };
}

/** The CLI command of a stack job; the policy pack checks every preview and update. */
export function pulumiCommand(operation: Operation, options: WorkflowOptions): string {
  const policyPack = options.policyPack ?? "policy-pack";
  const common = `--non-interactive --stack ${STACK_REF} --config-file ${options.configFile}`;
  switch (operation) {
    case "up":
      return `pulumi up --yes ${common} --policy-pack ${policyPack}`;
    case "preview":
      return `pulumi preview ${common} --policy-pack ${policyPack}`;
    case "destroy":
      return `pulumi destroy --yes ${common}`;
  }
}

function nodeSteps(options: WorkflowOptions): Step[] {
  return [
    { name: "Check out", uses: ACTIONS.checkout },
    {
      name: "Set up Node.js",
      uses: ACTIONS.setupNode,
      with: { "node-version": options.nodeVersion ?? "20", cache: "npm" },
    },
    // Installs the program's and the policy pack's dependencies (an npm workspace).
    { name: "Install dependencies", run: "npm ci" },
  ];
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
