import { SecretsEndpoint, SecretsEndpointCommonArgs } from "../../components/secretsEndpoint";
import { assertRefused } from "../harness";

const common: SecretsEndpointCommonArgs = {
  vpcId: "vpc-0123",
  region: "us-east-1",
  subnetIds: ["subnet-a", "subnet-b"],
};

describe("SecretsEndpoint component guards", () => {
  it("refuses an empty allowedCidrs (the type cannot say non-empty)", () =>
    assertRefused(
      () => new SecretsEndpoint("test-secretsmanager", { ...common, allowedCidrs: [] }),
      "SecretsEndpoint test-secretsmanager",
      "allowedCidrs",
    ));
});
