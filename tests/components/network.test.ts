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
