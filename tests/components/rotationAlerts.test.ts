import { RotationAlerts } from "../../components/rotationAlerts";
import { assertRefused } from "../harness";

describe("RotationAlerts component guards", () => {
  it("refuses an empty functionNames: no function's errors would raise an alarm", () =>
    assertRefused(
      () =>
        new RotationAlerts("rotation-alerts", {
          namePrefix: "secrets-hub-dev",
          accountId: "111111111111",
          region: "us-east-1",
          functionNames: [],
          destination: { kind: "topic" },
        }),
      "RotationAlerts rotation-alerts",
      "functionNames",
    ));
});
