import * as assert from "node:assert/strict";
import { Address4 } from "ip-address";
import { carveSubnets } from "../../kernel/cidr";
import { cidrsOverlap } from "../../policy-pack/lib/cidr";
import { Network } from "../../components/network";
import { assertRefused, devEnvironment, ofType, one, runStackOf } from "../harness";

describe("Network component", () => {
  it("places disjoint private subnets inside the VPC, one per distinct zone, with DNS on", async () => {
    const run = await runStackOf(devEnvironment(), "dev-workload-a");
    const vpc = one(run, "aws:ec2/vpc:Vpc");
    assert.equal(vpc.inputs.enableDnsSupport, true);
    assert.equal(vpc.inputs.enableDnsHostnames, true);
    const subnets = ofType(run, "aws:ec2/subnet:Subnet");
    assert.equal(subnets.length, 2);
    const vpcBlock = new Address4(String(vpc.inputs.cidrBlock));
    for (const s of subnets) {
      assert.ok(
        new Address4(String(s.inputs.cidrBlock)).isInSubnet(vpcBlock),
        `${s.inputs.cidrBlock} outside ${vpc.inputs.cidrBlock}`,
      );
      assert.equal(s.inputs.mapPublicIpOnLaunch, false);
    }
    assert.equal(
      cidrsOverlap(String(subnets[0].inputs.cidrBlock), String(subnets[1].inputs.cidrBlock)),
      false,
    );
    assert.equal(new Set(subnets.map((s) => s.inputs.availabilityZone)).size, subnets.length);
    // One route table per subnet, each associated with its own subnet.
    assert.equal(ofType(run, "aws:ec2/routeTable:RouteTable").length, 2);
    assert.equal(ofType(run, "aws:ec2/routeTableAssociation:RouteTableAssociation").length, 2);
    // No internet path is created.
    assert.equal(run.resources.filter((r) => /InternetGateway|NatGateway/.test(r.type)).length, 0);
  });

  it("carves consecutive blocks and refuses what does not fit", () => {
    assert.deepEqual(carveSubnets("10.1.0.0/16", 20, 3), [
      "10.1.0.0/20",
      "10.1.16.0/20",
      "10.1.32.0/20",
    ]);
    assert.throws(() => carveSubnets("10.1.0.0/27", 28, 3), /do not fit/);
  });

  it("refuses fewer than two availabilityZones", () =>
    assertRefused(
      () => new Network("test", { cidrBlock: "10.1.0.0/16", availabilityZones: ["us-east-1a"] }),
      "Network test",
      "availabilityZones",
    ));
});

describe("account providers", () => {
  it("pin every stack's aws and aws-native providers to its account and deploy role", async () => {
    const env = devEnvironment();
    for (const [stack, account] of [
      ["dev-workload-b", env.workloads[1]],
      ["dev-central", env.central],
    ] as const) {
      const run = await runStackOf(env, stack);
      const aws = one(run, "pulumi:providers:aws");
      // (central also has an aws-native provider per further Region, for its analyzers)
      const native = ofType(run, "pulumi:providers:aws-native").find(
        (p) => p.inputs.region === account.region,
      )!;
      for (const provider of [aws, native]) {
        assert.deepEqual(JSON.parse(String(provider.inputs.allowedAccountIds)), [
          account.accountId,
        ]);
        assert.equal(provider.inputs.region, account.region);
      }
      assert.equal(JSON.parse(String(aws.inputs.assumeRoles))[0].roleArn, account.deployRoleArn);
      assert.equal(JSON.parse(String(native.inputs.assumeRole)).roleArn, account.deployRoleArn);
      // Every custom resource names an explicit provider of this stack.
      const providerUrns = new Set(
        run.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => r.urn),
      );
      for (const r of run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:"))) {
        assert.ok(
          providerUrns.has(r.provider.split("::").slice(0, 4).join("::")),
          `${r.urn} uses provider ${r.provider}`,
        );
      }
    }
  });
});
