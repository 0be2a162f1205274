/**
 * The topology of a plan as a Mermaid flowchart (`npm run plan -- --format mermaid`): each
 * account a subgraph (account id, Region) with its VPC and CIDR (an adopted VPC, the
 * workload's `existingVpc`, drawn with its id), its Secrets Manager endpoint, and its readers;
 * in central the key and, per Region, the copies of the secrets (the primaries, then the
 * replicas with their replica key); the link between central's VPC and each workload VPC whose
 * side of it is in place, as each connectivity mode draws it (a peering accepter, a transit
 * gateway attachment); each reader reading the copy of its secret in its own Region.
 *
 * A reader is any role of a workload stack whose inline policy grants
 * `secretsmanager:GetSecretValue` on a secret's ARN in the workload's Region: one more reader
 * is one more node. Past {@link FULL_LIMIT} workloads the workloads are grouped, one subgraph
 * per Region with their counts and account range, and the chart says how to get the full one
 * (`--diagram full`).
 */
import { CONNECTIVITY_MODES } from "../config/transitGateway";
import { connectivityMode } from "../connectivity";
import type { Plan, PlannedStack } from "./plan";

type Resource = PlannedStack["resources"][number];

const T = {
  vpc: "aws:ec2/vpc:Vpc",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  key: "aws:kms/key:Key",
  replicaKey: "aws:kms/replicaKey:ReplicaKey",
  secret: "aws:secretsmanager/secret:Secret",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  transitGateway: "aws:ec2transitgateway/transitGateway:TransitGateway",
};

/** The most workloads drawn one by one unless `--diagram full` asks for all. */
export const FULL_LIMIT = 25;

/** Every mode's link: a plan holds the links of its own mode only. */
const LINKS = CONNECTIVITY_MODES.map((name) => connectivityMode(name).diagram);

/** A Mermaid node id from any text. */
const id = (text: string) => text.replace(/[^A-Za-z0-9_]/g, "_");
/** A quoted Mermaid label (quotes escaped as entities). */
const label = (text: string) => `"${text.replace(/"/g, "#quot;")}"`;

export interface DiagramOptions {
  /** Every workload drawn one by one, however many (`--diagram full`). Default: false. */
  full?: boolean;
}

/** One reader: a role of a workload stack allowed to read a secret, by name. */
interface Reader {
  name: string;
  /** The secret names its policy grants in the workload's own Region. */
  secrets: string[];
}

/** What the chart draws of one workload stack. */
interface WorkloadView {
  stack: PlannedStack;
  node: string;
  vpcCidr?: string;
  /** The VPC id of an adopted VPC (`existingVpc`): the stack creates no VPC. */
  adoptedVpcId?: string;
  endpoints: string[];
  readers: Reader[];
  link?: string;
}

