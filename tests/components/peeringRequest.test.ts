import { PeeringRequest } from "../../components/peeringRequest";
import { assertRefused } from "../harness";

describe("PeeringRequest component guards", () => {
  it("refuses an empty routeTableIds", () =>
    assertRefused(
      () =>
        new PeeringRequest("orders-peering", {
          vpcId: "vpc-central",
          peerVpcId: "vpc-orders",
          peerOwnerId: "222222222222",
          peerRegion: "us-east-1",
          peerCidr: "10.1.0.0/16",
          routeTableIds: [],
        }),
      "PeeringRequest orders-peering",
      "routeTableIds",
    ));
});
