import { ApplicationRole } from "../../components/applicationRole";
import { assertRefused } from "../harness";

describe("ApplicationRole component guards", () => {
  it("refuses an empty trustedServices", () =>
    assertRefused(
      () => new ApplicationRole("orders-app", { roleName: "test-orders-app", trustedServices: [] }),
      "ApplicationRole orders-app",
      "trustedServices",
    ));

  for (const missing of ["secretArns", "keyArns"] as const) {
    it(`refuses a grant without ${missing}`, () =>
      assertRefused(
        () =>
          new ApplicationRole("orders-app", {
            roleName: "test-orders-app",
            grant: {
              secretArns: ["arn:aws:secretsmanager:us-east-1:111111111111:secret:test/orders"],
              keyArns: ["arn:aws:kms:us-east-1:111111111111:key/primary"],
              regions: ["us-east-1"],
              [missing]: [],
            },
          }),
        "ApplicationRole orders-app",
        "grant",
        missing,
      ));
  }
});