export function mermaidTopology(plan: Plan, options: DiagramOptions = {}): string {
  const central = plan.stacks.find((s) => s.account === "central");
  const workloads = plan.stacks.filter((s) => s !== central).map(workloadView);
  const lines = ["flowchart LR"];
  const edges: string[] = [];
  const c = central ? id(central.name) : "central";
  /** Secret name → Region → node id, for the reads edges. */
  const copies = new Map<string, Map<string, string>>();
  /** Region → the node or subgraph of central's copies there. */
  const regionNodes = new Map<string, string>();
  const grouped = !options.full && workloads.length > FULL_LIMIT;

  if (central) {
    lines.push(
      `  subgraph ${c}[${label(`${central.account} — account ${central.accountId}, ${central.region}`)}]`,
    );
    for (const vpc of of(central, T.vpc))
      lines.push(`    ${c}_vpc[${label(`VPC ${String(vpc.inputs.cidrBlock)}`)}]`);
    for (const [i, endpoint] of of(central, T.endpoint).entries()) {
      lines.push(
        `    ${c}_endpoint${i}[${label(`endpoint ${String(endpoint.inputs.serviceName)}`)}]`,
      );
      edges.push(`  ${c}_endpoint${i} --- ${c}_vpc`);
    }
    for (const [i, tgw] of of(central, T.transitGateway).entries()) {
      lines.push(`    ${c}_tgw${i}{{${label(`transit gateway ${tgw.name}`)}}}`);
      edges.push(`  ${c}_vpc --- ${c}_tgw${i}`);
    }
    const key = of(central, T.key).find((k) => k.name === "secrets-key");
    if (key) lines.push(`    ${c}_key[(${label(`KMS key ${key.name}`)})]`);
    // The copies of each secret by Region: the primary in central's, a replica in each other.
    const byRegion = new Map<string, string[]>();
    for (const secret of of(central, T.secret)) {
      const name = String(secret.inputs.name);
      const replicas = (secret.inputs.replicas ?? []) as { region?: string }[];
      for (const region of [central.region, ...replicas.map((r) => String(r.region))]) {
        if (!byRegion.has(region)) byRegion.set(region, []);
        byRegion.get(region)!.push(name);
      }
    }
    const replicaKeys = of(central, T.replicaKey);
    for (const region of byRegion.keys()) {
      const primary = region === central.region;
      const group = `${c}_${id(region)}`;
      regionNodes.set(region, group);
      const names = byRegion.get(region)!;
      const what = primary ? "secrets" : "replicas";
      if (grouped) {
        lines.push(`    ${group}[${label(`${names.length} ${what} in ${region}`)}]`);
        for (const name of names) copy(copies, name, region, group);
      } else {
        lines.push(`    subgraph ${group}[${label(`${what} in ${region}`)}]`);
        for (const [i, name] of names.entries()) {
          const node = `${group}_secret${i}`;
          copy(copies, name, region, node);
          lines.push(`      ${node}[${label(`secret ${name}`)}]`);
        }
        lines.push("    end");
      }
      if (!key) continue;
      if (primary) edges.push(`  ${c}_key -- encrypts --> ${group}`);
      else {
        const replica = replicaKeys.find((k) => k.inputs.region === region);
        if (replica) {
          lines.push(`    ${group}_key[(${label(`replica key ${replica.name}`)})]`);
          edges.push(`  ${c}_key -. replica .-> ${group}_key`);
          edges.push(`  ${group}_key -- encrypts --> ${group}`);
        }
      }
    }
    lines.push("  end");
  }

  if (grouped) groupedWorkloads(plan, workloads, c, lines, edges, regionNodes);
  else {
    for (const w of workloads) {
      const s = w.node;
      lines.push(
        `  subgraph ${s}[${label(`${w.stack.account} — account ${w.stack.accountId}, ${w.stack.region}`)}]`,
      );
      if (w.vpcCidr !== undefined) {
        const adopted = w.adoptedVpcId ? ` — adopted ${w.adoptedVpcId}` : "";
        lines.push(`    ${s}_vpc[${label(`VPC ${w.vpcCidr}${adopted}`)}]`);
      }
      for (const [i, service] of w.endpoints.entries()) {
        lines.push(`    ${s}_endpoint${i}[${label(`endpoint ${service}`)}]`);
        edges.push(`  ${s}_endpoint${i} --- ${s}_vpc`);
      }
      for (const [i, reader] of w.readers.entries()) {
        const node = `${s}_reader${i}`;
        lines.push(`    ${node}([${label(`reader ${reader.name}`)}])`);
        for (const name of reader.secrets) {
          const target = copies.get(name)?.get(w.stack.region);
          if (target) edges.push(`  ${node} -- reads --> ${target}`);
        }
      }
      lines.push("  end");
      if (central && w.link) edges.push(`  ${c}_vpc <-->|${w.link}| ${s}_vpc`);
    }
  }
  return [...lines, ...edges].join("\n");
}

/**
 * Past {@link FULL_LIMIT} workloads: one subgraph per Region with the counts of accounts,
 * VPCs (adopted among them), endpoints, readers and links, and a note naming the full chart.
 */
