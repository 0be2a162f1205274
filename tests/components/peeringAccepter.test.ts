import { PeeringAccepter } from "../../components/peeringAccepter";
import { assertRefused } from "../harness";

describe("PeeringAccepter component guards", () => {
  it("refuses an empty routeTableIds", () =>
    assertRefused(
      () =>
        new PeeringAccepter("orders-peering", {
          peeringConnectionId: "pcx-0123",
          centralCidr: "10.0.0.0/16",
          routeTableIds: [],
        }),
      "PeeringAccepter orders-peering",
      "routeTableIds",
    ));
});
