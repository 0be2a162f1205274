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

/**
 * Actions, pinned to the full commit SHA of a release (a tag can be moved, a commit cannot),
 * with the tag written beside it as a comment. Each SHA is the commit its tag points to,
 * read from the action's repository (`git rev-parse <tag>^{commit}` in a fetched snapshot):
 * actions/checkout v7.0.1, actions/setup-node v7.0.0, pulumi/actions v7.0.0,
 * aws-actions/configure-aws-credentials v6.2.3 (all run on node24).
 */
export const ACTIONS = {
  checkout: { uses: "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1", tag: "v7.0.1" },
  setupNode: {
    uses: "actions/setup-node@820762786026740c76f36085b0efc47a31fe5020",
    tag: "v7.0.0",
  },
  pulumi: { uses: "pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d", tag: "v7.0.0" },
  awsCredentials: {
    uses: "aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c",
    tag: "v6.2.3",
  },
} as const;

/** `uses:` value → the tag its SHA stands for, written as a comment beside it. */
const TAGS = new Map<string, string>(Object.values(ACTIONS).map((a) => [a.uses, a.tag]));

/**
 * The Pulumi CLI the workflows install: the SDK's own version (package.json pins
 * @pulumi/pulumi exactly), so CI runs the CLI the Automation API and the programs were
 * tested with.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const PULUMI_VERSION = (require("@pulumi/pulumi/package.json") as { version: string })
  .version;

/** Node.js of the workflows: 22, an LTS line still supported (20 left maintenance in April 2026). */
export const NODE_VERSION = "22";

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
  /** Node.js major version for `actions/setup-node`. Default: `NODE_VERSION` (22). */
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
  /** The GitHub environment whose protection rules (required reviewers) gate the job. */
  environment?: string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
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
    init: initJob(env, options),
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
    env: backendEnv(),
    jobs,
  };
}

/**
 * The pull-request checks: the offline plan (no cloud) with its diagram and report in the
 * job summary, and a real `pulumi preview --diff` of every stack with the policy pack, its
 * output in the job summary and a comment on the pull request. The preview needs the deploy
 * roles and the passphrase, which GitHub gives no pull request from a fork: it runs for
 * branches of this repository only.
 */
