/**
 * The topology of a plan as a Mermaid flowchart (`npm run plan -- --format mermaid`): each
 * account a subgraph (account id, Region) with its VPC and CIDR, its Secrets Manager
 * endpoint, and in central the key, its replica keys and the secrets; the link between
 * central's VPC and each workload VPC whose side of it is in place, as each connectivity
 * mode draws it (a peering accepter, a transit gateway attachment); which role reads which
 * secret (from the secret policies' principals).
 */
import { CONNECTIVITY_MODES } from "../config/transitGateway";
import { connectivityMode } from "../connectivity";
import type { Plan, PlannedStack } from "./plan";
import { arnPrefix } from "../../kernel/partitions";

type Resource = PlannedStack["resources"][number];

const T = {
  vpc: "aws:ec2/vpc:Vpc",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  key: "aws:kms/key:Key",
  replicaKey: "aws:kms/replicaKey:ReplicaKey",
  secret: "aws:secretsmanager/secret:Secret",
  secretPolicy: "aws:secretsmanager/secretPolicy:SecretPolicy",
  role: "aws:iam/role:Role",
};

/** Every mode's link: a plan holds the links of its own mode only. */
const LINKS = CONNECTIVITY_MODES.map((name) => connectivityMode(name).diagram);

/** A Mermaid node id from any text. */
const id = (text: string) => text.replace(/[^A-Za-z0-9_]/g, "_");
/** A quoted Mermaid label (quotes escaped as entities). */
const label = (text: string) => `"${text.replace(/"/g, "#quot;")}"`;

export function mermaidTopology(plan: Plan): string {
  const lines = ["flowchart LR"];
  const edges: string[] = [];
  const of = (stack: PlannedStack, type: string) => stack.resources.filter((r) => r.type === type);
  const central = plan.stacks.find((s) => s.account === "central");
  /** Role ARN → node id, to draw who reads which secret. */
  const roles = new Map<string, string>();
  const secretNodes = new Map<string, string>();

  for (const stack of plan.stacks) {
    const s = id(stack.name);
    lines.push(
      `  subgraph ${s}[${label(`${stack.account} — account ${stack.accountId}, ${stack.region}`)}]`,
    );
    for (const vpc of of(stack, T.vpc))
      lines.push(`    ${s}_vpc[${label(`VPC ${String(vpc.inputs.cidrBlock)}`)}]`);
    for (const [i, endpoint] of of(stack, T.endpoint).entries()) {
      lines.push(
        `    ${s}_endpoint${i}[${label(`endpoint ${String(endpoint.inputs.serviceName)}`)}]`,
      );
      edges.push(`  ${s}_endpoint${i} --- ${s}_vpc`);
    }
    if (stack === central) {
      const key = of(stack, T.key).find((k) => k.name === "secrets-key");
      if (key) lines.push(`    ${s}_key[(${label(`KMS key ${key.name}`)})]`);
      for (const [i, replica] of of(stack, T.replicaKey).entries()) {
        lines.push(`    ${s}_replica${i}[(${label(`replica key ${replica.name}`)})]`);
        if (key) edges.push(`  ${s}_key -. replica .-> ${s}_replica${i}`);
      }
      for (const [i, secret] of of(stack, T.secret).entries()) {
        const node = `${s}_secret${i}`;
        secretNodes.set(secret.urn, node);
        lines.push(`    ${node}[${label(`secret ${String(secret.inputs.name)}`)}]`);
        if (key) edges.push(`  ${s}_key -- encrypts --> ${node}`);
      }
    } else {
      for (const [i, role] of of(stack, T.role).entries()) {
        const node = `${s}_role${i}`;
        const name = String(role.inputs.name ?? role.name);
        roles.set(`${arnPrefix(stack.region)}:iam::${stack.accountId}:role/${name}`, node);
        lines.push(`    ${node}([${label(`role ${name}`)}])`);
      }
      for (const link of LINKS) {
        if (central && of(stack, link.resourceType).length > 0)
          edges.push(`  ${id(central.name)}_vpc <-->|${link.label}| ${s}_vpc`);
      }
    }
    lines.push("  end");
  }

  for (const policy of central ? of(central, T.secretPolicy) : []) {
    const secret = policy.dependencies.map((d) => secretNodes.get(d)).find(Boolean);
    for (const arn of principals(policy)) {
      const role = roles.get(arn);
      if (role && secret) edges.push(`  ${role} -- reads --> ${secret}`);
    }
  }
  return [...lines, ...edges].join("\n");
}

/** The AWS principals of a resource policy document. */
function principals(policy: Resource): string[] {
  try {
    const doc = JSON.parse(String(policy.inputs.policy)) as {
      Statement: { Principal?: { AWS?: string | string[] } }[];
    };
    return doc.Statement.flatMap((s) => [s.Principal?.AWS ?? []].flat());
  } catch {
    return [];
  }
}
