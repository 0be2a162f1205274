// Layer 1: each policy's plain functions — a compliant case, a violating case, an unknown case.
import * as assert from "node:assert/strict";
import { UNKNOWN, PlainResource, Finding } from "../../policy-pack/lib/model";
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
  checkNoDefaultRouteViaPeering,
  checkPeeredCidrs,
  checkPeeringQuota,
} from "../../policy-pack/policies/environment";
import { readSchedule } from "../../policy-pack/lib/schedule";

const SECRET = "aws:secretsmanager/secret:Secret";
const CMK = "arn:aws:kms:us-east-1:111111111111:key/mrk-1";
const ok = (f: Finding[]) => assert.deepEqual(f, []);
const violates = (f: Finding[], pattern: RegExp) =>
  assert.ok(
    f.some((x) => !x.unknown && pattern.test(x.message)),
    JSON.stringify(f),
  );
const unknown = (f: Finding[]) =>
  assert.ok(f.length > 0 && f.every((x) => x.unknown), JSON.stringify(f));
const res = (
  type: string,
  name: string,
  props: Record<string, unknown>,
  deps: Record<string, string[]> = {},
): PlainResource => ({
  type,
  name,
  urn: `urn:${name}`,
  props,
  propertyDependencies: deps,
});

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
    unknown(checkNoPublicPrincipal(UNKNOWN));
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
    violates(checkPeeringQuota(peeringGraph(many), {}), /51 peering connections .* quota of 50/);
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
});