export function pullRequestWorkflow(env: Environment, options: WorkflowOptions): Workflow {
  const name = env.environment;
  const planArgs = [
    `--env ${name}`,
    ...(options.configFile === defaultConfigFile(name)
      ? []
      : [`--config-file ${options.configFile}`]),
  ].join(" ");
  const stacks = [...new Set(operationPhases(env, "preview").flatMap((p) => p.stacks))];
  const fence = "```";
  return {
    name: `secrets-hub ${name}: plan and preview`,
    on: { pull_request: {} },
    permissions: { contents: "read" },
    concurrency: {
      group: `secrets-hub-${name}-plan-\${{ github.ref }}`,
      "cancel-in-progress": true,
    },
    env: backendEnv(),
    jobs: {
      plan: {
        name: `Offline plan of ${name}`,
        "runs-on": "ubuntu-latest",
        steps: [
          ...nodeSteps(options),
          {
            // GitHub renders a fenced mermaid block in the job summary as the diagram.
            name: "Topology (Mermaid) to the job summary",
            shell: "bash",
            run: [
              `{ echo '${fence}mermaid'; npm run -s plan -- ${planArgs} --format mermaid; echo '${fence}'; } > topology.md || true`,
              `cat topology.md >> "$GITHUB_STEP_SUMMARY"`,
            ].join("\n"),
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
              `  { echo '### Offline plan of ${name}'; echo '${fence}'; cat plan.txt; echo '${fence}'; } >> "$GITHUB_STEP_SUMMARY"`,
              `fi`,
            ].join("\n"),
          },
        ],
      },
      preview: {
        name: `pulumi preview \${{ matrix.stack }}`,
        "runs-on": "ubuntu-latest",
        needs: ["plan"],
        if: "github.event.pull_request.head.repo.full_name == github.repository",
        permissions: { "id-token": "write", contents: "read", "pull-requests": "write" },
        strategy: {
          // Every stack's preview is worth reading, even when another one fails.
          "fail-fast": false,
          "max-parallel": options.maxParallel ?? 4,
          matrix: { include: stacks.map((s) => matrixEntry(env, s)) },
        },
        steps: [
          ...nodeSteps(options),
          installCli(),
          passphraseCheck(options.configFile),
          ...credentialSteps(options),
          {
            name: "pulumi preview --diff (with the policy pack)",
            id: "preview",
            shell: "bash",
            run: [
              `if ! pulumi stack select --non-interactive --stack ${STACK_REF} 2>/dev/null; then`,
              `  echo "\${{ matrix.stack }} does not exist yet: the deploy workflow's init job creates it" | tee preview.txt`,
              "  exit 0",
              "fi",
              `${pulumiCommand("preview", options)} 2>&1 | tee preview.txt`,
            ].join("\n"),
          },
          {
            name: "Preview to the job summary and the pull request",
            if: "always()",
            shell: "bash",
            env: { GH_TOKEN: "${{ github.token }}" },
            run: [
              "[ -f preview.txt ] || exit 0",
              `{ echo "### pulumi preview \${{ matrix.stack }} (\${{ steps.preview.outcome }})"; echo '<details><summary>output</summary>'; echo; echo '${fence}diff'; tail -c 60000 preview.txt; echo '${fence}'; echo '</details>'; } > comment.md`,
              `cat comment.md >> "$GITHUB_STEP_SUMMARY"`,
              `gh pr comment "\${{ github.event.pull_request.number }}" --body-file comment.md`,
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

/** The workflow as YAML, under a comment saying how it was generated; each pinned action's tag beside it. */
export function workflowYaml(workflow: Workflow, command: string): string {
  const document = new YAML.Document(workflow, { aliasDuplicateObjects: false });
  YAML.visit(document, {
    Pair(_, pair) {
      if (!YAML.isScalar(pair.key) || pair.key.value !== "uses" || !YAML.isScalar(pair.value))
        return;
      const tag = TAGS.get(String(pair.value.value));
      if (tag) pair.value.comment = ` ${tag}`;
    },
  });
  const body = document.toString({ lineWidth: 0 });
  return `# Generated by \`${command}\`: edit the environment file and regenerate, not this file.\n${body}`;
}

/**
 * Creates every stack that does not exist yet, one at a time: parallel first runs race on
 * the backend and on the passphrase salt. Runs before preview and up, never before destroy.
 */
function initJob(env: Environment, options: WorkflowOptions): Job {
  const stacks = [...new Set(operationPhases(env, "up").flatMap((p) => p.stacks))];
  const central = matrixEntry(env, centralStack(env));
  return {
    name: "Create missing stacks",
    "runs-on": "ubuntu-latest",
    if: "inputs.operation != 'destroy'",
    environment: env.environment,
    steps: [
      { name: "Check out", uses: ACTIONS.checkout.uses },
      installCli(),
      passphraseCheck(options.configFile),
      {
        // Only an S3 state backend needs AWS credentials to list and create stacks.
        name: "AWS credentials for an S3 state backend (central deploy role)",
        if: "startsWith(vars.PULUMI_BACKEND_URL, 's3://')",
        uses: ACTIONS.awsCredentials.uses,
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
    // The approval gate: a job that changes the stacks waits for the environment's required
    // reviewers (docs/deploy-run.md); a preview changes nothing and waits for no one.
    ...(job.operation === "preview" ? {} : { environment: env.environment }),
    strategy: {
      // Mirrors the orchestrator: the first failure stops the rest of the phase and the chain.
      "fail-fast": true,
      "max-parallel": maxParallel,
      matrix: { include: job.stacks.map((s) => matrixEntry(env, s)) },
    },
    steps: [
      ...nodeSteps(options),
      installCli(),
      passphraseCheck(options.configFile),
      ...credentialSteps(options),
      { name: `pulumi ${job.operation}`, run: pulumiCommand(job.operation, options) },
    ],
  };
}

/** The matrix account's deploy role through OIDC, refused when none is configured. */
function credentialSteps(options: WorkflowOptions): Step[] {
  return [
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
      uses: ACTIONS.awsCredentials.uses,
      with: {
        "role-to-assume": `\${{ ${ROLE} }}`,
        "aws-region": "${{ matrix.region }}",
        // At most 64 characters: a stack name can be long, an account id cannot.
        "role-session-name": "secrets-hub-${{ github.run_id }}-${{ matrix.account }}",
      },
    },
  ];
}

/** The CLI command of a stack job; the policy pack checks every preview and update. */
export function pulumiCommand(operation: Operation, options: WorkflowOptions): string {
  const policyPack = options.policyPack ?? "policy-pack";
  const common = `--non-interactive --stack ${STACK_REF} --config-file ${options.configFile}`;
  switch (operation) {
    case "up":
      return `pulumi up --yes ${common} --policy-pack ${policyPack}`;
    case "preview":
      return `pulumi preview --diff ${common} --policy-pack ${policyPack}`;
    case "destroy":
      return `pulumi destroy --yes ${common}`;
  }
}

function nodeSteps(options: WorkflowOptions): Step[] {
  return [
    { name: "Check out", uses: ACTIONS.checkout.uses },
    {
      name: "Set up Node.js",
      uses: ACTIONS.setupNode.uses,
      with: { "node-version": options.nodeVersion ?? NODE_VERSION, cache: "npm" },
    },
    // Installs the program's and the policy pack's dependencies (an npm workspace).
    { name: "Install dependencies", run: "npm ci" },
  ];
}

/** The backend, its token and the passphrase: repository secrets and variables, never values. */
function backendEnv(): Record<string, string> {
  return {
    PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
    PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL }}",
    PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
    PULUMI_ORGANIZATION: "${{ vars.PULUMI_ORGANIZATION || 'organization' }}",
  };
}

/** Installs the Pulumi CLI of the SDK's version (pulumi/actions without `command` installs only). */
function installCli(): Step {
  return {
    name: `Install the Pulumi CLI ${PULUMI_VERSION}`,
    uses: ACTIONS.pulumi.uses,
    with: { "pulumi-version": PULUMI_VERSION },
  };
}

/**
 * Refuses an empty passphrase where the passphrase provider is used: GitHub expands a
 * missing secret to an empty string, and the CLI accepts an empty passphrase
 * (pkg/secrets/passphrase/manager.go). The passphrase provider is used unless the
 * environment file names a KMS provider; Pulumi Cloud (no backend URL, or https://) keeps
 * its own keys. It also refuses a self-managed backend with an environment file that has no
 * provider settings yet: every job would write its own salt into its checkout
 * (docs/secrets-provider.md).
 */
export function passphraseCheck(configFile: string): Step {
  return {
    name: "Check the secrets provider and PULUMI_CONFIG_PASSPHRASE",
    shell: "bash",
    run: [
      `case "\${PULUMI_BACKEND_URL:-https://}" in https://*|http://*) cloud=1 ;; *) cloud=0 ;; esac`,
      `if grep -Eq '^secretsprovider: *"?awskms://' ${configFile}; then exit 0; fi`,
      `if [ "$cloud" = 0 ] && ! grep -Eq '^encryptionsalt:' ${configFile}; then`,
      `  echo "::error file=${configFile}::no secrets provider in ${configFile}: run npm run deploy once (it writes encryptionsalt, or see docs/secrets-provider.md) and commit the file"`,
      "  exit 2",
      "fi",
      `if { [ "$cloud" = 0 ] || grep -Eq '^encryptionsalt:' ${configFile}; } && [ -z "$PULUMI_CONFIG_PASSPHRASE" ]; then`,
      `  echo "::error::PULUMI_CONFIG_PASSPHRASE is empty: set the repository secret PULUMI_CONFIG_PASSPHRASE to the environment's passphrase"`,
      "  exit 2",
      "fi",
    ].join("\n"),
  };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
