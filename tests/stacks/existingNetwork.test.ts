// An adopted central VPC and Secrets Manager endpoint: what the program reads of them
// (getVpc, getVpcEndpoint, getSubnet) and builds from what it reads.
import * as assert from "node:assert/strict";
import { PROJECT, environmentFromFile } from "../../src/config";
import { type MockWorld, type WorldVpc, mockWorldOf } from "../../src/offline/mockCloud";
import { runStack } from "../../src/offline/runStack";
import { runAccountProgram } from "../../src/stacks";
import { existingVpcProblem } from "../../src/stacks/network";
import { editedDevFile, ofType, one, runStackOf } from "../harness";

// An endpoint id unrelated to the VPC's (the mocks once derived the VPC from the id).
const ENDPOINT = "vpce-0123456789abcdef0";
const VPC = "vpc-0fedcba98765432a1";
const env = environmentFromFile(
  editedDevFile((c) => {
    c["secrets-hub:central"].existingVpc = {
      vpcId: VPC,
      privateRouteTableIds: ["rtb-0fedcba98765432a1", "rtb-0fedcba98765432a2"],
      subnets: [
        { id: "subnet-0fedcba98765432a1", cidr: "10.0.1.0/24" },
        { id: "subnet-0fedcba98765432a2", cidr: "10.0.2.0/24" },
      ],
      secretsManagerEndpointId: ENDPOINT,
    };
  }),
);

/** central's first run in a world where its VPC is `edit`ed from what the file says. */
function centralIn(edit: (vpc: WorldVpc) => WorldVpc) {
  const world = mockWorldOf(env);
  const changed: MockWorld = { vpcs: world.vpcs.map((v) => (v.vpcId === VPC ? edit(v) : v)) };
  return runStack({
    project: PROJECT,
    stack: "dev-central",
    peers: new Map(),
    program: () => runAccountProgram(env, "dev-central"),
    world: changed,
  });
}

describe("an adopted central VPC and Secrets Manager endpoint", () => {
  it("plans with an endpoint id of the user's own: the mocks answer from the file's existingVpc", async () => {
    const run = await runStackOf(env, "dev-central");
    assert.equal(ofType(run, "aws:ec2/vpcEndpoint:VpcEndpoint").length, 0);
    assert.equal(ofType(run, "aws:ec2/vpc:Vpc").length, 0);
  });

  it("opens 443 to the subnets the endpoint really has, and admits the functions on its security group", async () => {
    // The endpoint sits in a third subnet of the VPC, not in the file's two.
    const run = await centralIn((v) => ({
      ...v,
      subnets: [
        ...v.subnets,
        { id: "subnet-0fedcba98765432a3", cidr: "10.0.3.0/24", zone: "us-east-1c" },
      ],
      endpointSubnetIds: ["subnet-0fedcba98765432a3"],
    }));
    const egress = ofType(run, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter(
      (r) => r.name.includes("https-to-endpoint"),
    );
    assert.deepEqual(
      egress.map((r) => [r.inputs.cidrIpv4, r.inputs.fromPort, r.inputs.toPort]),
      [["10.0.3.0/24", 443, 443]],
    );
    // The functions' group: the one their egress rules are on.
    const rotationGroup = egress[0].inputs.securityGroupId;
    const admit = one(
      run,
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      "central-secretsmanager-https-from-sg",
    );
    // The endpoint's own group, as getVpcEndpoint's securityGroupIds gives it.
    assert.match(String(admit.inputs.securityGroupId), /^sg-[0-9a-f]{17}$/);
    assert.notEqual(admit.inputs.securityGroupId, rotationGroup);
    assert.equal(admit.inputs.referencedSecurityGroupId, rotationGroup);
    assert.deepEqual(
      [admit.inputs.ipProtocol, admit.inputs.fromPort, admit.inputs.toPort],
      ["tcp", 443, 443],
    );
  });

  it("refuses a VPC whose CIDR blocks do not include the file's vpcCidr, naming the key", async () => {
    await assert.rejects(
      centralIn((v) => ({ ...v, cidr: "10.9.0.0/16" })),
      (e: Error) =>
        e.message.includes(
          `secrets-hub:central.vpcCidr: 10.0.0.0/16 is not a CIDR block of existingVpc.vpcId ${VPC} (it has 10.9.0.0/16): set vpcCidr to the block its subnets are in`,
        ),
    );
  });

  it("refuses a VPC with DNS hostnames off, with the command that turns them on", async () => {
    await assert.rejects(
      centralIn((v) => ({ ...v, dns: { support: true, hostnames: false } })),
      (e: Error) =>
        e.message.includes(
          `secrets-hub:central.existingVpc.vpcId: ${VPC} has enableDnsHostnames off; the Secrets Manager endpoint's private DNS needs both on: aws ec2 modify-vpc-attribute --vpc-id ${VPC} --enable-dns-hostnames '{"Value":true}'`,
        ),
    );
  });

  it("existingVpcProblem: a secondary block counts once associated; both DNS attributes are named", () => {
    const vpc = {
      cidrBlock: "10.9.0.0/16",
      cidrBlockAssociations: [
        { associationId: "a", cidrBlock: "10.9.0.0/16", state: "associated" },
        { associationId: "b", cidrBlock: "10.0.0.0/16", state: "associated" },
      ],
      enableDnsSupport: true,
      enableDnsHostnames: true,
    };
    const expected = { vpcCidr: "10.0.0.0/16", vpcId: VPC };
    assert.equal(existingVpcProblem(vpc, expected), undefined);
    assert.match(
      existingVpcProblem(
        {
          ...vpc,
          cidrBlockAssociations: [{ ...vpc.cidrBlockAssociations[1], state: "disassociated" }],
        },
        expected,
      )!,
      /^vpcCidr: 10\.0\.0\.0\/16 is not a CIDR block/,
    );
    assert.match(
      existingVpcProblem({ ...vpc, enableDnsSupport: false, enableDnsHostnames: false }, expected)!,
      /has enableDnsSupport and enableDnsHostnames off; .*--enable-dns-support '\{"Value":true\}', then .*--enable-dns-hostnames/,
    );
  });

  it("refuses an endpoint id the account does not have, as the provider does", async () => {
    const other = environmentFromFile(
      editedDevFile((c) => {
        c["secrets-hub:central"].existingVpc = { ...env.central.existingVpc };
      }),
    );
    await assert.rejects(
      runStack({
        project: PROJECT,
        stack: "dev-central",
        peers: new Map(),
        program: () => runAccountProgram(other, "dev-central"),
        world: { vpcs: mockWorldOf(other).vpcs.map((v) => ({ ...v, endpointId: undefined })) },
      }),
      /reading EC2 VPC Endpoint \(vpce-0123456789abcdef0\): no matching EC2 VPC Endpoint found/,
    );
  });
});