function groupedWorkloads(
  plan: Plan,
  workloads: WorkloadView[],
  c: string,
  lines: string[],
  edges: string[],
  regionNodes: Map<string, string>,
) {
  const regions = [...new Set(workloads.map((w) => w.stack.region))];
  for (const region of regions) {
    const here = workloads.filter((w) => w.stack.region === region);
    const g = `workloads_${id(region)}`;
    const ids = here.map((w) => w.stack.accountId).sort();
    const range =
      ids.length > 1 ? `accounts ${ids[0]} … ${ids[ids.length - 1]}` : `account ${ids[0]}`;
    lines.push(`  subgraph ${g}[${label(`${here.length} workloads in ${region} — ${range}`)}]`);
    const vpcs = here.filter((w) => w.vpcCidr !== undefined);
    const adopted = vpcs.filter((w) => w.adoptedVpcId).length;
    lines.push(
      `    ${g}_vpc[${label(`${vpcs.length} VPCs${adopted ? `, ${adopted} adopted` : ""}`)}]`,
    );
    const endpoints = here.reduce((n, w) => n + w.endpoints.length, 0);
    if (endpoints > 0) {
      lines.push(`    ${g}_endpoint[${label(`${endpoints} Secrets Manager endpoints`)}]`);
      edges.push(`  ${g}_endpoint --- ${g}_vpc`);
    }
    const readers = here.flatMap((w) => w.readers);
    if (readers.length > 0) {
      lines.push(`    ${g}_reader([${label(`${readers.length} readers`)}])`);
      const target = regionNodes.get(region);
      if (readers.some((r) => r.secrets.length > 0) && target)
        edges.push(`  ${g}_reader -- reads --> ${target}`);
    }
    lines.push("  end");
    for (const link of new Set(here.map((w) => w.link).filter(Boolean))) {
      const n = here.filter((w) => w.link === link).length;
      edges.push(`  ${c}_vpc <-->|${link} ×${n}| ${g}_vpc`);
    }
  }
  lines.push(
    `  full_diagram>${label(`${workloads.length} workloads, grouped by Region. Every workload: npm run -s plan -- --env ${plan.environment} --format mermaid --diagram full`)}]`,
  );
}

function of(stack: PlannedStack, type: string): Resource[] {
  return stack.resources.filter((r) => r.type === type);
}

function copy(
  copies: Map<string, Map<string, string>>,
  name: string,
  region: string,
  node: string,
) {
  if (!copies.has(name)) copies.set(name, new Map());
  copies.get(name)!.set(region, node);
}

/** A workload stack as the chart draws it. */
function workloadView(stack: PlannedStack): WorkloadView {
  const vpc = of(stack, T.vpc)[0];
  const outputs = stack.outputs as { vpcId?: unknown; vpcCidr?: unknown };
  // No VPC registered but one exported: the workload's existingVpc, adopted as it is.
  const adoptedVpcId = !vpc && typeof outputs.vpcId === "string" ? outputs.vpcId : undefined;
  const vpcCidr = vpc
    ? String(vpc.inputs.cidrBlock)
    : adoptedVpcId && typeof outputs.vpcCidr === "string"
      ? outputs.vpcCidr
      : undefined;
  const policies = of(stack, T.rolePolicy);
  // Roles the stack creates, then existing roles it only gives an inline policy (a reader
  // with roleArn: the policy names a role no resource of the stack creates).
  const created = of(stack, T.role).map((role) => String(role.inputs.name ?? role.name));
  const existing = [...new Set(policies.map((p) => String(p.inputs.role)))].filter(
    (name) => !created.includes(name),
  );
  const readers = [
    ...created.map((name) => ({ name, label: name })),
    ...existing.map((name) => ({ name, label: `${name} (existing role)` })),
  ].flatMap(({ name, label }): Reader[] => {
    const secrets = policies
      .filter((p) => p.inputs.role === name)
      .flatMap((p) => readableSecrets(p, stack.region));
    return secrets.length > 0 ? [{ name: label, secrets: [...new Set(secrets)] }] : [];
  });
  return {
    stack,
    node: id(stack.name),
    vpcCidr,
    adoptedVpcId,
    endpoints: of(stack, T.endpoint).map((e) => String(e.inputs.serviceName)),
    readers,
    link: LINKS.find((link) => of(stack, link.resourceType).length > 0)?.label,
  };
}

/**
 * The secret names an inline role policy lets its role read in `region`: the
 * `secretsmanager:GetSecretValue` statements' resource ARNs there, as
 * `arn:aws:secretsmanager:<region>:<account>:secret:<name>-??????`.
 */
function readableSecrets(policy: Resource, region: string): string[] {
  let doc: {
    Statement?: { Effect?: string; Action?: string | string[]; Resource?: string | string[] }[];
  };
  try {
    doc = JSON.parse(String(policy.inputs.policy)) as typeof doc;
  } catch {
    return [];
  }
  return (doc.Statement ?? [])
    .filter(
      (s) =>
        s.Effect === "Allow" && [s.Action ?? []].flat().includes("secretsmanager:GetSecretValue"),
    )
    .flatMap((s) => [s.Resource ?? []].flat())
    .map((arn) => /^arn:[^:]+:secretsmanager:([^:]+):\d+:secret:(.+?)(-\?{6})?$/.exec(arn))
    .filter((m): m is RegExpExecArray => m !== null && m[1] === region)
    .map((m) => m[2]);
}
