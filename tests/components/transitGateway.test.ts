// The transit gateway components: the hub (central), the member (central's side of one
// workload) and the attachment (the workload's side).
import * as assert from "node:assert/strict";
import { TransitGatewayAttachment } from "../../components/transitGatewayAttachment";
import { TransitGatewayHub, type TransitGatewayHubArgs } from "../../components/transitGatewayHub";
import { TransitGatewayMember } from "../../components/transitGatewayMember";
import { assertRefused, ofType, runComponent } from "../harness";

const hubArgs = (edit: Partial<TransitGatewayHubArgs>): TransitGatewayHubArgs => ({
  namePrefix: "secrets-hub-dev",
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
  routeTableIds: ["rtb-0aaaaaaaaaaaaaaaa"],
  destinations: ["10.1.0.0/16"],
  shareWith: { kind: "accounts", accountIds: ["222222222222"], external: true },
  ...edit,
});

describe("TransitGatewayHub component guards", () => {
  const cases: [string, Partial<TransitGatewayHubArgs>, string][] = [
    ["an empty subnetIds", { subnetIds: [] }, "subnetIds"],
    ["an empty routeTableIds", { routeTableIds: [] }, "routeTableIds"],
    ["no destination", { destinations: [] }, "destinations"],
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

describe("TransitGatewayHub routes", () => {
  const former =
    "urn:pulumi:components::secrets-hub::secrets-hub:central:TransitGatewayMember$aws:ec2/route:Route::orders-tgw-route-1";
  const routes = async () =>
    ofType(
      await runComponent(() => {
        new TransitGatewayHub(
          "central-tgw",
          hubArgs({
            routeTableIds: ["rtb-0aaaaaaaaaaaaaaaa", "rtb-0bbbbbbbbbbbbbbbb"],
            destinations: ["10.1.0.0/16", "10.2.0.0/15"],
            formerRoute: (cidr, i) => (cidr === "10.1.0.0/16" && i === 1 ? former : undefined),
          }),
        );
        return {};
      }),
      "aws:ec2/route:Route",
    );

  it("one route per destination and route table, named from the prefix", async () => {
    assert.deepEqual(
      (await routes())
        .map((r) => [r.name, r.inputs.destinationCidrBlock, r.inputs.routeTableId])
        .sort(),
      [
        ["central-tgw-10-1-0-0-16-0", "10.1.0.0/16", "rtb-0aaaaaaaaaaaaaaaa"],
        ["central-tgw-10-1-0-0-16-1", "10.1.0.0/16", "rtb-0bbbbbbbbbbbbbbbb"],
        ["central-tgw-10-2-0-0-15-0", "10.2.0.0/15", "rtb-0aaaaaaaaaaaaaaaa"],
        ["central-tgw-10-2-0-0-15-1", "10.2.0.0/15", "rtb-0bbbbbbbbbbbbbbbb"],
      ],
    );
  });

  it("a route with a former URN is aliased to it, and no other", async () => {
    assert.deepEqual(Object.fromEntries((await routes()).map((r) => [r.name, r.aliases])), {
      "central-tgw-10-1-0-0-16-0": [],
      "central-tgw-10-1-0-0-16-1": [former],
      "central-tgw-10-2-0-0-15-0": [],
      "central-tgw-10-2-0-0-15-1": [],
    });
  });
});

// TransitGatewayMember validates no argument: a missing attachment means "not attached yet".
describe("TransitGatewayMember component", () => {
  const member = (attachmentId?: string) =>
    runComponent(() => {
      new TransitGatewayMember("orders-member", {
        attachmentId,
        spokeRouteTableId: "tgw-rtb-spokes",
        hubRouteTableId: "tgw-rtb-hub",
      });
      return {};
    });

  it("before the workload attaches: nothing (the hub routes its CIDR)", async () => {
    const run = await member();
    assert.equal(run.resources.filter((r) => r.custom).length, 0);
  });

  it("once attached: associated with spokes, propagated to hub, and no route of its own", async () => {
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
    assert.equal(ofType(run, "aws:ec2/route:Route").length, 0);
  });
});
