// Layer 1: each policy's plain functions — a compliant case, a violating case, an unknown case.
import * as assert from "node:assert/strict";
import { UNKNOWN, PlainResource } from "../../policy-pack/policies/model";
import { ok, res, unknown, violates } from "./findings";
import {
  checkSecretKey,
  checkSecretKeySources,
  checkSymmetricKey,
} from "../../policy-pack/policies/cmk";
import {
  checkEndpointPrivateDns,
  checkEndpointSecurityGroups,
  checkEndpointVpcDns,
} from "../../policy-pack/policies/privateDns";
import {
  checkRotationInVpc,
  checkRotationInterval,
  checkRotationLambdasInVpc,
  checkSecretsRotate,
} from "../../policy-pack/policies/rotation";
import {
  checkDeletionWindow,
  checkKeyRotation,
  checkLockout,
} from "../../policy-pack/policies/keys";
import {
  checkCrossAccountKeyGrants,
  checkNoPublicPrincipal,
  checkPolicySize,
} from "../../policy-pack/policies/access";
import {
  checkInterfaceEndpointsQuota,
  checkNoDefaultRouteViaPeering,
  checkPeeredCidrs,
  checkPeeringQuota,
  checkPendingPeeringRequests,
  checkRouteTableQuota,
  checkSecurityGroupRulesQuota,
  environmentPolicies,
} from "../../policy-pack/policies/environment";
import { transitGatewayPolicies } from "../../policy-pack/policies/transitGateway";
import {
  checkBackups,
  checkDeletionProtection,
  checkLifecycleExplicit,
  checkNotPublic,
  checkStorageEncrypted,
} from "../../policy-pack/policies/database";
import { ENVIRONMENT_POLICIES } from "../../policy-pack/lib/names";
import { QUOTAS } from "../../policy-pack/lib/quotas";
import { checkPendingPeeringSteps } from "../../src/offline/plan";
import { readSchedule } from "../../policy-pack/lib/schedule";

const SECRET = "aws:secretsmanager/secret:Secret";
const CMK = "arn:aws:kms:us-east-1:111111111111:key/mrk-1";

