/** Private DNS: Secrets Manager is reached through interface endpoints with private DNS. */
import {
  Finding,
  PlainResource,
  Props,
  asArray,
  isUnknown,
  resourcePolicy,
  stackPolicy,
  unknownFinding,
} from "./model";
import {
  ENDPOINT,
  INGRESS_RULE,
  SECURITY_GROUP,
  VPC,
  isSecretsManagerEndpoint,
} from "../lib/types";

/** Secrets Manager interface endpoints have private DNS on. */
export function checkEndpointPrivateDns(props: Props): Finding[] {
  if (isUnknown(props.serviceName)) return [unknownFinding("serviceName")];
  if (!isSecretsManagerEndpoint(props)) return [];
  if (isUnknown(props.privateDnsEnabled)) return [unknownFinding("privateDnsEnabled")];
  return props.privateDnsEnabled === true
    ? []
    : [
        {
          message: `Secrets Manager endpoint ${String(props.serviceName)} has private DNS off (the provider default): set privateDnsEnabled: true`,
        },
      ];
}

function endpoints(resources: PlainResource[]): PlainResource[] {
  return resources.filter(
    (r) =>
      ENDPOINT.includes(r.type) &&
      !isUnknown(r.props.serviceName) &&
      isSecretsManagerEndpoint(r.props),
  );
}

/** The VPC of each Secrets Manager endpoint has DNS support and DNS hostnames on. */
export function checkEndpointVpcDns(resources: PlainResource[]): Finding[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const findings: Finding[] = [];
  for (const endpoint of endpoints(resources)) {
    for (const urn of endpoint.propertyDependencies.vpcId ?? []) {
      const vpc = byUrn.get(urn);
      if (!vpc || !VPC.includes(vpc.type)) continue;
      // aws.ec2.Vpc defaults: DNS support on, DNS hostnames off.
      if (vpc.props.enableDnsSupport === false)
        findings.push({
          urn: vpc.urn,
          message: `${vpc.name}: enableDnsSupport is off; the endpoint's private DNS needs it`,
        });
      if (vpc.props.enableDnsHostnames !== true)
        findings.push({
          urn: vpc.urn,
          message: `${vpc.name}: enableDnsHostnames is off; the endpoint's private DNS needs it`,
        });
    }
  }
  return findings;
}

/** Security groups of Secrets Manager endpoints admit TCP 443 only. */
export function checkEndpointSecurityGroups(resources: PlainResource[]): Finding[] {
  const findings: Finding[] = [];
  const groups = new Set(
    endpoints(resources).flatMap((e) => e.propertyDependencies.securityGroupIds ?? []),
  );
  const bad = (rule: Props) =>
    !(
      String(rule.ipProtocol ?? rule.protocol) === "tcp" &&
      Number(rule.fromPort) === 443 &&
      Number(rule.toPort) === 443
    );
  for (const sg of resources.filter((r) => groups.has(r.urn) && SECURITY_GROUP.includes(r.type))) {
    const inline = asArray(
      (sg.props.ingress ?? sg.props.securityGroupIngress) as Props[] | undefined,
    );
    for (const rule of inline)
      if (bad(rule))
        findings.push({
          urn: sg.urn,
          message: `${sg.name}: endpoint security group admits ${JSON.stringify(rule)}; only TCP 443 is allowed`,
        });
  }
  for (const rule of resources.filter((r) => INGRESS_RULE.includes(r.type))) {
    if (
      rule.type === "aws:ec2/securityGroupRule:SecurityGroupRule" &&
      rule.props.type !== "ingress"
    )
      continue;
    const target = [
      ...(rule.propertyDependencies.securityGroupId ?? []),
      ...(rule.propertyDependencies.groupId ?? []),
    ];
    if (target.some((u) => groups.has(u)) && bad(rule.props)) {
      findings.push({
        urn: rule.urn,
        message: `${rule.name}: admits ${String(rule.props.ipProtocol ?? rule.props.protocol)} ${String(rule.props.fromPort)}-${String(rule.props.toPort)} into a Secrets Manager endpoint security group; only TCP 443 is allowed`,
      });
    }
  }
  return findings;
}

export const privateDnsPolicies = [
  resourcePolicy({
    name: "secretsmanager-endpoint-private-dns",
    description: "Secrets Manager interface endpoints have private DNS enabled.",
    types: ENDPOINT,
    check: (props) => checkEndpointPrivateDns(props),
  }),
  stackPolicy({
    name: "secretsmanager-endpoint-vpc-dns",
    description: "VPCs with a Secrets Manager endpoint have DNS support and DNS hostnames on.",
    check: (resources) => checkEndpointVpcDns(resources),
  }),
  stackPolicy({
    name: "secretsmanager-endpoint-https-only",
    description: "Security groups of Secrets Manager endpoints admit TCP 443 only.",
    check: (resources) => checkEndpointSecurityGroups(resources),
  }),
];
