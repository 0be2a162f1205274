// Transit gateway policies: a compliant case, a violating case, an unknown-value case each.
import { PlainResource, UNKNOWN } from "../../policy-pack/policies/model";
import { ok, res, unknown, violates } from "./findings";
import {
  checkAttachmentCidrs,
  checkAttachmentQuota,
  checkNoDefaultRouteViaTransitGateway,
  checkTransitGatewayRouteQuota,
} from "../../policy-pack/policies/transitGateway";

const TGW = "aws:ec2transitgateway/transitGateway:TransitGateway";
const ATTACHMENT = "aws:ec2transitgateway/vpcAttachment:VpcAttachment";
const TABLE = "aws:ec2transitgateway/routeTable:RouteTable";
const PROPAGATION = "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation";
const VPC = "aws:ec2/vpc:Vpc";
const RTB = "aws:ec2/routeTable:RouteTable";
const ROUTE = "aws:ec2/route:Route";

/** `cidrs.length` VPCs, each attached to one gateway (by id, as another stack sees it). */
function attached(cidrs: string[], gatewayId: unknown = "tgw-1", stack = "s"): PlainResource[] {
  return cidrs.flatMap((cidr, i) => [
    res(VPC, `${stack}-vpc-${i}`, { cidrBlock: cidr }),
    res(
      ATTACHMENT,
      `${stack}-attach-${i}`,
      { transitGatewayId: gatewayId, vpcId: UNKNOWN },
      {
        vpcId: [`urn:${stack}-vpc-${i}`],
        transitGatewayId: gatewayId === UNKNOWN ? ["urn:tgw"] : [],
      },
    ),
  ]);
}

describe("transit gateway policies", () => {
  it("transit-gateway-attachment-quota: counts attachments per gateway, by id or by dependency", () => {
    const cidrs = (n: number) => Array.from({ length: n }, (_, i) => `10.${i}.0.0/16`);
    ok(checkAttachmentQuota(attached(cidrs(3)), {}));
    violates(
      checkAttachmentQuota(attached(cidrs(4)), { maxAttachmentsPerTransitGateway: 3 }),
      /4 exceed the quota "Attachments per transit gateway" of 3 \(ec2 L-E0233F82\)/,
    );
    // Unknown gateway id (first preview): grouped by the gateway resource it depends on.
    violates(
      checkAttachmentQuota(attached(cidrs(4), UNKNOWN), { maxAttachmentsPerTransitGateway: 3 }),
      /tgw/,
    );
  });

  it("transit-gateway-route-quota: static and propagated routes of all route tables of a gateway", () => {
    const graph = (propagations: number, gatewayId: unknown = "tgw-1") => [
      res(TGW, "tgw", {}),
      res(TABLE, "hub", { transitGatewayId: gatewayId }, { transitGatewayId: ["urn:tgw"] }),
      res(TABLE, "spokes", { transitGatewayId: gatewayId }, { transitGatewayId: ["urn:tgw"] }),
      ...Array.from({ length: propagations }, (_, i) =>
        res(
          PROPAGATION,
          `p-${i}`,
          { transitGatewayRouteTableId: UNKNOWN },
          { transitGatewayRouteTableId: [i % 2 ? "urn:hub" : "urn:spokes"] },
        ),
      ),
    ];
    ok(checkTransitGatewayRouteQuota(graph(4), { maxRoutesPerTransitGateway: 4 }));
    // Both tables count toward one gateway's quota.
    violates(
      checkTransitGatewayRouteQuota(graph(5), { maxRoutesPerTransitGateway: 4 }),
      /5 exceed the quota "Total combined routes/,
    );
    violates(
      checkTransitGatewayRouteQuota(graph(5, UNKNOWN), { maxRoutesPerTransitGateway: 4 }),
      /tgw/,
    );
  });

  it("no-default-route-via-transit-gateway: VPC and transit gateway routes", () => {
    ok(
      checkNoDefaultRouteViaTransitGateway([
        res(ROUTE, "r", { destinationCidrBlock: "10.64.0.0/10", transitGatewayId: "tgw-1" }),
        // Not through a transit gateway: not this policy's business.
        res(ROUTE, "p", { destinationCidrBlock: "0.0.0.0/0", vpcPeeringConnectionId: "pcx-1" }),
      ]),
    );
    violates(
      checkNoDefaultRouteViaTransitGateway([
        res(ROUTE, "r", { destinationCidrBlock: "0.0.0.0/0", transitGatewayId: "tgw-1" }),
      ]),
      /r: routes 0\.0\.0\.0\/0 through a transit gateway/,
    );
    violates(
      checkNoDefaultRouteViaTransitGateway([
        res("aws:ec2transitgateway/route:Route", "t", { destinationCidrBlock: "0.0.0.0/0" }),
      ]),
      /0\.0\.0\.0\/0/,
    );
    unknown(
      checkNoDefaultRouteViaTransitGateway([
        res(ROUTE, "r", { destinationCidrBlock: UNKNOWN, transitGatewayId: UNKNOWN }),
      ]),
    );
  });

  it("transit-gateway-cidrs-disjoint: attached VPCs per gateway, and routes against their own VPC", () => {
    ok(checkAttachmentCidrs(attached(["10.0.0.0/16", "10.64.0.0/24", "10.64.1.0/24"])));
    violates(
      checkAttachmentCidrs(attached(["10.64.0.0/16", "10.1.0.0/16", "10.64.1.0/24"])),
      /attached CIDR 10\.64\.1\.0\/24 overlaps 10\.64\.0\.0\/16/,
    );
    // Two gateways may carry the same CIDR.
    ok(
      checkAttachmentCidrs([
        ...attached(["10.1.0.0/16"], "tgw-1", "a"),
        ...attached(["10.1.0.0/16"], "tgw-2", "b"),
      ]),
    );
    const routeGraph = (destination: unknown) => [
      res(VPC, "central", { cidrBlock: "10.0.0.0/16" }),
      res(RTB, "rtb", { vpcId: UNKNOWN }, { vpcId: ["urn:central"] }),
      res(
        ROUTE,
        "summary",
        { destinationCidrBlock: destination, transitGatewayId: "tgw-1" },
        {
          routeTableId: ["urn:rtb"],
        },
      ),
    ];
    ok(checkAttachmentCidrs(routeGraph("10.64.0.0/10")));
    violates(
      checkAttachmentCidrs(routeGraph("10.0.0.0/8")),
      /overlaps its own VPC 10\.0\.0\.0\/16/,
    );
    // An unknown destination or VPC CIDR is skipped, not guessed.
    ok(checkAttachmentCidrs(routeGraph(UNKNOWN)));
    ok(checkAttachmentCidrs(attached([UNKNOWN, "10.1.0.0/16"])));
  });
});