describe("policy functions", () => {
  it("secret-uses-customer-managed-key", () => {
    ok(
      checkSecretKey(
        { kmsKeyId: CMK, replicas: [{ region: "us-west-2", kmsKeyId: CMK }] },
        {},
        SECRET,
      ),
    );
    violates(checkSecretKey({}, {}, SECRET), /aws\/secretsmanager/);
    violates(checkSecretKey({ kmsKeyId: "alias/aws/secretsmanager" }, {}, SECRET), /AWS-managed/);
    violates(
      checkSecretKey({ kmsKeyId: CMK, replicas: [{ region: "us-west-2" }] }, {}, SECRET),
      /replicas\[0\]/,
    );
    violates(
      checkSecretKey(
        {
          kmsKeyId: CMK,
          replicaRegions: [{ region: "eu-west-1", kmsKeyId: "aws/secretsmanager" }],
        },
        {},
        "aws-native:secretsmanager:Secret",
      ),
      /AWS-managed/,
    );
    violates(
      checkSecretKey({ kmsKeyId: CMK }, { allowedKeyAccounts: ["999999999999"] }, SECRET),
      /allowed account/,
    );
    unknown(checkSecretKey({ kmsKeyId: UNKNOWN }, {}, SECRET));
  });

  it("secret-key-from-kms-resource judges the dependency graph", () => {
    const key = res("aws:kms/key:Key", "key", {});
    const replica = res("aws:kms/replicaKey:ReplicaKey", "replica", {});
    const good = res(
      SECRET,
      "s",
      { kmsKeyId: UNKNOWN, replicas: UNKNOWN },
      { kmsKeyId: [key.urn], replicas: [replica.urn] },
    );
    ok(checkSecretKeySources([key, replica, good]));
    const fromElsewhere = res(SECRET, "s", { kmsKeyId: UNKNOWN }, { kmsKeyId: ["urn:lookup"] });
    violates(checkSecretKeySources([fromElsewhere]), /does not come from a KMS key/);
    violates(checkSecretKeySources([res(SECRET, "s", {})]), /not set/);
  });

  it("cmk-symmetric-encrypt-decrypt", () => {
    ok(
      checkSymmetricKey(
        { keyUsage: "ENCRYPT_DECRYPT", customerMasterKeySpec: "SYMMETRIC_DEFAULT" },
        {},
        "aws:kms/key:Key",
      ),
    );
    violates(
      checkSymmetricKey(
        { keyUsage: "SIGN_VERIFY", customerMasterKeySpec: "RSA_2048" },
        {},
        "aws:kms/key:Key",
      ),
      /ENCRYPT_DECRYPT/,
    );
    unknown(checkSymmetricKey({ keyUsage: UNKNOWN }, {}, "aws:kms/key:Key"));
  });

  it("secretsmanager-endpoint-private-dns", () => {
    const service = "com.amazonaws.us-east-1.secretsmanager";
    ok(checkEndpointPrivateDns({ serviceName: service, privateDnsEnabled: true }));
    ok(
      checkEndpointPrivateDns({
        serviceName: "com.amazonaws.us-east-1.s3",
        privateDnsEnabled: false,
      }),
    );
    violates(checkEndpointPrivateDns({ serviceName: service }), /private DNS off/);
    unknown(checkEndpointPrivateDns({ serviceName: service, privateDnsEnabled: UNKNOWN }));
  });

  const endpointGraph = (vpcProps: Record<string, unknown>, rule: Record<string, unknown>) => {
    const vpc = res("aws:ec2/vpc:Vpc", "vpc", vpcProps);
    const sg = res("aws:ec2/securityGroup:SecurityGroup", "sg", {});
    const endpoint = res(
      "aws:ec2/vpcEndpoint:VpcEndpoint",
      "ep",
      { serviceName: "com.amazonaws.us-east-1.secretsmanager" },
      { vpcId: [vpc.urn], securityGroupIds: [sg.urn] },
    );
    const ingress = res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "in", rule, {
      securityGroupId: [sg.urn],
    });
    return [vpc, sg, endpoint, ingress];
  };

  it("secretsmanager-endpoint-vpc-dns and -https-only", () => {
    const https = { ipProtocol: "tcp", fromPort: 443, toPort: 443 };
    ok(
      checkEndpointVpcDns(
        endpointGraph({ enableDnsSupport: true, enableDnsHostnames: true }, https),
      ),
    );
    violates(
      checkEndpointVpcDns(endpointGraph({ enableDnsSupport: true }, https)),
      /enableDnsHostnames/,
    );
    ok(checkEndpointSecurityGroups(endpointGraph({}, https)));
    violates(
      checkEndpointSecurityGroups(
        endpointGraph({}, { ipProtocol: "tcp", fromPort: 0, toPort: 65535 }),
      ),
      /only TCP 443/,
    );
    // An unknown endpoint service is not judged here; the resource policy reports it as unknown.
    unknown(checkEndpointPrivateDns({ serviceName: UNKNOWN }));
  });

  it("secret-has-rotation", () => {
    const secret = res(SECRET, "s", {});
    const rotation = res(
      "aws:secretsmanager/secretRotation:SecretRotation",
      "r",
      { rotationLambdaArn: UNKNOWN },
      { secretId: [secret.urn] },
    );
    ok(checkSecretsRotate([secret, rotation]));
    violates(checkSecretsRotate([secret]), /no rotation schedule/);
    violates(
      checkSecretsRotate([secret, res(rotation.type, "r", {}, { secretId: [secret.urn] })]),
      /no rotation function/,
    );
  });

  it("rotation-interval-max reads days, rate() and cron()", () => {
    ok(
      checkRotationInterval(
        { rotationRules: { scheduleExpression: "rate(30 days)" } },
        { maxRotationDays: 90 },
      ),
    );
    ok(checkRotationInterval({ rotationRules: { automaticallyAfterDays: 90 } }, {}));
    ok(checkRotationInterval({ rotationRules: { scheduleExpression: "cron(0 4 ? * SUN *)" } }, {}));
    violates(
      checkRotationInterval({ rotationRules: { automaticallyAfterDays: 400 } }, {}),
      /400 days; the maximum is 90/,
    );
    violates(
      checkRotationInterval({ rotationRules: { scheduleExpression: "rate(120 days)" } }, {}),
      /maximum is 90/,
    );
    violates(
      checkRotationInterval({ rotationRules: { scheduleExpression: "cron(0 0 1 1 ? *)" } }, {}),
      /366 days/,
    );
    violates(
      checkRotationInterval(
        { rotationRules: { scheduleExpression: "rate(30 days)" } },
        { maxRotationDays: 7 },
      ),
      /maximum is 7/,
    );
    unknown(checkRotationInterval({ rotationRules: { scheduleExpression: UNKNOWN } }, {}));
  });

  it("schedule reading: quarterly cron and every-4-hours rate", () => {
    assert.deepEqual(readSchedule("cron(0 0 1 */3 ? *)"), { ok: true, maxIntervalDays: 92 });
    assert.deepEqual(readSchedule("rate(4 hours)"), { ok: true, maxIntervalDays: 4 / 24 });
    assert.equal(readSchedule("rate(2 day)").ok, false);
  });

  it("rotation-function-in-vpc", () => {
    const sar = "aws:serverlessrepository/cloudFormationStack:CloudFormationStack";
    const app =
      "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser";
    ok(
      checkRotationInVpc(
        {
          applicationId: app,
          parameters: { vpcSubnetIds: "subnet-1,subnet-2", vpcSecurityGroupIds: "sg-1" },
        },
        {},
        sar,
      ),
    );
    violates(
      checkRotationInVpc({ applicationId: app, parameters: { functionName: "f" } }, {}, sar),
      /outside a VPC/,
    );
    violates(
      checkRotationInVpc({ name: "db-rotator" }, {}, "aws:lambda/function:Function"),
      /vpcConfig/,
    );
    unknown(checkRotationInVpc({ applicationId: UNKNOWN }, {}, sar));
  });

  it("rotation-lambda-in-vpc follows rotationLambdaArn to the function", () => {
    const fn = (props: Record<string, unknown>) =>
      res("aws:lambda/function:Function", "handler", props);
    const schedule = (f: PlainResource) =>
      res(
        "aws:secretsmanager/secretRotation:SecretRotation",
        "r",
        { rotationLambdaArn: UNKNOWN },
        { rotationLambdaArn: [f.urn] },
      );
    const inVpc = fn({ vpcConfig: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] } });
    ok(checkRotationLambdasInVpc([inVpc, schedule(inVpc)]));
    const outside = fn({});
    violates(
      checkRotationLambdasInVpc([outside, schedule(outside)]),
      /handler: rotates r but runs outside a VPC/,
    );
    // A function nothing rotates with is not this policy's concern.
    ok(checkRotationLambdasInVpc([outside]));
  });

  it("kms-key-rotation, deletion window, lockout check", () => {
    ok(checkKeyRotation({ enableKeyRotation: true, rotationPeriodInDays: 365 }, {}));
    violates(checkKeyRotation({ enableKeyRotation: false }, {}), /enableKeyRotation is off/);
    violates(
      checkKeyRotation(
        { enableKeyRotation: true, rotationPeriodInDays: 730 },
        { maxRotationPeriodDays: 365 },
      ),
      /730/,
    );
    unknown(checkKeyRotation({ enableKeyRotation: UNKNOWN }, {}));
    ok(checkDeletionWindow({ deletionWindowInDays: 30 }, {}, "aws:kms/key:Key"));
    violates(
      checkDeletionWindow(
        { deletionWindowInDays: 7 },
        { minDeletionWindowDays: 14 },
        "aws:kms/key:Key",
      ),
      /minimum is 14/,
    );
    unknown(checkDeletionWindow({ deletionWindowInDays: UNKNOWN }, {}, "aws:kms/key:Key"));
    ok(checkLockout({ bypassPolicyLockoutSafetyCheck: false }));
    violates(checkLockout({ bypassPolicyLockoutSafetyCheck: true }), /lock/);
  });

  it("no-public-principal, cross-account-key-grants, policy-size-limits", () => {
    const root = {
      Sid: "Root",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:root" },
      Action: "kms:*",
      Resource: "*",
    };
    const grant = {
      Sid: "W",
      Effect: "Allow",
      Principal: { AWS: ["arn:aws:iam::222222222222:role/app"] },
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
      Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
    };
    const doc = (...s: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: s });
    ok(checkNoPublicPrincipal(doc(root, grant)));
    violates(
      checkNoPublicPrincipal(
        doc({
          Sid: "Open",
          Effect: "Allow",
          Principal: "*",
          Action: "secretsmanager:GetSecretValue",
        }),
      ),
      /wildcard/,
    );
    violates(
      checkNoPublicPrincipal(
        doc({ Sid: "Open", Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt" }),
      ),
      /wildcard/,
    );
    // A condition that does not narrow who (a network path here) leaves every account in.
    violates(
      checkNoPublicPrincipal(
        doc({
          Sid: "Vpce",
          Effect: "Allow",
          Principal: "*",
          Action: "kms:Decrypt",
          Condition: { StringEquals: { "aws:SourceVpce": "vpce-0123" } },
        }),
      ),
      /statement Vpce allows the wildcard principal "\*" without a condition on who/,
    );
    const accounts = {
      Sid: "Accounts",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com",
          "kms:CallerAccount": ["222222222222"],
        },
      },
    };
    ok(checkNoPublicPrincipal(doc(root, accounts)));
    ok(
      checkNoPublicPrincipal(
        doc({ ...accounts, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } } }),
      ),
    );
    unknown(checkNoPublicPrincipal(UNKNOWN));
    // The wildcard narrowed to other accounts is a cross-account grant: same rules.
    ok(checkCrossAccountKeyGrants(doc(root, accounts)));
    violates(
      checkCrossAccountKeyGrants(
        doc(root, { ...accounts, Action: ["kms:Decrypt", "kms:ReEncrypt*"] }),
      ),
      /statement Accounts grants kms:ReEncrypt\* to another account/,
    );
    violates(
      checkCrossAccountKeyGrants(
        doc(root, { ...accounts, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } } }),
      ),
      /statement Accounts grants another account without a kms:ViaService condition/,
    );
    ok(checkCrossAccountKeyGrants(doc(root, grant)));
    violates(
      checkCrossAccountKeyGrants(doc(root, { ...grant, Action: ["kms:Decrypt", "kms:Encrypt"] })),
      /kms:Encrypt/,
    );
    violates(
      checkCrossAccountKeyGrants(doc(root, { ...grant, Condition: undefined })),
      /kms:ViaService/,
    );
    unknown(checkCrossAccountKeyGrants(UNKNOWN));
    ok(checkPolicySize(doc(root), 20480, "characters"));
    violates(checkPolicySize("x".repeat(20481), 20480, "characters"), /20481 characters/);
    violates(checkPolicySize("é".repeat(16385), 32768, "bytes"), /32770 bytes/);
    unknown(checkPolicySize(UNKNOWN, 32768, "bytes"));
  });

  const peeringGraph = (peerCidrs: string[], localCidr = "10.0.0.0/16") => {
    const vpc = res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: localCidr });
    const table = res("aws:ec2/routeTable:RouteTable", "rt", {}, { vpcId: [vpc.urn] });
    const out: PlainResource[] = [vpc, table];
    peerCidrs.forEach((cidr, i) => {
      const pcx = res(
        "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
        `p${i}`,
        { vpcId: UNKNOWN },
        { vpcId: [vpc.urn] },
      );
      out.push(
        pcx,
        res(
          "aws:ec2/route:Route",
          `r${i}`,
          { destinationCidrBlock: cidr, vpcPeeringConnectionId: UNKNOWN },
          { routeTableId: [table.urn], vpcPeeringConnectionId: [pcx.urn] },
        ),
      );
    });
    return out;
  };

  it("peering-quota, no-default-route-via-peering, peered-cidrs-disjoint", () => {
    const many = Array.from({ length: 51 }, (_, i) => `10.${i + 1}.0.0/16`);
    ok(checkPeeringQuota(peeringGraph(many.slice(0, 50)), {}));
    violates(
      checkPeeringQuota(peeringGraph(many), {}),
      /51 peering connections from VPC urn:vpc: 51 exceed the quota "Active VPC peering connections per VPC" of 50 \(vpc L-7E9ECCDB\); raise .* \(up to 125\) with aws service-quotas request-service-quota-increase --service-code vpc --quota-code L-7E9ECCDB.*; or route the workloads through a transit gateway/,
    );
    violates(
      checkPeeringQuota(peeringGraph(Array.from({ length: 126 }, (_, i) => `10.${i + 1}.0.0/16`)), {
        maxPeeringsPerVpc: 125,
      }),
      /AWS grants at most 125: route the workloads through a transit gateway \(secrets-hub:connectivity: transit-gateway; 5000 attachments per transit gateway\)$/,
    );
    ok(checkPeeringQuota(peeringGraph(many), { maxPeeringsPerVpc: 125 }));
    ok(checkNoDefaultRouteViaPeering(peeringGraph(["10.1.0.0/16"])));
    violates(checkNoDefaultRouteViaPeering(peeringGraph(["0.0.0.0/0"])), /0\.0\.0\.0\/0/);
    ok(checkPeeredCidrs(peeringGraph(["10.1.0.0/16", "10.2.0.0/16"])));
    violates(
      checkPeeredCidrs(peeringGraph(["10.1.0.0/16", "10.1.128.0/17"])),
      /overlaps 10\.1\.0\.0\/16/,
    );
    violates(checkPeeredCidrs(peeringGraph(["10.0.4.0/24"])), /the VPC vpc itself/);
    // Unknown destinations are skipped, not guessed.
    ok(checkPeeredCidrs(peeringGraph([UNKNOWN])));
  });

  // A quota message names the quota, the count, the limit, the code and how to raise it.
  const quotaMessage = (count: number, limit: number, name: string, code: string) =>
    new RegExp(
      `${count} exceed the quota "${name.replace(/[()]/g, "\\$&")}" of ${limit} \\(vpc ${code}\\); raise .* --quota-code ${code} .*set the raised value in the policy config`,
    );

  it("route-table-quota: routes grouped by route table, inline routes too", () => {
    const routes = (n: number, deps: (i: number) => Record<string, string[]>, props = {}) =>
      Array.from({ length: n }, (_, i) =>
        res(
          "aws:ec2/route:Route",
          `r${i}`,
          { destinationCidrBlock: `10.${i}.0.0/16`, ...props },
          deps(i),
        ),
      );
    const tables = [
      res("aws:ec2/routeTable:RouteTable", "rt-a", {}),
      res("aws:ec2/routeTable:RouteTable", "rt-b", {}),
    ];
    // 50 in each of two tables: compliant; 51 in one: refused, naming that table.
    ok(
      checkRouteTableQuota(
        [...tables, ...routes(100, (i) => ({ routeTableId: [tables[i % 2].urn] }))],
        {},
      ),
    );
    const over = checkRouteTableQuota(
      [...tables, ...routes(51, () => ({ routeTableId: [tables[0].urn] }))],
      {},
    );
    assert.equal(over.length, 1);
    violates(over, /51 IPv4 routes in route table urn:rt-a/);
    violates(over, quotaMessage(51, 50, QUOTAS.routesPerRouteTable.name, "L-93826ACB"));
    ok(
      checkRouteTableQuota([...tables, ...routes(51, () => ({ routeTableId: [tables[0].urn] }))], {
        maxRoutesPerRouteTable: 100,
      }),
    );
    // The way out is the mode's own: routes to peerings point at a transit gateway, routes to
    // a transit gateway at fewer, wider prefixes; routes to neither (or both) name no mode.
    const to = (target: Record<string, unknown>) =>
      checkRouteTableQuota(
        [...tables, ...routes(1001, () => ({ routeTableId: [tables[0].urn] }), target)],
        { maxRoutesPerRouteTable: 1000 },
      );
    violates(
      to({ vpcPeeringConnectionId: UNKNOWN }),
      /AWS grants at most 1000: route the workloads through a transit gateway \(secrets-hub:connectivity: transit-gateway; 5000 attachments per transit gateway\), which takes one route per prefix of their aggregate$/,
    );
    violates(
      to({ transitGatewayId: UNKNOWN }),
      /AWS grants at most 1000: route fewer, wider prefixes: give the workloads contiguous CIDRs \(without secrets-hub:transitGateway\.summaryPrefixes central routes their exact aggregate\) or set summaryPrefixes that cover them$/,
    );
    violates(to({}), /AWS grants at most 1000: change the design/);
    violates(
      checkRouteTableQuota(
        [
          ...tables,
          ...routes(51, () => ({ routeTableId: [tables[0].urn] }), { transitGatewayId: "tgw-1" }),
        ],
        {},
      ),
      /set the raised value in the policy config; or route fewer, wider prefixes/,
    );
    // A known literal table id groups as well; inline routes of a table count.
    violates(
      checkRouteTableQuota(
        routes(51, () => ({}), { routeTableId: "rtb-1" }),
        {},
      ),
      /in route table rtb-1/,
    );
    violates(
      checkRouteTableQuota(
        [
          res("aws:ec2/routeTable:RouteTable", "inline", {
            routes: Array.from({ length: 51 }, () => ({})),
          }),
        ],
        {},
      ),
      /51 IPv4 routes in route table urn:inline/,
    );
    // Neither a dependency nor a known id: undecidable only when it could matter.
    unknown(
      checkRouteTableQuota(
        routes(51, () => ({}), { routeTableId: UNKNOWN }),
        {},
      ),
    );
    ok(
      checkRouteTableQuota(
        routes(3, () => ({}), { routeTableId: UNKNOWN }),
        {},
      ),
    );
  });

  it("security-group-rules-quota: rules per group and direction, groups per interface, the product of both", () => {
    const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
    const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
    const sg = res("aws:ec2/securityGroup:SecurityGroup", "sg", {});
    const rules = (type: string, n: number, props: Record<string, unknown> = {}) =>
      Array.from({ length: n }, (_, i) =>
        res(
          type,
          `${type.split(":").pop()}${i}`,
          { cidrIpv4: `10.${i}.0.0/16`, ...props },
          { securityGroupId: [sg.urn] },
        ),
      );
    // 60 out and 60 in: each direction on its own.
    ok(checkSecurityGroupRulesQuota([sg, ...rules(EGRESS, 60), ...rules(INGRESS, 60)], {}));
    const over = checkSecurityGroupRulesQuota([sg, ...rules(EGRESS, 61)], {});
    violates(over, /61 outbound IPv4 rules in security group urn:sg/);
    violates(over, quotaMessage(61, 60, QUOTAS.rulesPerSecurityGroup.name, "L-0EA8095F"));
    ok(checkSecurityGroupRulesQuota([sg, ...rules(EGRESS, 61)], { maxRulesPerSecurityGroup: 100 }));
    // Legacy rules by type and inline rules count, one per source; a prefix list as its maximum entries.
    const legacy = res(
      "aws:ec2/securityGroupRule:SecurityGroupRule",
      "legacy",
      { type: "ingress", cidrBlocks: Array.from({ length: 40 }, (_, i) => `10.${i}.0.0/16`) },
      { securityGroupId: [sg.urn] },
    );
    const inline = res("aws:ec2/securityGroup:SecurityGroup", "inline", {
      ingress: [{ cidrBlocks: Array.from({ length: 61 }, (_, i) => `10.${i}.0.0/16`) }],
    });
    violates(
      checkSecurityGroupRulesQuota([sg, legacy, ...rules(INGRESS, 21)], {}),
      /61 inbound IPv4 rules/,
    );
    ok(
      checkSecurityGroupRulesQuota(
        [sg, { ...legacy, props: { ...legacy.props, type: "egress" } }, ...rules(INGRESS, 21)],
        {},
      ),
    );
    violates(
      checkSecurityGroupRulesQuota([inline], {}),
      /61 inbound IPv4 rules in security group urn:inline/,
    );
    const list = res("aws:ec2/managedPrefixList:ManagedPrefixList", "pl", { maxEntries: 60 });
    const viaList = res(
      EGRESS,
      "via-list",
      { prefixListId: UNKNOWN },
      { securityGroupId: [sg.urn], prefixListId: [list.urn] },
    );
    violates(
      checkSecurityGroupRulesQuota([sg, list, viaList, ...rules(EGRESS, 1)], {}),
      /61 outbound IPv4 rules/,
    );
    // Security groups per interface, from the rotation application's parameter dependencies.
    const groups = Array.from({ length: 6 }, (_, i) =>
      res("aws:ec2/securityGroup:SecurityGroup", `g${i}`, {}),
    );
    const app = (n: number) =>
      res(
        "aws:serverlessrepository/cloudFormationStack:CloudFormationStack",
        "app",
        { parameters: { vpcSecurityGroupIds: UNKNOWN } },
        { parameters: ["urn:subnet", ...groups.slice(0, n).map((g) => g.urn)] },
      );
    ok(checkSecurityGroupRulesQuota([...groups, app(5)], {}));
    violates(
      checkSecurityGroupRulesQuota([...groups, app(6)], {}),
      /6 security groups on the network interfaces of app: 6 exceed the quota "Security groups per network interface" of 5 \(vpc L-2AFB9258\); raise .*\(up to 16\)/,
    );
    ok(checkSecurityGroupRulesQuota([...groups, app(6)], { maxSecurityGroupsPerInterface: 6 }));
    violates(
      checkSecurityGroupRulesQuota([], {
        maxRulesPerSecurityGroup: 100,
        maxSecurityGroupsPerInterface: 16,
      }),
      /100 × .* 16 = 1600/,
    );
    // Unknown: a rule whose group is neither a resource nor a known id, when it could tip it over.
    unknown(
      checkSecurityGroupRulesQuota(
        rules(EGRESS, 61).map((r) => ({
          ...r,
          propertyDependencies: {},
          props: { ...r.props, securityGroupId: UNKNOWN },
        })),
        {},
      ),
    );
    unknown(
      checkSecurityGroupRulesQuota(
        [
          res("aws:serverlessrepository/cloudFormationStack:CloudFormationStack", "app", {
            parameters: { vpcSecurityGroupIds: UNKNOWN },
          }),
        ],
        {},
      ),
    );
  });

  it("interface-endpoints-quota: interface endpoints per VPC, gateway endpoints aside", () => {
    const vpc = res("aws:ec2/vpc:Vpc", "vpc", {});
    const endpoints = (n: number, type: unknown = "Interface") =>
      Array.from({ length: n }, (_, i) =>
        res(
          "aws:ec2/vpcEndpoint:VpcEndpoint",
          `e${i}`,
          { vpcEndpointType: type, vpcId: UNKNOWN },
          { vpcId: [vpc.urn] },
        ),
      );
    ok(checkInterfaceEndpointsQuota([vpc, ...endpoints(50), ...endpoints(5, "Gateway")], {}));
    violates(
      checkInterfaceEndpointsQuota([vpc, ...endpoints(51)], {}),
      /51 interface endpoints in VPC urn:vpc: 51 exceed the quota "Interface and Gateway Load Balancer endpoints per VPC" of 50 \(vpc L-29B6F2EB\); raise .* --quota-code L-29B6F2EB/,
    );
    ok(checkInterfaceEndpointsQuota([vpc, ...endpoints(51)], { maxInterfaceEndpointsPerVpc: 60 }));
    unknown(checkInterfaceEndpointsQuota(endpoints(51, UNKNOWN), {}));
  });

  it("pending-peering-requests-quota: every request of the stack (an upper bound), and the plan's per-step check", () => {
    const graph = peeringGraph(Array.from({ length: 26 }, (_, i) => `10.${i + 1}.0.0/16`));
    ok(checkPendingPeeringRequests(graph.slice(0, 2 + 2 * 25), {}));
    violates(
      checkPendingPeeringRequests(graph, {}),
      /26 peering requests in this stack.*: 26 exceed the quota "Outstanding VPC peering connection requests" of 25 \(vpc L-DC9F7029\); raise .* --quota-code L-DC9F7029/,
    );
    ok(checkPendingPeeringRequests(graph, { maxPendingPeeringRequests: 30 }));
    assert.equal(
      environmentPolicies.find((p) => p.name === "pending-peering-requests-quota")
        ?.enforcementLevel,
      "advisory",
    );
    const pcx = (i: number) =>
      `urn:pulumi:c::secrets-hub::secrets-hub:central:PeeringRequest$aws:ec2/vpcPeeringConnection:VpcPeeringConnection::w${i}`;
    const step = (n: number) => ({
      phase: 2,
      stack: "dev-central",
      adds: [
        ...Array.from({ length: n }, (_, i) => pcx(i)),
        "urn:pulumi:c::secrets-hub::aws:ec2/route:Route::r",
      ],
      changes: [],
      removes: [],
    });
    assert.deepEqual(checkPendingPeeringSteps([step(25), step(25)], 25, "mandatory"), []);
    const [violation, ...rest] = checkPendingPeeringSteps([step(5), step(26)], 25, "mandatory");
    assert.deepEqual(rest, []);
    assert.equal(violation.policy, "pending-peering-requests-quota");
    assert.equal(violation.level, "mandatory");
    assert.equal(violation.stack, "dev-central");
    assert.equal(violation.urn, pcx(0));
    assert.match(
      violation.message,
      /phase 2, dev-central: 26 peering requests added in one update: 26 exceed .* of 25 \(vpc L-DC9F7029\)/,
    );
    assert.deepEqual(checkPendingPeeringSteps([step(26)], 30, "mandatory"), []);
    assert.deepEqual(checkPendingPeeringSteps([step(26)], 25, "disabled"), []);
  });

  it("the plan re-runs every environment policy: lib/names.ts lists exactly the policies of policies/environment.ts and policies/transitGateway.ts", () => {
    assert.deepEqual(
      [...environmentPolicies, ...transitGatewayPolicies].map((p) => p.name).sort(),
      [...ENVIRONMENT_POLICIES].sort(),
    );
  });
});

