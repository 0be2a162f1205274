// The transit gateway components: the hub (central), the member (central's side of one
// workload) and the attachment (the workload's side).
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { TransitGatewayAttachment } from "../../components/transitGatewayAttachment";
import { TransitGatewayHub, type TransitGatewayHubArgs } from "../../components/transitGatewayHub";
import { TransitGatewayMember } from "../../components/transitGatewayMember";
import { assertRefused, ofType, runComponent } from "../harness";

const hubArgs = (edit: Partial<TransitGatewayHubArgs>): TransitGatewayHubArgs => ({
  namePrefix: "secrets-hub-dev",
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
  routeTableIds: ["rtb-0aaaaaaaaaaaaaaaa"],
  shareWith: { kind: "accounts", accountIds: ["222222222222"], external: true },
  ...edit,
});

describe("TransitGatewayHub component guards", () => {
  const cases: [string, Partial<TransitGatewayHubArgs>, string][] = [
    ["an empty subnetIds", { subnetIds: [] }, "subnetIds"],
    ["an empty routeTableIds", { routeTableIds: [] }, "routeTableIds"],
    [
      "a share with no account",
      { shareWith: { kind: "accounts", accountIds: [], external: true } },
      "shareWith.accountIds",
    ],
  ];
  for (const [what, edit, argument] of cases) {
    it(`refuses ${what}`, () =>
      assertRefused(
        () => new TransitGatewayHub("central-tgw", hubArgs(edit)),
        "TransitGatewayHub central-tgw",
        argument,
      ));
  }
});

describe("TransitGatewayAttachment component guards", () => {
  const args = {
    transitGatewayId: "tgw-0123456789abcdef0",
    vpcId: "vpc-0123456789abcdef1",
    subnetIds: ["subnet-0cccccccccccccccc"],
    centralCidr: "10.0.0.0/16",
    routeTableIds: ["rtb-0cccccccccccccccc"],
  };
  for (const argument of ["subnetIds", "routeTableIds"] as const) {
    it(`refuses an empty ${argument}`, () =>
      assertRefused(
        () => new TransitGatewayAttachment("orders-tgw", { ...args, [argument]: [] }),
        "TransitGatewayAttachment orders-tgw",
        argument,
      ));
  }
});

// TransitGatewayMember validates no argument: no route tables is its documented default
// (summary prefixes routed by the hub) and a missing attachment means "not attached yet".
describe("TransitGatewayMember component", () => {
  const member = (attachmentId?: string) =>
    runComponent(() => {
      const centralAttachment = new pulumi.ComponentResource("test:index:Attachment", "central");
      new TransitGatewayMember("orders-member", {
        transitGatewayId: "tgw-0123456789abcdef0",
        cidr: "10.1.0.0/16",
        routeTableIds: ["rtb-0aaaaaaaaaaaaaaaa", "rtb-0bbbbbbbbbbbbbbbb"],
        centralAttachment,
        attachmentId,
        spokeRouteTableId: "tgw-rtb-spokes",
        hubRouteTableId: "tgw-rtb-hub",
      });
      return {};
    });

  it("before the workload attaches: only central's routes to the workload CIDR", async () => {
    const run = await member();
    assert.deepEqual(
      ofType(run, "aws:ec2/route:Route").map((r) => r.inputs.destinationCidrBlock),
      ["10.1.0.0/16", "10.1.0.0/16"],
    );
    assert.equal(
      run.resources.filter((r) => r.type.startsWith("aws:ec2transitgateway/")).length,
      0,
    );
  });

  it("once attached: associated with spokes, propagated to hub", async () => {
    const run = await member("tgw-attach-0123456789abcdef0");
    const [association] = ofType(
      run,
      "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
    );
    const [propagation] = ofType(
      run,
      "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation",
    );
    assert.equal(association.inputs.transitGatewayRouteTableId, "tgw-rtb-spokes");
    assert.equal(propagation.inputs.transitGatewayRouteTableId, "tgw-rtb-hub");
    assert.equal(association.inputs.transitGatewayAttachmentId, "tgw-attach-0123456789abcdef0");
  });
});