describe("database policies: RDS instances and Aurora clusters alike", () => {
  const INSTANCE = "aws:rds/instance:Instance";
  const CLUSTER = "aws:rds/cluster:Cluster";
  const CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
  const compliant = {
    engine: "aurora-postgresql",
    storageEncrypted: true,
    backupRetentionPeriod: 7,
    deletionProtection: true,
    engineLifecycleSupport: "open-source-rds-extended-support-disabled",
  };

  it("database-storage-encrypted", () => {
    for (const type of [INSTANCE, CLUSTER]) {
      ok(checkStorageEncrypted(compliant, {}, type));
      violates(
        checkStorageEncrypted({ ...compliant, storageEncrypted: false }, {}, type),
        /not encrypted/,
      );
      violates(
        checkStorageEncrypted({ engine: "postgres" }, {}, type),
        /storageEncrypted is not true/,
      );
      unknown(checkStorageEncrypted({ ...compliant, storageEncrypted: UNKNOWN }, {}, type));
    }
    // An aws-native cluster member inherits its cluster's encryption.
    ok(checkStorageEncrypted({ dbClusterIdentifier: "ledger" }, {}, "aws-native:rds:DbInstance"));
  });

  it("database-not-public: instances and Aurora cluster instances", () => {
    ok(checkNotPublic({ publiclyAccessible: false }));
    ok(checkNotPublic({}));
    violates(checkNotPublic({ publiclyAccessible: true }), /public address/);
    unknown(checkNotPublic({ publiclyAccessible: UNKNOWN }));
  });

  it("database-backups", () => {
    ok(checkBackups(compliant, {}));
    ok(checkBackups({}, {}));
    violates(checkBackups({ backupRetentionPeriod: 0 }, {}), /backupRetentionPeriod is 0/);
    violates(
      checkBackups({ backupRetentionPeriod: 3 }, { minBackupRetentionDays: 7 }),
      /at least 7 days/,
    );
    unknown(checkBackups({ backupRetentionPeriod: UNKNOWN }, {}));
  });

  it("database-lifecycle-explicit", () => {
    for (const engine of ["postgres", "mysql", "aurora-postgresql", "aurora-mysql"]) {
      ok(checkLifecycleExplicit({ ...compliant, engine }));
      ok(
        checkLifecycleExplicit({
          ...compliant,
          engine,
          engineLifecycleSupport: "open-source-rds-extended-support",
        }),
      );
      violates(checkLifecycleExplicit({ engine }), /not set.*Extended Support/);
      violates(checkLifecycleExplicit({ engine, engineLifecycleSupport: "forever" }), /not one of/);
    }
    ok(checkLifecycleExplicit({ engine: "oracle-ee" }));
    unknown(checkLifecycleExplicit({ ...compliant, engineLifecycleSupport: UNKNOWN }));
  });

  it("database-deletion-protection: a protected instance or cluster, not a sandbox's", () => {
    const db = (
      type: string,
      name: string,
      props: Record<string, unknown>,
      protect: boolean,
    ): PlainResource => ({
      ...res(type, name, props),
      protect,
    });
    ok(
      checkDeletionProtection([
        db(CLUSTER, "ledger", compliant, true),
        db(INSTANCE, "orders", compliant, true),
      ]),
    );
    ok(
      checkDeletionProtection([
        db(CLUSTER, "sandbox", { ...compliant, deletionProtection: false }, false),
      ]),
    );
    for (const type of [CLUSTER, INSTANCE]) {
      violates(
        checkDeletionProtection([
          db(type, "ledger", { ...compliant, deletionProtection: false }, true),
        ]),
        /ledger: protected by the program but deletionProtection is not true/,
      );
    }
    // Cluster instances have no deletion protection of their own: the cluster's holds.
    ok(checkDeletionProtection([db(CLUSTER_INSTANCE, "ledger-1", {}, true)]));
    unknown(
      checkDeletionProtection([
        db(CLUSTER, "ledger", { ...compliant, deletionProtection: UNKNOWN }, true),
      ]),
    );
  });
});
